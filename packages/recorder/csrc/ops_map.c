/* The address-space ops: sample, mmap, mmap_fixed, munmap, mprotect,
 * madvise, mlock/munlock, mremap, mremap_part, remap_file_pages, observe. */
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

static const struct { const char *name; int value; } ADVICE[] = {
    { "DONTNEED", MADV_DONTNEED }, { "FREE", MADV_FREE }, { "PAGEOUT", MADV_PAGEOUT }, { "COLD", MADV_COLD },
    { "WILLNEED", MADV_WILLNEED }, { "REMOVE", MADV_REMOVE }, { "DONTFORK", MADV_DONTFORK }, { "DOFORK", MADV_DOFORK },
    { "WIPEONFORK", MADV_WIPEONFORK }, { "KEEPONFORK", MADV_KEEPONFORK }, { "POPULATE_READ", MADV_POPULATE_READ },
    { "POPULATE_WRITE", MADV_POPULATE_WRITE }, { "HUGEPAGE", MADV_HUGEPAGE }, { "NOHUGEPAGE", MADV_NOHUGEPAGE },
    { "COLLAPSE", MADV_COLLAPSE }, { "MERGEABLE", MADV_MERGEABLE }, { "UNMERGEABLE", MADV_UNMERGEABLE },
    { "GUARD_INSTALL", MADV_GUARD_INSTALL }, { "GUARD_REMOVE", MADV_GUARD_REMOVE }, { "NORMAL", MADV_NORMAL },
    { "RANDOM", MADV_RANDOM }, { "SEQUENTIAL", MADV_SEQUENTIAL }, { "DONTDUMP", MADV_DONTDUMP }, { "DODUMP", MADV_DODUMP },
};

int op_sample(struct line *l)
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
        else if (!strcmp(t, "noreserve")) m.flags |= MAP_NORESERVE;
        else fail_script(l->lineno, "mmap flag '%s' is not one of private, shared, anon, populate, noreserve", t);
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
    if (m->flags & MAP_NORESERVE) out_str(NULL, "noreserve");
    out_close();
    if (m->file) { out_str("file", m->file); out_num("pgoff", m->pgoff); }
}

int op_mmap(struct line *l)
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
int op_mmap_fixed(struct line *l)
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

int op_munmap(struct line *l) { return op_range(l, "munmap"); }

int op_mprotect(struct line *l) { return op_range(l, "mprotect"); }

int op_madvise(struct line *l) { return op_range(l, "madvise"); }

int op_mlock(struct line *l) { return op_range(l, "mlock"); }

int op_munlock(struct line *l) { return op_range(l, "munlock"); }

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
int op_mremap(struct line *l)
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
int op_mremap_part(struct line *l)
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
int op_remap_file_pages(struct line *l)
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

int op_observe(struct line *l)
{
    step_open("observe");
    if (l->rest && *l->rest) out_str("why", l->rest);
    args_done();
    ret_ok(0);
    step_close(1);
    return 0;
}
