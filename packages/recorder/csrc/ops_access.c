/* User accesses to a region's pages (write, read, write_all), a SIGSEGV or
 * SIGBUS caught and reported, with the minor and major faults of the access
 * alone (getrusage around it, the recorder's own pages touched first). */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

static sigjmp_buf probe_env;

static volatile sig_atomic_t probing, probe_sig, probe_code;

static unsigned char access_buf[REC_PAGE];

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (!probing) { undo_on_crash(sig); return; }
    probe_sig = sig;
    probe_code = si->si_code;
    siglongjmp(probe_env, 1);
}

void faults_setup(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* touch the recorder's own memory an access uses (stack, buffer, jump
 * buffer) first, so that faults on them after a fork do not count as the
 * access's faults */
static void __attribute__((noinline)) prepare_access(void)
{
    volatile char pad[16384];
    for (size_t i = 0; i < sizeof pad; i += 256) pad[i] = 0;
    memset(access_buf, 0, sizeof access_buf);
    memset((void *)&probe_env, 0, sizeof probe_env);
    probing = 0; probe_sig = 0; probe_code = 0;
}

static void fault_counts(long *minor, long *major)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *minor = ru.ru_minflt;
    *major = ru.ru_majflt;
}

/* write the tag (and its NUL, at most 32 bytes) at addr; 0 or the signal */
static int probed_write(uintptr_t addr, const char *tag, int *code)
{
    volatile char *p = (volatile char *)addr;
    if (sigsetjmp(probe_env, 1)) { probing = 0; *code = probe_code; return probe_sig; }
    probing = 1;
    size_t len = strlen(tag);
    for (size_t i = 0; i <= len && i < 32; i++) p[i] = tag[i];
    probing = 0;
    return 0;
}

static int probed_read(uintptr_t addr, char *tag, size_t n, int *code)
{
    volatile unsigned char *p = (volatile unsigned char *)addr;
    if (sigsetjmp(probe_env, 1)) { probing = 0; *code = probe_code; return probe_sig; }
    probing = 1;
    for (size_t i = 0; i < REC_PAGE; i++) access_buf[i] = p[i];
    probing = 0;
    tag_of_page(access_buf, tag, n);
    return 0;
}

static void access_ret(int sig, int code, const char *data, long mn, long mj)
{
    out_open_obj("ret");
    if (sig) {
        out_bool("ok", 0);
        out_str("signal", signal_text(sig));
        out_str("si_code", si_code_text(sig, code));
    } else {
        out_bool("ok", 1);
        if (data) out_str("data", data);
        /* a forked child's first access varies by one minor fault from run to run: not shown */
        if (!in_child()) { out_open_obj("faults"); out_num("minor", mn); out_num("major", mj); out_close(); }
    }
    out_close();
}

int op_write(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1);
    step_open("write");
    out_str("r", r->name); out_num("page", page); out_str("tag", l->w[2]);
    args_done();
    long mn0, mj0, mn1, mj1;
    int code = 0;
    prepare_access();
    fault_counts(&mn0, &mj0);
    int sig = probed_write(r->base + (uintptr_t)(page * (long long)REC_PAGE), l->w[2], &code);
    fault_counts(&mn1, &mj1);
    access_ret(sig, code, NULL, mn1 - mn0, mj1 - mj0);
    step_close(1);
    return 0;
}

int op_read(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1);
    step_open("read");
    out_str("r", r->name); out_num("page", page);
    args_done();
    long mn0, mj0, mn1, mj1;
    int code = 0;
    char tag[80];
    prepare_access();
    fault_counts(&mn0, &mj0);
    int sig = probed_read(r->base + (uintptr_t)(page * (long long)REC_PAGE), tag, sizeof tag, &code);
    fault_counts(&mn1, &mj1);
    access_ret(sig, code, tag, mn1 - mn0, mj1 - mj0);
    step_close(1);
    return 0;
}

int op_write_all(struct line *l)
{
    struct region *r = region_arg(l, 0);
    step_open("write_all");
    out_str("r", r->name); out_str("tagprefix", l->w[1]);
    args_done();
    int sig = 0, code = 0;
    for (size_t i = 0; i < r->pages && !sig; i++) {
        char tag[40];
        snprintf(tag, sizeof tag, "%s%zu", l->w[1], i);
        sig = probed_write(r->base + i * REC_PAGE, tag, &code);
    }
    if (sig) { out_open_obj("ret"); out_bool("ok", 0); out_str("signal", signal_text(sig)); out_str("si_code", si_code_text(sig, code)); out_close(); }
    else ret_ok(0);
    step_close(1);
    return 0;
}
