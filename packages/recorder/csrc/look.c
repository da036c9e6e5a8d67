/* One observation of every live region of the observing process.
 *
 * Per page, in this order (the order matters: reading a present page through
 * /proc/self/mem is a GUP with FOLL_TOUCH, which marks the folio accessed,
 * and the kernel's later reuse decisions can depend on that):
 *   pagemap entry (present bit 63, swap bit 62, file-or-shared-anon 61,
 *   guard 58, uffd-wp 57, exclusive 56, soft-dirty 55; a swap entry of type
 *   31 is a PTE marker), the PAGEMAP_SCAN categories pagemap lacks,
 *   mincore() for a page not present, and for a present page its kpageflags
 *   (the timing-dependent ones left out), label, folio head, kpagecount and
 *   the tag at the start of the page.
 * Per region: counts over all pages, and the smaps VMAs overlapping it,
 * page-relative. */
#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

struct region regions[REC_MAX_REGIONS];

/* ---------------- kpageflags / kpagecount ---------------- */

static int flags_fd = -1, count_fd = -1;

uint64_t kpageflags_of(uint64_t pfn)
{
    uint64_t v = 0;
    if (flags_fd < 0) flags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
    if (flags_fd < 0 || pread(flags_fd, &v, sizeof v, (off_t)(pfn * 8)) != (ssize_t)sizeof v) return 0;
    return v;
}

long long kpagecount_of(uint64_t pfn)
{
    uint64_t v = 0;
    if (count_fd < 0) count_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
    if (count_fd < 0 || pread(count_fd, &v, sizeof v, (off_t)(pfn * 8)) != (ssize_t)sizeof v) return -1;
    return (long long)v;
}

enum {
    F_LOCKED = 0, F_REFERENCED = 2, F_UPTODATE = 3, F_LRU = 5, F_ACTIVE = 6, F_WRITEBACK = 8, F_RECLAIM = 9,
    F_ANON = 12, F_HEAD = 15, F_TAIL = 16, F_THP = 22, F_ZERO = 24, F_IDLE = 25, F_OWNER_2 = 34,
    F_PRIVATE = 35, F_OWNER_PRIVATE = 37, F_ARCH = 38, F_ARCH_2 = 41, F_ARCH_3 = 42,
};

/* names of the kpageflags bits, by bit (Documentation/admin-guide/mm/pagemap.rst) */
static const char *const flag_name[64] = {
    "LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE", "SLAB",
    "WRITEBACK", "RECLAIM", "BUDDY", "MMAP", "ANON", "SWAPCACHE", "SWAPBACKED", "COMPOUND_HEAD",
    "COMPOUND_TAIL", "HUGE", "UNEVICTABLE", "HWPOISON", "NOPAGE", "KSM", "THP", "OFFLINE",
    "ZERO_PAGE", "IDLE", "PGTABLE", NULL, NULL, NULL, NULL, NULL,
    "RESERVED", "MLOCKED", "OWNER_2", "PRIVATE", "PRIVATE_2", "OWNER_PRIVATE", "ARCH", "UNCACHED",
    "SOFTDIRTY", "ARCH_2", "ARCH_3",
};

/* bits whose value depends on timing (per-CPU LRU batches, aging, writeback): never shown */
static const uint64_t timing_flags =
    (1ULL << F_LOCKED) | (1ULL << F_REFERENCED) | (1ULL << F_LRU) | (1ULL << F_ACTIVE) |
    (1ULL << F_WRITEBACK) | (1ULL << F_RECLAIM) | (1ULL << F_IDLE) | (1ULL << F_PRIVATE) |
    (1ULL << F_OWNER_PRIVATE) | (1ULL << F_ARCH) | (1ULL << F_ARCH_2) | (1ULL << F_ARCH_3);

static void flag_list(uint64_t f, int anon)
{
    out_open_arr("kf");
    for (int b = 0; b < 64; b++) {
        if (!((f & ~timing_flags) >> b & 1)) continue;
        char other[12];
        const char *n = flag_name[b];
        /* on an anon page, OWNER_2 is PG_anon_exclusive */
        if (b == F_OWNER_2 && anon) n = "ANON_EXCL";
        if (!n) { snprintf(other, sizeof other, "BIT%d", b); n = other; }
        out_str(NULL, n);
    }
    out_close();
}

/* the head of a compound page: the nearest COMPOUND_HEAD at or below, within a PMD */
static uint64_t head_of(uint64_t pfn, uint64_t f)
{
    if (!(f & (1ULL << F_TAIL))) return pfn;
    for (uint64_t back = 1; back < 512 && back <= pfn; back++)
        if (kpageflags_of(pfn - back) & (1ULL << F_HEAD)) return pfn - back;
    return pfn;
}

