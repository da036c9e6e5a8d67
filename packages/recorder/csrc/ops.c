/* The ops of the `.mmo` vocabulary (packages/mm/src/script/ops is its
 * source of truth: names, arguments and the step each writes). Each op
 * writes one step: n, proc, op, args, ret and, unless the op is one the
 * simulator leaves unobserved, obs. Ops the recorder cannot run on a real
 * kernel are listed in REFUSED with the reason. */
#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define SWAP_PAGES_DEFAULT 16384
#define SLOT_BYTES (32UL << 20)
#define SLOTS 64

/* ---------------- names ---------------- */

static const struct { const char *name; int value; } ADVICE[] = {
    { "DONTNEED", MADV_DONTNEED }, { "FREE", MADV_FREE }, { "PAGEOUT", MADV_PAGEOUT }, { "COLD", MADV_COLD },
    { "WILLNEED", MADV_WILLNEED }, { "REMOVE", MADV_REMOVE }, { "DONTFORK", MADV_DONTFORK }, { "DOFORK", MADV_DOFORK },
    { "WIPEONFORK", MADV_WIPEONFORK }, { "KEEPONFORK", MADV_KEEPONFORK }, { "POPULATE_READ", MADV_POPULATE_READ },
    { "POPULATE_WRITE", MADV_POPULATE_WRITE }, { "HUGEPAGE", MADV_HUGEPAGE }, { "NOHUGEPAGE", MADV_NOHUGEPAGE },
    { "COLLAPSE", MADV_COLLAPSE }, { "MERGEABLE", MADV_MERGEABLE }, { "UNMERGEABLE", MADV_UNMERGEABLE },
    { "GUARD_INSTALL", MADV_GUARD_INSTALL }, { "GUARD_REMOVE", MADV_GUARD_REMOVE }, { "NORMAL", MADV_NORMAL },
    { "RANDOM", MADV_RANDOM }, { "SEQUENTIAL", MADV_SEQUENTIAL }, { "DONTDUMP", MADV_DONTDUMP }, { "DODUMP", MADV_DODUMP },
};

static const char *errno_text(int e)
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

static const char *signal_text(int sig) { return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "SIG?"; }
static const char *si_code_text(int sig, int code)
{
    if (sig == SIGSEGV) return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS) return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_OBJERR ? "BUS_OBJERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "?";
    return "?";
}

/* ---------------- step framing ---------------- */

static void step_open(const char *op)
{
    labels_retire_freed();   /* frees since the last observation */
    out_open_obj(NULL);
    out_num("n", next_step_number());
    out_str("proc", in_child() ? "child" : "parent");
    out_str("op", op);
    out_open_obj("args");
}
static void args_done(void) { out_close(); }
static void ret_ok(long long val) { out_open_obj("ret"); out_bool("ok", 1); out_num("val", val); out_close(); }
static void ret_errno(int e) { out_open_obj("ret"); out_bool("ok", 0); out_str("errno", errno_text(e)); out_close(); }
static void ret_sys(long rc, int e) { if (rc < 0) ret_errno(e); else ret_ok(0); }
static void step_close(int observe) { if (observe) observe_regions(); out_close(); out_flush(); }

/* ---------------- arena and regions ---------------- */

static uintptr_t arena;
static struct { char name[REC_NAME]; int n; int idx[REC_MAX_SAMPLE]; } samples[REC_MAX_REGIONS];

static uintptr_t slot_address(int slot) { return arena + (uintptr_t)slot * SLOT_BYTES; }

static void arena_reserve(void)
{
    /* find 2 MiB-aligned room for every slot, then give it back: regions are
     * placed there with MAP_FIXED_NOREPLACE, apart, so they never merge */
    size_t len = SLOTS * SLOT_BYTES + (2UL << 20);
    void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail_host("cannot reserve the address range for the regions");
    arena = ((uintptr_t)p + (2UL << 20) - 1) & ~((2UL << 20) - 1);
    munmap(p, len);
}

static struct region *region_find(const char *name)
{
    for (int i = 0; i < REC_MAX_REGIONS; i++)
        if (regions[i].live && !strcmp(regions[i].name, name)) return &regions[i];
    return NULL;
}

static struct region *region_set(const char *name, uintptr_t base, size_t pages, int lineno)
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

static struct region *region_arg(struct line *l, int k)
{
    struct region *r = k < l->n ? region_find(l->w[k]) : NULL;
    if (!r) fail_script(l->lineno, "'%s' names no region", k < l->n ? l->w[k] : "");
    return r;
}

/* ---------------- numbers ---------------- */

static long long number(struct line *l, int k)
{
    if (k >= l->n) fail_script(l->lineno, "'%s' needs argument %d", l->op, k + 1);
    char *end;
    errno = 0;
    long long v = strtoll(l->w[k], &end, 0);
    if (errno || *end || end == l->w[k]) fail_script(l->lineno, "'%s' is not a number", l->w[k]);
    return v;
}

static const char *keyed(struct line *l, int from, const char *key)
{
    size_t kl = strlen(key);
    for (int k = from; k < l->n; k++)
        if (!strncmp(l->w[k], key, kl) && l->w[k][kl] == '=') return l->w[k] + kl + 1;
    return NULL;
}

