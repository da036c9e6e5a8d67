/* Reading the script and running it in one or two processes.
 *
 * After `fork`, parent and child both walk the same list of lines: each
 * runs its own (lines marked @child are the child's) and hands the baton
 * to the other at the first line that is not its own, then waits for it
 * back. A child that reaches `exit` or the end of the script writes its
 * exit step and ends; the parent then skips the remaining @child lines. */
#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINES 4096

static int child_role;
static pid_t child = -1;
static int to_child_fd = -1, from_child_fd = -1;   /* parent's ends */
static int from_parent_fd = -1, to_parent_fd = -1; /* child's ends */
static const char *script_name = "script.mmo";

int in_child(void) { return child_role; }

void fail_script(int lineno, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_flush();
    fprintf(stderr, "%s:%d: ", script_name, lineno);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (child_role) { undo_disown(); _exit(REC_EXIT_SCRIPT); }
    if (child > 0) { kill(child, SIGKILL); waitpid(child, NULL, 0); }
    exit(REC_EXIT_SCRIPT);
}

void fail_host(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mmsim-recorder: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (child_role) { undo_disown(); _exit(REC_EXIT_HOST); }
    if (child > 0) { kill(child, SIGKILL); waitpid(child, NULL, 0); }
    exit(REC_EXIT_HOST);
}

static void wait_byte(int fd, char *got)
{
    ssize_t n;
    char c = 0;
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR) {}
    *got = n == 1 ? c : 0;
}

/* parent: let the child run until it hands back or ends */
static void pass_to_child(void)
{
    out_flush();
    if (write(to_child_fd, "g", 1) != 1) fail_host("the child is gone");
    char c;
    wait_byte(from_child_fd, &c);
    if (c != 'p') {   /* 'X' (it exited) or EOF (it died) */
        int status = 0;
        waitpid(child, &status, 0);
        close(to_child_fd); close(from_child_fd);
        child = -1;
        labels_retire_child_only();
        if (c != 'X') {
            if (WIFEXITED(status)) exit(WEXITSTATUS(status));   /* it said why on stderr */
            fail_host("the forked child died (%s)", WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "no status");
        }
    }
}

/* child: hand back and wait for the next turn */
static void pass_to_parent(void)
{
    out_flush();
    if (write(to_parent_fd, "p", 1) != 1) _exit(REC_EXIT_HOST);
    char c;
    wait_byte(from_parent_fd, &c);
    if (c != 'g') { undo_disown(); _exit(0); }   /* the parent is gone */
}