/* ---------------- PAGEMAP_SCAN (include/uapi/linux/fs.h) ---------------- */

struct scan_request {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct scan_range { uint64_t start, end, categories; };
#define SCAN_IOCTL _IOWR('f', 16, struct scan_request)
enum { C_WPALLOWED = 1, C_WRITTEN = 2, C_PFNZERO = 32, C_HUGE = 64, C_SOFT_DIRTY = 128, C_GUARD = 256, C_ALL = 511 };
#define C_SEEN 0x80000000u

static void scan_categories(int fd, uintptr_t start, size_t pages, uint32_t *out)
{
    memset(out, 0, pages * sizeof *out);
    struct scan_range *vec = calloc(pages ? pages : 1, sizeof *vec);
    if (!vec) return;
    uintptr_t at = start, end = start + pages * REC_PAGE;
    while (at < end) {
        struct scan_request q = { .size = sizeof q, .start = at, .end = end, .vec = (uintptr_t)vec, .vec_len = pages, .return_mask = C_ALL };
        int n = ioctl(fd, SCAN_IOCTL, &q);
        if (n < 0) break;
        for (int i = 0; i < n; i++)
            for (uint64_t a = vec[i].start; a < vec[i].end; a += REC_PAGE) out[(a - start) / REC_PAGE] = (uint32_t)vec[i].categories | C_SEEN;
        if (q.walk_end <= at) break;
        at = q.walk_end;
    }
    free(vec);
}

/* ---------------- smaps ---------------- */

struct vma_info {
    uintptr_t start, end;
    char perms[8];
    unsigned long long off;
    char path[256];
    long long kb[16];
    char thp[8];
    char vmflags[128];
};
/* the smaps counters reported (non-zero ones), in this order */
static const char *const kb_keys[] = {
    "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Anonymous", "KSM",
    "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Swap", "SwapPss", "Locked", NULL,
};

static char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    for (;;) {
        if (cap - len < 4096) { cap *= 2; b = realloc(b, cap); }
        ssize_t r = read(fd, b + len, cap - len - 1);
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    b[len] = 0;
    return b;
}

static int read_vmas(struct vma_info **out)
{
    char *text = slurp("/proc/self/smaps");
    int n = 0, cap = 32;
    struct vma_info *v = calloc(cap, sizeof *v), *cur = NULL;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        unsigned long s, e;
        unsigned long long off;
        char perms[8];
        int at = 0;
        char *dash = strchr(line, '-'), *space = strchr(line, ' ');
        if (dash && space && dash < space && sscanf(line, "%lx-%lx %7s %llx %*s %*s%n", &s, &e, perms, &off, &at) == 4 && at > 0) {
            if (n == cap) { cap *= 2; v = realloc(v, cap * sizeof *v); }
            cur = &v[n++];
            memset(cur, 0, sizeof *cur);
            cur->start = s; cur->end = e; cur->off = off;
            snprintf(cur->perms, sizeof cur->perms, "%s", perms);
            const char *p = line + at;
            while (*p == ' ') p++;
            snprintf(cur->path, sizeof cur->path, "%s", p);
            continue;
        }
        if (!cur) continue;
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = 0;
        char *val = colon + 1;
        while (*val == ' ') val++;
        if (!strcmp(line, "VmFlags")) {
            snprintf(cur->vmflags, sizeof cur->vmflags, "%s", val);
            size_t l = strlen(cur->vmflags);
            while (l && cur->vmflags[l - 1] == ' ') cur->vmflags[--l] = 0;
        } else if (!strcmp(line, "THPeligible")) {
            snprintf(cur->thp, sizeof cur->thp, "%s", val);
        } else {
            for (int k = 0; kb_keys[k]; k++)
                if (!strcmp(line, kb_keys[k])) { cur->kb[k] = atoll(val); break; }
        }
    }
    free(text);
    *out = v;
    return n;
}

/* ---------------- file names as the simulator shows them ---------------- */

static struct { char path[160]; char shown[48]; } shown_files[REC_MAX_FILES];

void file_path_register(const char *path, const char *shown)
{
    for (int i = 0; i < REC_MAX_FILES; i++)
        if (!shown_files[i].path[0]) {
            snprintf(shown_files[i].path, sizeof shown_files[i].path, "%s", path);
            snprintf(shown_files[i].shown, sizeof shown_files[i].shown, "%s", shown);
            return;
        }
}

void file_path_forget(const char *path)
{
    for (int i = 0; i < REC_MAX_FILES; i++)
        if (!strcmp(shown_files[i].path, path)) shown_files[i].path[0] = 0;
}