static int prot_of(const char *s)
{
    return (s[0] == 'r' ? PROT_READ : 0) | (s[0] && s[1] == 'w' ? PROT_WRITE : 0) | (s[0] && s[1] && s[2] == 'x' ? PROT_EXEC : 0);
}

/* ---------------- files ---------------- */

static struct file { char name[REC_NAME]; char path[160]; int fd; } files[REC_MAX_FILES];

static struct file *file_arg(struct line *l, int k)
{
    for (int i = 0; k < l->n && i < REC_MAX_FILES; i++)
        if (files[i].name[0] && !strcmp(files[i].name, l->w[k])) return &files[i];
    fail_script(l->lineno, "'%s' names no file", k < l->n ? l->w[k] : "");
}

static void tag_of_page(const unsigned char *pg, char *out, size_t n)
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

/* ---------------- probed user accesses ---------------- */

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

static void faults_setup(void)
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

/* ---------------- the ops ---------------- */

static int op_sample(struct line *l)
{
    int k = 0;
    for (; k < REC_MAX_REGIONS && samples[k].n && strcmp(samples[k].name, l->w[0]); k++) {}
    if (k == REC_MAX_REGIONS) fail_script(l->lineno, "too many sample lines");
    snprintf(samples[k].name, sizeof samples[k].name, "%s", l->w[0]);
    int n = 0;
    char list[512];
    snprintf(list, sizeof list, "%s", l->w[1]);
    for (char *save, *t = strtok_r(list, ",", &save); t && n < REC_MAX_SAMPLE; t = strtok_r(NULL, ",", &save)) samples[k].idx[n++] = atoi(t);
    samples[k].n = n;
    struct region *r = region_find(l->w[0]);
    if (r) { r->nsample = n; memcpy(r->sample, samples[k].idx, sizeof r->sample); }
    return 0;
}

static int op_file(struct line *l)
{
    int tmpfs = !strcmp(l->w[1], "tmpfs");
    if (!tmpfs && strcmp(l->w[1], "ext4")) fail_script(l->lineno, "file system '%s' cannot be recorded; valid: tmpfs, ext4", l->w[1]);
    long long pages = number(l, 2);
    struct file *f = NULL;
    for (int i = 0; i < REC_MAX_FILES && !f; i++)
        if (!files[i].name[0]) f = &files[i];
    if (!f) fail_script(l->lineno, "more than %d files", REC_MAX_FILES);
    snprintf(f->name, sizeof f->name, "%s", l->w[0]);
    snprintf(f->path, sizeof f->path, "%s/mmsim-rec.%d.%s", tmpfs ? "/dev/shm" : "/tmp", (int)getpid(), f->name);
    char shown[48];
    snprintf(shown, sizeof shown, "%s:%s", tmpfs ? "tmpfs" : "ext4", f->name);
    undo_file(f->path);
    f->fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    file_path_register(f->path, shown);
    step_open("file_create");
    out_str("file", f->name); out_str("fs", tmpfs ? "tmpfs" : "ext4"); out_num("pages", pages); out_str("tagprefix", l->w[3]);
    args_done();
    int e = f->fd < 0 ? errno : 0;
    static unsigned char page[REC_PAGE];
    for (long long i = 0; !e && i < pages; i++) {
        memset(page, 0, sizeof page);
        snprintf((char *)page, 32, "%s%lld", l->w[3], i);
        if (pwrite(f->fd, page, REC_PAGE, (off_t)(i * (long long)REC_PAGE)) != (ssize_t)REC_PAGE) e = errno;
    }
    if (e) ret_errno(e); else ret_ok(0);
    step_close(0);
    return 0;
}

static int op_rmfile(struct line *l)
{
    struct file *f = file_arg(l, 0);
    step_open("file_destroy");
    out_str("file", f->name);
    args_done();
    if (f->fd >= 0) close(f->fd);
    unlink(f->path);
    undo_file_done(f->path);
    file_path_forget(f->path);
    ret_ok(0);
    step_close(0);
    memset(f, 0, sizeof *f);
    return 0;
}

/* PROT FLAGS [file=F] [pgoff=N] [slot=N]: the mapping's echo and mmap arguments */
struct mapping { int prot, flags, fd; long long pgoff; const char *file; };

static struct mapping mapping_of(struct line *l, int protw)
{
    struct mapping m = { prot_of(l->w[protw]), 0, -1, 0, NULL };
    char list[128];
    snprintf(list, sizeof list, "%s", l->w[protw + 1]);
    for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "private")) m.flags |= MAP_PRIVATE;
        else if (!strcmp(t, "shared")) m.flags |= MAP_SHARED;
        else if (!strcmp(t, "anon")) m.flags |= MAP_ANONYMOUS;
        else if (!strcmp(t, "populate")) m.flags |= MAP_POPULATE;
        else fail_script(l->lineno, "mmap flag '%s' is not one of private, shared, anon, populate", t);
    }
    const char *fname = keyed(l, protw + 2, "file"), *pg = keyed(l, protw + 2, "pgoff");
    if (fname) {
        for (int i = 0; i < REC_MAX_FILES && m.fd < 0; i++)
            if (files[i].name[0] && !strcmp(files[i].name, fname)) { m.fd = files[i].fd; m.file = files[i].name; }
        if (!m.file) fail_script(l->lineno, "'%s' names no file", fname);
        m.pgoff = pg ? strtoll(pg, NULL, 0) : 0;
    }
    return m;
}

