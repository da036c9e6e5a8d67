/* The NUMA ops (numa_info, move_pages, mbind, migrate_pages,
 * compact_memory), their words read as the simulator's script/numa-ops.ts
 * reads them. compact_memory is global and may or may not move a page: a
 * recording of it is not expected to repeat. */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/mempolicy.h */
#define MF_STRICT 1
#define MF_MOVE 2
#define MF_MOVE_ALL 4
static const char *const MODES[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE" };
#define NMODES ((int)(sizeof MODES / sizeof MODES[0]))
static const struct { const char *name; int bit; } MODE_FLAGS[] = { { "MPOL_F_STATIC_NODES", 1 << 15 }, { "MPOL_F_RELATIVE_NODES", 1 << 14 }, { "MPOL_F_NUMA_BALANCING", 1 << 13 } };
static const struct { const char *name; int bit; } MF[] = { { "STRICT", MF_STRICT }, { "MOVE", MF_MOVE }, { "MOVE_ALL", MF_MOVE_ALL } };

/* a flag word: a number, none, or names joined by ',' */
static int flag_word(struct line *l, int k)
{
    const char *t = k < l->n ? l->w[k] : "none";
    if (!strcmp(t, "none")) return 0;
    if (t[0] >= '0' && t[0] <= '9') return (int)strtol(t, NULL, 0);
    int f = 0;
    char list[96];
    snprintf(list, sizeof list, "%s", t);
    for (char *save, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int hit = 0;
        for (size_t i = 0; i < sizeof MF / sizeof MF[0]; i++)
            if (!strcmp(MF[i].name, w)) { f |= MF[i].bit; hit = 1; }
        if (!hit) fail_script(l->lineno, "flag '%s' is not STRICT, MOVE or MOVE_ALL", w);
    }
    return f;
}

/* a list of numbers joined by ',', or '-' for none */
static int int_list(struct line *l, int k, int *out, int cap)
{
    if (!strcmp(l->w[k], "-")) return 0;
    int n = 0;
    char list[512];
    snprintf(list, sizeof list, "%s", l->w[k]);
    for (char *save, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (n == cap) fail_script(l->lineno, "more than %d entries", cap);
        out[n++] = (int)strtol(w, NULL, 0);
    }
    return n;
}

static int maxnode_of(struct line *l, int k) { return k < l->n && !strncmp(l->w[k], "maxnode=", 8) ? atoi(l->w[k] + 8) : 64; }

int op_numa_info(struct line *l)
{
    (void)l;
    step_open("numa_info");
    args_done();
    char online[64] = "", possible[64] = "";
    const char *files[2] = { "/sys/devices/system/node/online", "/sys/devices/system/node/possible" };
    char *into[2] = { online, possible };
    for (int i = 0; i < 2; i++) {
        int fd = open(files[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, into[i], 63);
        if (n > 0) into[i][n - 1] = 0;
        close(fd);
    }
    int mode = -1;
    unsigned long mask = 0;
    long rc = syscall(SYS_get_mempolicy, &mode, &mask, 64UL, NULL, 0UL);
    out_open_obj("ret");
    out_bool("ok", 1); out_str("online", online); out_str("possible", possible);
    if (rc == 0) out_num("task_policy_mode", mode); else out_str("get_mempolicy", errno_text(errno));
    out_close();
    step_close(0);
    return 0;
}

/* R PAGES NODES|query FLAGS */
int op_move_pages(struct line *l)
{
    struct region *r = region_arg(l, 0);
    int pages[64], nodes[64], status[64];
    int n = int_list(l, 1, pages, 64);
    int query = !strcmp(l->w[2], "query");
    int nn = query ? 0 : int_list(l, 2, nodes, 64);
    if (!query && nn != n) fail_script(l->lineno, "%d nodes for %d pages", nn, n);
    int flags = flag_word(l, 3);
    step_open("move_pages");
    out_str("r", r->name);
    out_open_arr("pages");
    for (int i = 0; i < n; i++) out_num(NULL, pages[i]);
    out_close();
    if (query) out_raw("nodes", "null");
    else { out_open_arr("nodes"); for (int i = 0; i < n; i++) out_num(NULL, nodes[i]); out_close(); }
    out_num("flags", flags);
    args_done();
    void *addrs[64];
    const int untouched = 0x7eadbeef;
    for (int i = 0; i < n; i++) { addrs[i] = (void *)(r->base + (uintptr_t)pages[i] * REC_PAGE); status[i] = untouched; }
    long rc = syscall(SYS_move_pages, 0, (unsigned long)n, addrs, query ? NULL : nodes, status, flags);
    int e = errno;
    out_open_obj("ret");
    out_bool("ok", rc >= 0);
    if (rc < 0) out_str("errno", errno_text(e)); else out_num("val", rc);
    out_open_arr("status");
    for (int i = 0; i < n; i++) {
        if (status[i] == untouched) out_raw(NULL, "null");
        else if (status[i] < 0) out_str(NULL, errno_text(-status[i]));
        else out_num(NULL, status[i]);
    }
    out_close();
    out_close();
    step_close(1);
    return 0;
}

/* R PAGE NPAGES MODE NODEMASK|null FLAGS [maxnode=N] */
int op_mbind(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1), npages = number(l, 2);
    int mode = -1;
    const char *mt = l->w[3];
    if (mt[0] >= '0' && mt[0] <= '9') mode = (int)strtol(mt, NULL, 0);
    else {
        char text[128];
        snprintf(text, sizeof text, "%s", mt);
        char *save, *w = strtok_r(text, "|", &save);
        for (int i = 0; w && i < NMODES; i++)
            if (!strcmp(MODES[i], w)) mode = i;
        if (mode < 0) fail_script(l->lineno, "mode '%s' is not a known mode", w ? w : "");
        for (w = strtok_r(NULL, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
            int hit = 0;
            for (size_t i = 0; i < sizeof MODE_FLAGS / sizeof MODE_FLAGS[0]; i++)
                if (!strcmp(MODE_FLAGS[i].name, w)) { mode |= MODE_FLAGS[i].bit; hit = 1; }
            if (!hit) fail_script(l->lineno, "mode flag '%s' is not known", w);
        }
    }
    int null_mask = !strcmp(l->w[4], "null");
    unsigned long mask = null_mask ? 0 : strtoul(l->w[4], NULL, 0);
    int flags = flag_word(l, 5);
    int maxnode = maxnode_of(l, 6);
    step_open("mbind");
    out_str("r", r->name); out_num("page", page); out_num("npages", npages);
    out_str("mode", (mode & 0xff) < NMODES ? MODES[mode & 0xff] : "?");
    out_num("nodemask", (long long)mask);
    out_open_arr("flags");
    for (size_t i = 0; i < sizeof MF / sizeof MF[0]; i++)
        if (flags & MF[i].bit) out_str(NULL, MF[i].name);
    out_close();
    args_done();
    long rc = syscall(SYS_mbind, (void *)(r->base + (uintptr_t)page * REC_PAGE), (unsigned long)npages * REC_PAGE, mode, null_mask ? NULL : &mask, (unsigned long)maxnode, flags);
    ret_sys(rc, errno);
    step_close(1);
    return 0;
}

/* OLD NEW [maxnode=N]: node masks of this process's pages */
int op_migrate_pages(struct line *l)
{
    unsigned long from = strcmp(l->w[0], "null") ? strtoul(l->w[0], NULL, 0) : 0;
    unsigned long to = strcmp(l->w[1], "null") ? strtoul(l->w[1], NULL, 0) : 0;
    int maxnode = maxnode_of(l, 2);
    step_open("migrate_pages");
    out_num("old_nodes", (long long)from); out_num("new_nodes", (long long)to);
    args_done();
    long rc = syscall(SYS_migrate_pages, 0, (unsigned long)maxnode, strcmp(l->w[0], "null") ? &from : NULL, strcmp(l->w[1], "null") ? &to : NULL);
    if (rc < 0) ret_errno(errno); else ret_ok(rc);
    step_close(1);
    return 0;
}

int op_compact_memory(struct line *l)
{
    (void)l;
    step_open("compact_memory");
    out_str("via", "/proc/sys/vm/compact_memory"); out_bool("nondeterministic", 1);
    args_done();
    int fd = open("/proc/sys/vm/compact_memory", O_WRONLY | O_CLOEXEC);
    int e = fd < 0 ? errno : 0;
    if (!e && write(fd, "1", 1) < 0) e = errno;
    if (fd >= 0) close(fd);
    if (e) ret_errno(e); else ret_ok(0);
    step_close(1);
    return 0;
}