static void vma_path(const char *path, char *buf, size_t n)
{
    for (int i = 0; i < REC_MAX_FILES; i++) {
        size_t l = strlen(shown_files[i].path);
        if (l && !strncmp(path, shown_files[i].path, l)) { snprintf(buf, n, "%s%s", shown_files[i].shown, path + l); return; }
    }
    snprintf(buf, n, "%s", path);
}

/* ---------------- pages ---------------- */

struct counts { int present, swapped, none, guard, marker, file, excl, anon, thp, pmd, zero; };

#define PM_PRESENT(e) ((e) >> 63 & 1)
#define PM_SWAP(e) ((e) >> 62 & 1)
#define PM_FILE(e) ((e) >> 61 & 1)
#define PM_GUARD(e) ((e) >> 58 & 1)
#define PM_UFFD_WP(e) ((e) >> 57 & 1)
#define PM_EXCL(e) ((e) >> 56 & 1)
#define PM_SOFT_DIRTY(e) ((e) >> 55 & 1)
#define PM_PFN(e) ((e) & ((1ULL << 55) - 1))
#define PM_SWAP_TYPE(e) ((int)((e) & 31))
#define PM_SWAP_OFFSET(e) (((e) >> 5) & ((1ULL << 50) - 1))
#define MARKER_TYPE 31

/* the tag at the start of a page: "0" for a page of zeros, else its printable prefix (at most 31 bytes) */
static void page_tag(const unsigned char *pg, char *out, size_t n)
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

static unsigned char mem_buf[REC_PAGE];

static void one_page(const struct region *r, size_t i, uint64_t e, uint32_t cat, int memfd, struct counts *c)
{
    int marker = PM_SWAP(e) && PM_SWAP_TYPE(e) == MARKER_TYPE;
    int mc = -1;
    if (!PM_PRESENT(e)) {
        unsigned char v = 0;
        if (mincore((void *)(r->base + i * REC_PAGE), REC_PAGE, &v) == 0) mc = v & 1;
    }
    out_open_obj(NULL);
    out_num("i", (long long)i);
    if (PM_PRESENT(e)) { out_str("st", "present"); c->present++; }
    else if (marker) { out_str("st", "marker"); if (PM_GUARD(e)) c->guard++; else c->marker++; }
    else if (PM_SWAP(e)) { out_str("st", "swapped"); c->swapped++; }
    else { out_str("st", "none"); c->none++; }
    out_open_arr("pm");
    if (PM_FILE(e)) { out_str(NULL, "file"); c->file++; }
    if (PM_EXCL(e)) { out_str(NULL, "excl"); c->excl++; }
    if (PM_SOFT_DIRTY(e)) out_str(NULL, "soft_dirty");
    if (PM_UFFD_WP(e)) out_str(NULL, "uffd_wp");
    if (PM_GUARD(e)) out_str(NULL, "guard");
    out_close();
    /* always listed (the trace schema's PageObs.scan); empty where PAGEMAP_SCAN
     * reports no category at all (an empty pte, or no VMA: the same to the model) */
    out_open_arr("scan");
    if (cat) {
        if (cat & C_PFNZERO) out_str(NULL, "pfnzero");
        if (cat & C_HUGE) { out_str(NULL, "huge"); c->pmd++; }
        if (cat & C_SOFT_DIRTY) out_str(NULL, "soft_dirty");
        if (cat & C_GUARD) out_str(NULL, "guard");
        if (!(cat & C_WRITTEN)) out_str(NULL, "not_written");
        if (cat & C_WPALLOWED) out_str(NULL, "wpallowed");
    }
    out_close();
    if (mc >= 0) out_num("mc", mc);
    if (PM_PRESENT(e)) {
        uint64_t pfn = PM_PFN(e), f = kpageflags_of(pfn), head = head_of(pfn, f);
        int compound = (f & ((1ULL << F_HEAD) | (1ULL << F_TAIL))) != 0, zero = (f >> F_ZERO) & 1, anon = (f >> F_ANON) & 1;
        char name[48];
        if (zero && compound) snprintf(name, sizeof name, "HZERO+%llu", (unsigned long long)(pfn - head));
        else if (zero) snprintf(name, sizeof name, "ZERO");
        else snprintf(name, sizeof name, "%s", pfn_label(pfn, head, anon));
        c->zero += zero;
        c->thp += (f >> F_THP) & 1;
        c->anon += anon;
        out_str("pfn", name);
        /* a page of a compound folio is named after its head when first seen ("P3+17"); the trace schema
         * (packages/mm observe.ts PageObs) has no separate folio fields */
        flag_list(f, anon);
        out_num("mapcnt", kpagecount_of(pfn));
        char tag[80];
        if (memfd >= 0 && pread(memfd, mem_buf, REC_PAGE, (off_t)(r->base + i * REC_PAGE)) == (ssize_t)REC_PAGE) {
            page_tag(mem_buf, tag, sizeof tag);
            out_str("data", tag);
        } else out_raw("data", "null");
    } else if (marker) {
        out_str("marker", PM_GUARD(e) ? "guard" : PM_UFFD_WP(e) ? "uffd_wp" : "other");
    } else if (PM_SWAP(e)) {
        char t[16], s[16];
        long long rel = 0;
        out_str("swap_type", swap_type_label(PM_SWAP_TYPE(e), t, sizeof t));
        out_str("slot", swap_slot_label(PM_SWAP_TYPE(e), PM_SWAP_OFFSET(e), s, sizeof s, &rel));
        out_num("slot_rel", rel);
    }
    out_close();
}