static void mapping_args(const struct mapping *m, const char *prot_text)
{
    out_str("prot", prot_text);
    out_open_arr("flags");
    if (m->flags & MAP_SHARED) out_str(NULL, "shared");
    if ((m->flags & MAP_TYPE) == MAP_PRIVATE) out_str(NULL, "private");
    if (m->flags & MAP_ANONYMOUS) out_str(NULL, "anon");
    if (m->flags & MAP_POPULATE) out_str(NULL, "populate");
    out_close();
    if (m->file) { out_str("file", m->file); out_num("pgoff", m->pgoff); }
}

static int op_mmap(struct line *l)
{
    long long pages = number(l, 1);
    struct mapping m = mapping_of(l, 2);
    const char *sl = keyed(l, 4, "slot");
    int slot = sl ? atoi(sl) : 0;
    if (slot < 0 || slot >= SLOTS) fail_script(l->lineno, "slot %d is not in 0 … %d", slot, SLOTS - 1);
    step_open("mmap");
    out_str("r", l->w[0]); out_num("pages", pages);
    mapping_args(&m, l->w[2]);
    out_num("slot", slot);
    args_done();
    void *p = mmap((void *)slot_address(slot), (size_t)pages * REC_PAGE, m.prot, m.flags | MAP_FIXED_NOREPLACE, m.fd, (off_t)(m.pgoff * (long long)REC_PAGE));
    if (p == MAP_FAILED) ret_errno(errno);
    else { region_set(l->w[0], (uintptr_t)p, (size_t)pages, l->lineno); ret_ok(0); }
    step_close(1);
    return 0;
}

/* R PAGE NPAGES PROT FLAGS [file=F] [pgoff=N]: MAP_FIXED inside a region (an mmsim op) */
static int op_mmap_fixed(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1), pages = number(l, 2);
    struct mapping m = mapping_of(l, 3);
    step_open("mmap_fixed");
    out_str("r", r->name); out_num("page", page); out_num("pages", pages);
    mapping_args(&m, l->w[3]);
    args_done();
    void *p = mmap((void *)(r->base + (uintptr_t)page * REC_PAGE), (size_t)pages * REC_PAGE, m.prot, m.flags | MAP_FIXED, m.fd, (off_t)(m.pgoff * (long long)REC_PAGE));
    if (p == MAP_FAILED) ret_errno(errno);
    else { if ((size_t)(page + pages) > r->pages) r->pages = (size_t)(page + pages); ret_ok(0); }
    step_close(1);
    return 0;
}

static int op_range(struct line *l, const char *name)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1), npages = number(l, 2);
    void *at = (void *)(r->base + (uintptr_t)(page * (long long)REC_PAGE));
    size_t len = (size_t)(npages * (long long)REC_PAGE);
    int advice = -1;
    if (!strcmp(name, "madvise")) {
        for (size_t i = 0; i < sizeof ADVICE / sizeof ADVICE[0]; i++)
            if (!strcmp(ADVICE[i].name, l->w[3])) advice = ADVICE[i].value;
        if (advice < 0) fail_script(l->lineno, "advice '%s' is not known", l->w[3]);
    }
    step_open(name);
    out_str("r", r->name); out_num("page", page); out_num("npages", npages);
    if (!strcmp(name, "mprotect")) out_str("prot", l->w[3]);
    if (advice >= 0) out_str("advice", l->w[3]);
    args_done();
    long rc;
    if (!strcmp(name, "munmap")) rc = munmap(at, len);
    else if (!strcmp(name, "mprotect")) rc = mprotect(at, len, prot_of(l->w[3]));
    else if (!strcmp(name, "madvise")) rc = madvise(at, len, advice);
    else if (!strcmp(name, "mlock")) rc = mlock(at, len);
    else rc = munlock(at, len);
    ret_sys(rc, errno);
    step_close(1);
    return 0;
}
static int op_munmap(struct line *l) { return op_range(l, "munmap"); }
static int op_mprotect(struct line *l) { return op_range(l, "mprotect"); }
static int op_madvise(struct line *l) { return op_range(l, "madvise"); }
static int op_mlock(struct line *l) { return op_range(l, "mlock"); }
static int op_munlock(struct line *l) { return op_range(l, "munlock"); }

static int op_write(struct line *l)
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

static int op_read(struct line *l)
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

static int op_write_all(struct line *l)
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

static int mremap_flags(struct line *l, const char *text)
{
    int f = 0;
    char list[64];
    snprintf(list, sizeof list, "%s", text);
    if (!strcmp(list, "none")) return 0;
    for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "maymove")) f |= MREMAP_MAYMOVE;
        else if (!strcmp(t, "fixed")) f |= MREMAP_FIXED | MREMAP_MAYMOVE;
        else if (!strcmp(t, "dontunmap")) f |= MREMAP_DONTUNMAP;
        else fail_script(l->lineno, "mremap flag '%s' is not one of maymove, fixed, dontunmap, none", t);
    }
    return f;
}