int driver_fork(void)
{
    int down[2], up[2];
    out_flush();
    if (pipe(down) || pipe(up)) fail_host("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) fail_host("fork: %s", strerror(errno));
    if (pid == 0) {
        child_role = 1;
        undo_disown();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(down[1]); close(up[0]);
        from_parent_fd = down[0]; to_parent_fd = up[1];
        char c;
        wait_byte(from_parent_fd, &c);
        if (c != 'g') _exit(0);
        return 1;
    }
    close(down[0]); close(up[1]);
    to_child_fd = down[1]; from_child_fd = up[0];
    child = pid;
    return 0;
}

void driver_child_exit(void)
{
    extern void step_exit(void);
    step_exit();
    out_flush();
    if (write(to_parent_fd, "X", 1) != 1) {}
    _exit(0);
}

/* split a line into the op and its words; returns 0 for a blank or comment line */
static int split(char *text, int lineno, struct line *l)
{
    char *hash = strchr(text, '#');
    if (hash) *hash = 0;
    memset(l, 0, sizeof *l);
    l->lineno = lineno;
    char *save = NULL, *w = strtok_r(text, " \t\r", &save);
    if (!w) return 0;
    if (!strcmp(w, "@child")) { l->child = 1; w = strtok_r(NULL, " \t\r", &save); if (!w) fail_script(lineno, "@child needs an op after it"); }
    l->op = w;
    /* the rest of the line, for the free-text ops */
    char *rest = save;
    while (rest && (*rest == ' ' || *rest == '\t')) rest++;
    static char rests[MAX_LINES][256];
    snprintf(rests[lineno % MAX_LINES], sizeof rests[0], "%s", rest ? rest : "");
    size_t rl = strlen(rests[lineno % MAX_LINES]);
    while (rl && (rests[lineno % MAX_LINES][rl - 1] == ' ' || rests[lineno % MAX_LINES][rl - 1] == '\r')) rests[lineno % MAX_LINES][--rl] = 0;
    l->rest = rests[lineno % MAX_LINES];
    while ((w = strtok_r(NULL, " \t\r", &save)) && l->n < 16) l->w[l->n++] = w;
    return 1;
}

static char *read_all(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
    if (!f) { fprintf(stderr, "%s: %s\n", path, strerror(errno)); exit(REC_EXIT_SCRIPT); }
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    size_t r;
    while ((r = fread(b + len, 1, cap - len - 1, f)) > 0) { len += r; if (cap - len < 1024) b = realloc(b, cap *= 2); }
    if (f != stdin) fclose(f);
    b[len] = 0;
    return b;
}

static void run_script(const char *path)
{
    char *text = read_all(path);
    static struct line lines[MAX_LINES];
    int nl = 0, lineno = 0;
    char scenario[128] = "script", desc[512] = "";
    for (char *p = text, *next; p; p = next) {
        next = strchr(p, '\n');
        if (next) *next++ = 0;
        lineno++;
        char copy[1024];
        snprintf(copy, sizeof copy, "%s", p);
        struct line l;
        if (!split(p, lineno, &l)) continue;
        if (!strcmp(l.op, "scenario")) {
            snprintf(scenario, sizeof scenario, "%s", l.n ? l.w[0] : "");
            /* the description: the text after the name */
            char *d = strstr(copy, "scenario") + 8;
            while (*d == ' ' || *d == '\t') d++;
            d += strlen(l.n ? l.w[0] : "");
            while (*d == ' ' || *d == '\t') d++;
            char *hash = strchr(d, '#');
            if (hash) *hash = 0;
            snprintf(desc, sizeof desc, "%s", d);
            size_t dl = strlen(desc);
            while (dl && (desc[dl - 1] == ' ' || desc[dl - 1] == '\r')) desc[--dl] = 0;
            continue;
        }
        const char *why;
        if (!op_known(l.op, &why)) {
            if (why) fail_script(lineno, "'%s' cannot be recorded: %s", l.op, why);
            fail_script(lineno, "unknown op '%s'", l.op);
        }
        if (nl == MAX_LINES) fail_script(lineno, "more than %d ops", MAX_LINES);
        lines[nl++] = l;
    }
    struct utsname u;
    uname(&u);
    out_open_obj(NULL);
    out_str("scenario", scenario);
    out_str("desc", desc);
    out_str("kernel", u.release);
    out_num("page_size", sysconf(_SC_PAGESIZE));
    out_open_arr("steps");
    int forked = 0, waiting = 0;
    for (int i = 0; i < nl; i++) {
        struct line *l = &lines[i];
        int mine = child_role ? l->child : !l->child;
        if (!mine) {
            /* before a fork, or once the child has gone, its lines do not run */
            if (!forked || (!child_role && child < 0)) continue;
            if (!waiting) { if (child_role) pass_to_parent(); else pass_to_child(); waiting = 1; }
            continue;
        }
        waiting = 0;
        if (!strcmp(l->op, "fork")) {
            if (child_role) fail_script(l->lineno, "the child cannot fork (one child at a time)");
            if (child > 0) fail_script(l->lineno, "a child is running already (one child at a time)");
            if (driver_fork()) { waiting = 1; forked = 1; continue; }
            forked = 1;
            extern void step_fork(void);
            step_fork();
            continue;
        }
        run_op(l);
    }
    if (child_role) driver_child_exit();
    if (child > 0) pass_to_child();
    ops_finish();
    out_close();
    out_close();
    putchar('\n');
    out_flush();
    free(text);
}

int main(int argc, char **argv)
{
    int pin = 1, ai = 1;
    for (; ai < argc && argv[ai][0] == '-' && argv[ai][1]; ai++) {
        if (!strcmp(argv[ai], "--no-pin")) pin = 0;
        else if (!strcmp(argv[ai], "--list")) { ops_list(); return 0; }
        else { fprintf(stderr, "mmsim-recorder: unknown option '%s'; valid: --no-pin, --list\n", argv[ai]); return REC_EXIT_SCRIPT; }
    }
    if (ai + 1 != argc) { fprintf(stderr, "usage: mmsim-recorder [--no-pin] SCRIPT.mmo | --list\n"); return REC_EXIT_SCRIPT; }
    script_name = argv[ai];
    if (geteuid() != 0)
        fail_host("needs root: pagemap shows PFNs, /proc/kpageflags and /proc/kpagecount open, and swap and KSM change only with CAP_SYS_ADMIN");
    /* One recording at a time on a host: swap totals, KSM settings and zram
     * are system-wide, so a second recorder's swap file would show in this
     * one's SwapTotal (tests and fuzz campaigns may start several at once).
     * The lock goes with the process, on every exit path. */
    int lock = open("/tmp/mmsim-recorder.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX) != 0)
        fail_host("cannot lock /tmp/mmsim-recorder.lock (one recording at a time: swap and KSM are system-wide)");
    shared_setup();
    undo_setup();
    ops_setup();
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (pin) {
        /* one CPU: a folio waiting in another CPU's LRU batch holds a
         * reference that changes COW reuse and swap-slot freeing */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(0, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    run_script(argv[ai]);
    return REC_EXIT_OK;
}