/* counts over every page of a sampled region, where only some are listed */
static void count_all(const uint64_t *pm, const uint32_t *cats, size_t pages, struct counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < pages; i++) {
        uint64_t e = pm[i];
        if (PM_PRESENT(e)) {
            uint64_t f = kpageflags_of(PM_PFN(e));
            c->present++;
            c->thp += (f >> F_THP) & 1;
            c->zero += (f >> F_ZERO) & 1;
            c->anon += (f >> F_ANON) & 1;
        } else if (PM_SWAP(e) && PM_SWAP_TYPE(e) == MARKER_TYPE) {
            if (PM_GUARD(e)) c->guard++; else c->marker++;
        } else if (PM_SWAP(e)) c->swapped++;
        else c->none++;
        c->file += PM_FILE(e);
        c->excl += PM_EXCL(e);
        if (cats[i] & C_HUGE) c->pmd++;
    }
}

static void one_region(const struct region *r, const struct vma_info *v, int nv)
{
    int pmfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    int memfd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    uint64_t *pm = calloc(r->pages ? r->pages : 1, sizeof *pm);
    uint32_t *cats = calloc(r->pages ? r->pages : 1, sizeof *cats);
    if (pmfd >= 0) {
        if (pread(pmfd, pm, r->pages * 8, (off_t)(r->base / REC_PAGE * 8)) < 0) memset(pm, 0, r->pages * 8);
        scan_categories(pmfd, r->base, r->pages, cats);
    }
    struct counts c = {0};
    out_open_obj(r->name);
    out_open_arr("pages");
    if (r->nsample) {
        for (int k = 0; k < r->nsample; k++) {
            size_t i = (size_t)r->sample[k];
            if (i < r->pages) one_page(r, i, pm[i], cats[i] & ~C_SEEN, memfd, &c);
        }
    } else {
        for (size_t i = 0; i < r->pages; i++) one_page(r, i, pm[i], cats[i] & ~C_SEEN, memfd, &c);
    }
    out_close();
    if (r->nsample) count_all(pm, cats, r->pages, &c);
    out_open_obj("summary");
    out_num("present", c.present); out_num("swapped", c.swapped); out_num("none", c.none);
    if (c.guard) out_num("guard", c.guard);
    if (c.marker) out_num("marker", c.marker);
    out_num("file", c.file); out_num("excl", c.excl); out_num("anon", c.anon);
    out_num("thp", c.thp); out_num("pmd_mapped", c.pmd); out_num("zero", c.zero);
    out_close();
    out_open_arr("vmas");
    uintptr_t lo = r->base, hi = r->base + r->pages * REC_PAGE;
    for (int k = 0; k < nv; k++) {
        if (v[k].end <= lo || v[k].start >= hi) continue;
        out_open_obj(NULL);
        out_num("from", (long long)(((intptr_t)v[k].start - (intptr_t)lo) / (intptr_t)REC_PAGE));
        out_num("to", (long long)(((intptr_t)v[k].end - (intptr_t)lo) / (intptr_t)REC_PAGE));
        out_str("perms", v[k].perms);
        out_num("pgoff", (long long)(v[k].off / REC_PAGE));
        char shown[320];
        vma_path(v[k].path, shown, sizeof shown);
        out_str("path", shown);
        out_open_obj("kB");
        for (int q = 0; kb_keys[q]; q++)
            if (v[k].kb[q]) out_num(kb_keys[q], v[k].kb[q]);
        out_close();
        out_str("THPeligible", v[k].thp);
        out_str("VmFlags", v[k].vmflags);
        out_close();
    }
    out_close();
    out_close();
    free(pm);
    free(cats);
    if (pmfd >= 0) close(pmfd);
    if (memfd >= 0) close(memfd);
}

void observe_regions(void)
{
    labels_retire_freed();
    struct vma_info *v = NULL;
    int nv = read_vmas(&v);
    out_open_obj("obs");
    for (int i = 0; i < REC_MAX_REGIONS; i++)
        if (regions[i].live) one_region(&regions[i], v, nv);
    out_close();
    free(v);
}