static void mremap_flag_args(int f)
{
    out_open_arr("flags");
    if (f & MREMAP_MAYMOVE) out_str(NULL, "maymove");
    if (f & MREMAP_FIXED) out_str(NULL, "fixed");
    if (f & MREMAP_DONTUNMAP) out_str(NULL, "dontunmap");
    out_close();
}

/* R OLD NEW FLAGS [NEWR NEWSLOT]. A whole region moved under a new name
 * retires the old name after this step's observation. */
static int op_mremap(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long oldp = number(l, 1), newp = number(l, 2);
    int f = mremap_flags(l, l->w[3]);
    const char *newname = l->n >= 5 ? l->w[4] : NULL;
    int newslot = l->n >= 6 ? (int)number(l, 5) : 0;
    step_open("mremap");
    out_str("r", r->name); out_num("old_pages", oldp); out_num("new_pages", newp);
    mremap_flag_args(f);
    if (newname) { out_str("new_r", newname); out_num("new_slot", newslot); }
    args_done();
    void *p = (f & MREMAP_FIXED)
        ? mremap((void *)r->base, (size_t)oldp * REC_PAGE, (size_t)newp * REC_PAGE, f, (void *)slot_address(newslot))
        : mremap((void *)r->base, (size_t)oldp * REC_PAGE, (size_t)newp * REC_PAGE, f);
    int retire = 0;
    if (p == MAP_FAILED) ret_errno(errno);
    else {
        out_open_obj("ret"); out_bool("ok", 1); out_bool("moved", (uintptr_t)p != r->base); out_close();
        if (newname && strcmp(newname, r->name)) {
            retire = !(f & MREMAP_DONTUNMAP) && (size_t)oldp >= r->pages;
            char old[REC_NAME];
            snprintf(old, sizeof old, "%s", r->name);
            region_set(newname, (uintptr_t)p, (size_t)newp, l->lineno);
            r = region_find(old);
        } else {
            r->base = (uintptr_t)p;
            r->pages = (size_t)newp;
        }
    }
    step_close(1);
    if (retire && r) r->live = 0;
    return 0;
}

/* R PAGE OLD NEW FLAGS [NEWR NEWPAGE]: mremap of part of a region (an mmsim op) */
static int op_mremap_part(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1), oldp = number(l, 2), newp = number(l, 3);
    int f = mremap_flags(l, l->w[4]);
    struct region *dest = (f & MREMAP_FIXED) ? region_arg(l, 5) : NULL;
    long long newpage = dest ? number(l, 6) : 0;
    step_open("mremap_part");
    out_str("r", r->name); out_num("page", page); out_num("old_pages", oldp); out_num("new_pages", newp);
    mremap_flag_args(f);
    if (dest) { out_str("new_r", dest->name); out_num("new_page", newpage); }
    args_done();
    uintptr_t from = r->base + (uintptr_t)page * REC_PAGE;
    void *p = dest
        ? mremap((void *)from, (size_t)oldp * REC_PAGE, (size_t)newp * REC_PAGE, f, (void *)(dest->base + (uintptr_t)newpage * REC_PAGE))
        : mremap((void *)from, (size_t)oldp * REC_PAGE, (size_t)newp * REC_PAGE, f);
    if (p == MAP_FAILED) ret_errno(errno);
    else {
        int moved = (uintptr_t)p != from;
        out_open_obj("ret"); out_bool("ok", 1); out_bool("moved", moved); out_close();
        if (dest && (size_t)(newpage + newp) > dest->pages) dest->pages = (size_t)(newpage + newp);
        else if (!dest && !moved && (size_t)(page + newp) > r->pages) r->pages = (size_t)(page + newp);
    }
    step_close(1);
    return 0;
}

/* R PAGE NPAGES PGOFF [nonblock] [flags=N] [prot=P] [byteoff=N] */
static int op_remap_file_pages(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1), npages = number(l, 2), byteoff = 0;
    int ulong_max = !strcmp(l->w[3], "ULONG_MAX");
    unsigned long pgoff = ulong_max ? ~0UL : strtoul(l->w[3], NULL, 0);
    unsigned long flags = 0, prot = 0;
    const char *prot_text = "---", *flags_text = NULL;
    for (int k = 4; k < l->n; k++) {
        const char *w = l->w[k];
        if (!strcmp(w, "nonblock")) flags |= MAP_NONBLOCK;
        else if (!strncmp(w, "flags=", 6)) { flags_text = w + 6; flags = !strcmp(flags_text, "nonblock") ? MAP_NONBLOCK : strtoul(flags_text, NULL, 0); }
        else if (!strncmp(w, "prot=", 5)) { prot_text = w + 5; prot = prot_text[0] == 'r' || prot_text[0] == '-' ? (unsigned long)prot_of(prot_text) : strtoul(prot_text, NULL, 0); }
        else if (!strncmp(w, "byteoff=", 8)) byteoff = strtoll(w + 8, NULL, 0);
        else fail_script(l->lineno, "remap_file_pages option '%s' is not nonblock, flags=, prot= or byteoff=", w);
    }
    step_open("remap_file_pages");
    out_str("r", r->name); out_num("page", page);
    out_num("size", npages * (long long)REC_PAGE); out_num("npages", npages);
    out_str("prot", prot_text);
    if (ulong_max) out_str("pgoff", "ULONG_MAX"); else out_num("pgoff", (long long)pgoff);
    out_num("flags", (long long)flags);
    args_done();
    long rc = syscall(SYS_remap_file_pages, (void *)(r->base + (uintptr_t)(page * (long long)REC_PAGE + byteoff)), (size_t)(npages * (long long)REC_PAGE), prot, pgoff, flags);
    ret_sys(rc, errno);
    step_close(1);
    return 0;
}

