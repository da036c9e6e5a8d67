/* What every op shares: the step framing (n, proc, op, args, ret, obs), errno
 * and signal names, the regions at their fixed slots, the script's files,
 * number and flag words. */
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

const char *errno_text(int e)
{
    static const struct { int e; const char *n; } T[] = {
        { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
        { E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
        { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
        { ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" },
        { EOPNOTSUPP, "EOPNOTSUPP" }, { EHWPOISON, "EHWPOISON" }, { ESRCH, "ESRCH" }, { EFBIG, "EFBIG" },
        { ETXTBSY, "ETXTBSY" }, { ENOTTY, "ENOTTY" }, { EOVERFLOW, "EOVERFLOW" },
    };
    static char other[16];
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        if (T[i].e == e) return T[i].n;
    snprintf(other, sizeof other, "E%d", e);
    return other;
}

const char *signal_text(int sig) { return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "SIG?"; }

const char *si_code_text(int sig, int code)
{
    if (sig == SIGSEGV) return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS) return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_OBJERR ? "BUS_OBJERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "?";
    return "?";
}

void step_open(const char *op)
{
    labels_retire_freed();   /* frees since the last observation */
    out_open_obj(NULL);
    out_num("n", next_step_number());
    out_str("proc", in_child() ? "child" : "parent");
    out_str("op", op);
    out_open_obj("args");
}

void args_done(void) { out_close(); }

void ret_ok(long long val) { out_open_obj("ret"); out_bool("ok", 1); out_num("val", val); out_close(); }

void ret_errno(int e) { out_open_obj("ret"); out_bool("ok", 0); out_str("errno", errno_text(e)); out_close(); }

void ret_sys(long rc, int e) { if (rc < 0) ret_errno(e); else ret_ok(0); }

void step_close(int observe) { if (observe) observe_regions(); out_close(); out_flush(); }

static uintptr_t arena;

struct sample_list samples[REC_MAX_REGIONS];

uintptr_t slot_address(int slot) { return arena + (uintptr_t)slot * SLOT_BYTES; }

void arena_reserve(void)
{
    /* find 2 MiB-aligned room for every slot, then give it back: regions are
     * placed there with MAP_FIXED_NOREPLACE, apart, so they never merge */
    size_t len = SLOTS * SLOT_BYTES + (2UL << 20);
    void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail_host("cannot reserve the address range for the regions");
    arena = ((uintptr_t)p + (2UL << 20) - 1) & ~((2UL << 20) - 1);
    munmap(p, len);
}

struct region *region_find(const char *name)
{
    for (int i = 0; i < REC_MAX_REGIONS; i++)
        if (regions[i].live && !strcmp(regions[i].name, name)) return &regions[i];
    return NULL;
}

struct region *region_set(const char *name, uintptr_t base, size_t pages, int lineno)
{
    struct region *r = region_find(name);
    for (int i = 0; !r && i < REC_MAX_REGIONS; i++)
        if (!regions[i].live) r = &regions[i];
    if (!r) fail_script(lineno, "more than %d regions", REC_MAX_REGIONS);
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->base = base;
    r->pages = pages;
    r->live = 1;
    for (int i = 0; i < REC_MAX_REGIONS; i++)
        if (samples[i].n && !strcmp(samples[i].name, name)) {
            r->nsample = samples[i].n;
            memcpy(r->sample, samples[i].idx, sizeof r->sample);
        }
    return r;
}

struct region *region_arg(struct line *l, int k)
{
    struct region *r = k < l->n ? region_find(l->w[k]) : NULL;
    if (!r) fail_script(l->lineno, "'%s' names no region", k < l->n ? l->w[k] : "");
    return r;
}

long long number(struct line *l, int k)
{
    if (k >= l->n) fail_script(l->lineno, "'%s' needs argument %d", l->op, k + 1);
    char *end;
    errno = 0;
    long long v = strtoll(l->w[k], &end, 0);
    if (errno || *end || end == l->w[k]) fail_script(l->lineno, "'%s' is not a number", l->w[k]);
    return v;
}

const char *keyed(struct line *l, int from, const char *key)
{
    size_t kl = strlen(key);
    for (int k = from; k < l->n; k++)
        if (!strncmp(l->w[k], key, kl) && l->w[k][kl] == '=') return l->w[k] + kl + 1;
    return NULL;
}

int prot_of(const char *s)
{
    return (s[0] == 'r' ? PROT_READ : 0) | (s[0] && s[1] == 'w' ? PROT_WRITE : 0) | (s[0] && s[1] && s[2] == 'x' ? PROT_EXEC : 0);
}

struct file files[REC_MAX_FILES];

struct file *file_arg(struct line *l, int k)
{
    for (int i = 0; k < l->n && i < REC_MAX_FILES; i++)
        if (files[i].name[0] && !strcmp(files[i].name, l->w[k])) return &files[i];
    fail_script(l->lineno, "'%s' names no file", k < l->n ? l->w[k] : "");
}

void tag_of_page(const unsigned char *pg, char *out, size_t n)
{
    size_t k = 0;
    while (k < REC_PAGE && !pg[k]) k++;
    if (k == REC_PAGE) { snprintf(out, n, "0"); return; }
    size_t i = 0;
    for (; i < 31 && i + 1 < n && pg[i] >= 0x20 && pg[i] < 0x7f; i++) out[i] = (char)pg[i];
    out[i] = 0;
    if (i == 0) {
        int o = snprintf(out, n, "x:");
        for (int b = 0; b < 8; b++) o += snprintf(out + o, n - (size_t)o, "%02x", pg[b]);
    }
}