static int op_ftruncate(struct line *l)
{
    struct file *f = file_arg(l, 0);
    const char *t = l->w[1];
    size_t tl = strlen(t);
    long long bytes = (tl && t[tl - 1] == 'p') ? strtoll(t, NULL, 0) * (long long)REC_PAGE : number(l, 1);
    step_open("ftruncate");
    out_str("file", f->name); out_num("bytes", bytes);
    char pages[32];
    snprintf(pages, sizeof pages, "%.2f", (double)bytes / (double)REC_PAGE);
    out_raw("pages", pages);
    args_done();
    ret_sys(ftruncate(f->fd, bytes), errno);
    step_close(1);
    return 0;
}

static int op_punch(struct line *l)
{
    struct file *f = file_arg(l, 0);
    long long page = number(l, 1), npages = number(l, 2);
    step_open("fallocate");
    out_str("file", f->name); out_str("mode", "PUNCH_HOLE|KEEP_SIZE"); out_num("page", page); out_num("npages", npages);
    args_done();
    ret_sys(fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, page * (long long)REC_PAGE, npages * (long long)REC_PAGE), errno);
    step_close(1);
    return 0;
}

static int op_pwrite(struct line *l)
{
    struct file *f = file_arg(l, 0);
    long long page = number(l, 1);
    step_open("pwrite");
    out_str("file", f->name); out_num("page", page); out_str("tag", l->w[2]);
    args_done();
    char buf[40] = {0};
    snprintf(buf, sizeof buf, "%s", l->w[2]);
    ssize_t rc = pwrite(f->fd, buf, strlen(buf) + 1, (off_t)(page * (long long)REC_PAGE));
    if (rc < 0) ret_errno(errno); else ret_ok(rc);
    step_close(1);
    return 0;
}

static int op_pread(struct line *l)
{
    struct file *f = file_arg(l, 0);
    long long page = number(l, 1);
    step_open("pread");
    out_str("file", f->name); out_num("page", page);
    args_done();
    static unsigned char buf[REC_PAGE];
    memset(buf, 0, sizeof buf);
    ssize_t rc = pread(f->fd, buf, REC_PAGE, (off_t)(page * (long long)REC_PAGE));
    if (rc < 0) ret_errno(errno);
    else {
        char tag[80];
        out_open_obj("ret"); out_bool("ok", 1); out_num("bytes", rc);
        /* nothing read (at or past EOF): no data, as the trace schema has it */
        if (rc > 0) { tag_of_page(buf, tag, sizeof tag); out_str("data", tag); }
        out_close();
    }
    step_close(1);
    return 0;
}

static int op_fadvise_dontneed(struct line *l)
{
    struct file *f = file_arg(l, 0);
    step_open("fadvise");
    out_str("file", f->name); out_str("advice", "DONTNEED"); out_bool("after_fsync", 1);
    args_done();
    fsync(f->fd);
    int rc = posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
    if (rc) ret_errno(rc); else ret_ok(0);
    step_close(1);
    return 0;
}

static int op_observe(struct line *l)
{
    step_open("observe");
    if (l->rest && *l->rest) out_str("why", l->rest);
    args_done();
    ret_ok(0);
    step_close(1);
    return 0;
}

/* ---------------- swap ---------------- */

static long long meminfo(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    long long v = -1;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == ':') { v = atoll(line + kl + 1); break; }
    if (f) fclose(f);
    return v;
}

static long long swap_used(void)
{
    FILE *f = fopen("/proc/swaps", "re");
    char line[512];
    long long used = 0;
    if (!f) return -1;
    if (fgets(line, sizeof line, f))
        while (fgets(line, sizeof line, f)) {
            char name[256], type[32];
            long long size, u;
            if (sscanf(line, "%255s %31s %lld %lld", name, type, &size, &u) == 4) used += u;
        }
    fclose(f);
    return used;
}

static char swap_path[160];
static int swap_kind;   /* 0 none, 1 file, 2 zram */
#define ZRAM_DEV "/dev/zram0"
#define ZRAM_SIZE "/sys/block/zram0/disksize"
#define ZRAM_RESET "/sys/block/zram0/reset"

/* the swap header mkswap writes (include/linux/swap.h union swap_header): version 1, last page, the magic */
static int write_swap_header(int fd, long long pages)
{
    static unsigned char h[REC_PAGE];
    memset(h, 0, sizeof h);
    uint32_t info[3] = { 1, (uint32_t)(pages - 1), 0 };
    memcpy(h + 1024, info, sizeof info);
    memcpy(h + REC_PAGE - 10, "SWAPSPACE2", 10);
    return pwrite(fd, h, REC_PAGE, 0) == (ssize_t)REC_PAGE ? 0 : errno;
}

static void swapon_failed(const char *stage, int e)
{
    out_open_obj("ret"); out_bool("ok", 0); out_str("stage", stage); out_str("errno", errno_text(e)); out_close();
    step_close(0);
}

static int op_swapon(struct line *l)
{
    int zram = !strcmp(l->w[0], "zram");
    if (!zram && strcmp(l->w[0], "file")) fail_script(l->lineno, "swap kind '%s' is not file or zram", l->w[0]);
    long long pages = l->n > 1 ? number(l, 1) : SWAP_PAGES_DEFAULT;
    if (swap_kind) fail_script(l->lineno, "a swap device is on already (the recorder runs one at a time)");
    step_open("swapon");
    out_str("file", zram ? ZRAM_DEV : "ext4:/tmp swapfile"); out_num("pages", pages);
    args_done();
    if (zram) {
        char size[32];
        snprintf(size, sizeof size, "%lld", pages * (long long)REC_PAGE);
        int fd = open(ZRAM_SIZE, O_WRONLY | O_CLOEXEC);
        if (fd < 0) { swapon_failed("disksize", errno); return 0; }
        undo_zram(ZRAM_DEV, ZRAM_RESET);
        int e = write(fd, size, strlen(size)) < 0 ? errno : 0;
        close(fd);
        if (e) { swapon_failed("disksize", e); return 0; }
        fd = open(ZRAM_DEV, O_RDWR | O_CLOEXEC);
        e = fd < 0 ? errno : write_swap_header(fd, pages);
        if (fd >= 0) { fsync(fd); close(fd); }
        if (e) { swapon_failed("header", e); return 0; }
        if (swapon(ZRAM_DEV, 0)) { swapon_failed("swapon", errno); return 0; }
        swap_kind = 2;
    } else {
        snprintf(swap_path, sizeof swap_path, "/tmp/mmsim-rec.%d.swap", (int)getpid());
        undo_swapfile(swap_path);
        int fd = open(swap_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int e = fd < 0 ? errno : 0;
        static unsigned char chunk[1 << 20];
        for (long long off = 0; !e && off < pages * (long long)REC_PAGE; off += (long long)sizeof chunk) {
            size_t n = sizeof chunk;
            if (off + (long long)n > pages * (long long)REC_PAGE) n = (size_t)(pages * (long long)REC_PAGE - off);
            if (pwrite(fd, chunk, n, off) != (ssize_t)n) e = errno;
        }
        if (!e) e = write_swap_header(fd, pages);
        if (fd >= 0) { fsync(fd); close(fd); }
        if (e) { swapon_failed("create", e); return 0; }
        if (swapon(swap_path, 0)) { swapon_failed("swapon", errno); return 0; }
        swap_kind = 1;
    }
    ret_ok(0);
    step_close(0);
    return 0;
}

static void swap_off_now(int record)
{
    int rc = 0, e = 0;
    if (swap_kind == 1) { rc = swapoff(swap_path); e = errno; unlink(swap_path); undo_swapfile_done(); }
    if (swap_kind == 2) {
        rc = swapoff(ZRAM_DEV); e = errno;
        int fd = open(ZRAM_RESET, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) { if (write(fd, "1", 1) < 0) {} close(fd); }
        undo_zram_done();
    }
    swap_kind = 0;
    if (record) { if (rc) ret_errno(e); else ret_ok(0); }
}

static int op_swapoff(struct line *l)
{
    (void)l;
    step_open("swapoff");
    args_done();
    if (!swap_kind) ret_errno(EINVAL);
    else swap_off_now(1);
    step_close(1);
    return 0;
}

static int op_settle(struct line *l)
{
    (void)l;
    step_open("settle");
    out_str("what", "wait for Writeback==0 (max 2s)");
    args_done();
    sync();
    for (int ms = 0; meminfo("Writeback") > 0 && ms < 2000; ms += 10) usleep(10000);
    ret_ok(meminfo("Writeback"));
    step_close(0);
    return 0;
}

static int op_sysstat(struct line *l)
{
    step_open("sysstat");
    if (l->rest && *l->rest) out_str("why", l->rest);
    args_done();
    out_open_obj("ret"); out_bool("ok", 1); out_num("swap_used_kB", swap_used()); out_num("SwapTotal_kB", meminfo("SwapTotal")); out_close();
    step_close(0);
    return 0;
}

/* ---------------- KSM (/sys/kernel/mm/ksm) ---------------- */

#define KSM "/sys/kernel/mm/ksm/"
static char ksm_saved[3][32];
static int ksm_have_saved;

static void sysfs_read(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t r = read(fd, buf, n - 1);
    close(fd);
    if (r > 0) { buf[r] = 0; if (buf[r - 1] == '\n') buf[r - 1] = 0; }
}

static int sysfs_write(const char *path, const char *v)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int e = write(fd, v, strlen(v)) < 0 ? errno : 0;
    close(fd);
    return e;
}

static const char *const ksm_files[3] = { KSM "run", KSM "sleep_millisecs", KSM "pages_to_scan" };

static int op_ksm_start(struct line *l)
{
    long long v[3] = { 1, 10, 1000 };
    static const char *const keys[3] = { "run", "sleep_millisecs", "pages_to_scan" };
    for (int k = 0; k < l->n; k++) {
        int hit = 0;
        for (int i = 0; i < 3; i++) {
            size_t kl = strlen(keys[i]);
            if (!strncmp(l->w[k], keys[i], kl) && l->w[k][kl] == '=') { v[i] = strtoll(l->w[k] + kl + 1, NULL, 0); hit = 1; }
        }
        if (!hit) fail_script(l->lineno, "ksm_start setting '%s' is not run=, sleep_millisecs= or pages_to_scan=", l->w[k]);
    }
    step_open("ksm_start");
    char settings[96];
    snprintf(settings, sizeof settings, "run=%lld sleep_millisecs=%lld pages_to_scan=%lld", v[0], v[1], v[2]);
    out_str("settings", settings);
    args_done();
    if (!ksm_have_saved) {
        for (int i = 0; i < 3; i++) { sysfs_read(ksm_files[i], ksm_saved[i], sizeof ksm_saved[i]); undo_sysfs(ksm_files[i], ksm_saved[i][0] ? ksm_saved[i] : "0"); }
        ksm_have_saved = 1;
    }
    int e = 0;
    char num[24];
    /* run last: ksmd starts with the other two in place */
    for (int i = 2; i >= 0 && !e; i--) { snprintf(num, sizeof num, "%lld", v[i]); e = sysfs_write(ksm_files[i], num); }
    if (e) ret_errno(e); else ret_ok(0);
    step_close(0);
    return 0;
}

static int op_ksm_wait(struct line *l)
{
    long long want = number(l, 0), have = 0;
    step_open("ksm_wait");
    out_num("pages_shared_at_least", want); out_str("timeout", "10s");
    args_done();
    for (int i = 0; i < 1000; i++) {
        char b[32];
        sysfs_read(KSM "pages_shared", b, sizeof b);
        have = atoll(b);
        if (have >= want) break;
        usleep(10000);
    }
    ret_ok(have);
    step_close(1);
    return 0;
}

static int op_ksm_restore(struct line *l)
{
    (void)l;
    char now[3][32];
    for (int i = 0; i < 3; i++) {
        if (ksm_have_saved) memcpy(now[i], ksm_saved[i], sizeof now[i]);
        else sysfs_read(ksm_files[i], now[i], sizeof now[i]);
    }
    step_open("ksm_restore");
    out_str("run", now[0]); out_str("sleep_millisecs", now[1]); out_str("pages_to_scan", now[2]);
    args_done();
    sysfs_write(ksm_files[0], "2");   /* unmerge everything first */
    sysfs_write(ksm_files[0], now[0][0] ? now[0] : "0");
    sysfs_write(ksm_files[1], now[1]);
    sysfs_write(ksm_files[2], now[2]);
    for (int i = 0; i < 3; i++) undo_sysfs_done(ksm_files[i]);
    ksm_have_saved = 0;
    ret_ok(0);
    step_close(0);
    return 0;
}

static int op_clear_refs(struct line *l)
{
    step_open("clear_refs");
    out_str("value", l->w[0]);
    args_done();
    int e = sysfs_write("/proc/self/clear_refs", l->w[0]);
    if (e) ret_errno(e); else ret_ok(0);
    step_close(1);
    return 0;
}

static int op_fork(struct line *l) { (void)l; return driver_fork(); }
static int op_exit(struct line *l) { (void)l; if (in_child()) driver_child_exit(); return 0; }

/* ---------------- the table ---------------- */

static const struct op_entry {
    const char *name;
    int (*run)(struct line *);
    int min, max;
    int free_text;   /* the words after the op are one free text (observe, sysstat) */
} OPS[] = {
    { "sample", op_sample, 2, 2, 0 },
    { "file", op_file, 4, 4, 0 },
    { "rmfile", op_rmfile, 1, 1, 0 },
    { "mmap", op_mmap, 5, 7, 0 },
    { "mmap_fixed", op_mmap_fixed, 5, 7, 0 },
    { "munmap", op_munmap, 3, 3, 0 },
    { "mprotect", op_mprotect, 4, 4, 0 },
    { "write", op_write, 3, 3, 0 },
    { "write_all", op_write_all, 2, 2, 0 },
    { "read", op_read, 2, 2, 0 },
    { "madvise", op_madvise, 4, 4, 0 },
    { "mremap", op_mremap, 4, 6, 0 },
    { "mremap_part", op_mremap_part, 5, 7, 0 },
    { "remap_file_pages", op_remap_file_pages, 4, 8, 0 },
    { "ftruncate", op_ftruncate, 2, 2, 0 },
    { "punch", op_punch, 3, 3, 0 },
    { "pwrite", op_pwrite, 3, 3, 0 },
    { "pread", op_pread, 2, 2, 0 },
    { "fadvise_dontneed", op_fadvise_dontneed, 1, 1, 0 },
    { "fork", op_fork, 0, 0, 0 },
    { "exit", op_exit, 0, 0, 0 },
    { "observe", op_observe, 0, 99, 1 },
    { "swapon", op_swapon, 1, 2, 0 },
    { "swapoff", op_swapoff, 0, 0, 0 },
    { "settle", op_settle, 0, 0, 0 },
    { "sysstat", op_sysstat, 0, 99, 1 },
    { "mlock", op_mlock, 3, 3, 0 },
    { "munlock", op_munlock, 3, 3, 0 },
    { "clear_refs", op_clear_refs, 1, 1, 0 },
    { "ksm_start", op_ksm_start, 0, 3, 0 },
    { "ksm_wait", op_ksm_wait, 1, 1, 0 },
    { "ksm_restore", op_ksm_restore, 0, 0, 0 },
};

/* ops of the simulator's vocabulary that a real kernel cannot be made to run from user space, and why */
static const struct { const char *name; const char *why; } REFUSED[] = {
    { "expect", "an assertion about the simulator's own state; the kernel has nothing to assert against" },
    { "expect_dev", "an assertion about the simulator's own state; the kernel has nothing to assert against" },
    { "expect_pinned", "an assertion about the simulator's own state; the kernel has nothing to assert against" },
    { "gup", "a driver's get_user_pages pin; no system call takes one that a script could drop at will" },
    { "unpin", "a driver's get_user_pages pin; no system call takes one that a script could drop at will" },
    { "dev_write", "a driver's access through a pin; no system call does it" },
    { "dev_read", "a driver's access through a pin; no system call does it" },
    { "invalidate", "invalidate_inode_pages2_range has no system call" },
    { "reclaim", "memory-pressure reclaim on a shared host is neither bounded nor repeatable" },
    { "split_huge_page", "debugfs split_huge_pages, which kernel lockdown refuses (EPERM) on the recording host" },
    { "split_huge_pages", "debugfs split_huge_pages, which kernel lockdown refuses (EPERM) on the recording host" },
    { "ksm_scan", "ksmd runs on its own clock, which a recording cannot step (use ksm_wait)" },
    { "numa_info", "NUMA ops are not recorded yet (the host has one node)" },
    { "mbind", "NUMA ops are not recorded yet (the host has one node)" },
    { "migrate_pages", "NUMA ops are not recorded yet (the host has one node)" },
    { "move_pages", "NUMA ops are not recorded yet (the host has one node)" },
    { "compact_memory", "global compaction moves pages at random: not repeatable" },
    { "uffd_register_wp", "userfaultfd is not recorded yet" },
    { "uffd_writeprotect", "userfaultfd is not recorded yet" },
    { "uffd_close", "userfaultfd is not recorded yet" },
};

int op_known(const char *op, const char **why)
{
    *why = NULL;
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (!strcmp(OPS[i].name, op)) return 1;
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++)
        if (!strcmp(REFUSED[i].name, op)) { *why = REFUSED[i].why; return 0; }
    return 0;
}

/* `--list`: the ops, then the refused ones with their reasons, tab-separated */
void ops_list(void)
{
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) printf("run\t%s\n", OPS[i].name);
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++) printf("refused\t%s\t%s\n", REFUSED[i].name, REFUSED[i].why);
}

int run_op(struct line *l)
{
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        if (strcmp(OPS[i].name, l->op)) continue;
        if (l->n < OPS[i].min || (!OPS[i].free_text && l->n > OPS[i].max))
            fail_script(l->lineno, "'%s' takes %d to %d arguments, got %d", l->op, OPS[i].min, OPS[i].max, l->n);
        return OPS[i].run(l);
    }
    const char *why;
    op_known(l->op, &why);
    if (why) fail_script(l->lineno, "'%s' cannot be recorded: %s", l->op, why);
    fail_script(l->lineno, "unknown op '%s'", l->op);
}

void ops_setup(void)
{
    arena_reserve();
    faults_setup();
}

/* at the end of the script: swap off, files removed, without steps (the simulator writes none) */
void ops_finish(void)
{
    if (swap_kind) swap_off_now(0);
    for (int i = 0; i < REC_MAX_FILES; i++)
        if (files[i].name[0]) { if (files[i].fd >= 0) close(files[i].fd); unlink(files[i].path); undo_file_done(files[i].path); memset(&files[i], 0, sizeof files[i]); }
    if (ksm_have_saved) {
        sysfs_write(ksm_files[0], "2");
        for (int i = 0; i < 3; i++) { sysfs_write(ksm_files[i], ksm_saved[i][0] ? ksm_saved[i] : "0"); undo_sysfs_done(ksm_files[i]); }
        ksm_have_saved = 0;
    }
}

/* the fork step (the parent's, observed) and a child's exit step (not observed) */
void step_fork(void) { step_open("fork"); args_done(); ret_ok(0); step_close(1); }
void step_exit(void) { step_open("exit"); args_done(); ret_ok(0); step_close(0); }
