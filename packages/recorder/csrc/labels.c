/* Labels instead of raw numbers, so a recording compares with a simulated
 * trace: PFNs become P0, P1 ... in the order first seen (a tail page first
 * seen inside a compound page is named after its head, "P3+17"); swap
 * devices T0 ..., slots S0 ... with the offset relative to the first slot
 * seen. A PFN label is retired once the page cannot be the same page any
 * more — freed (kpageflags without UPTODATE, or BUDDY, SLAB, PGTABLE), a
 * small anon page nothing maps or caches, a page turned from anon to page
 * cache or back, a private anon page only an exited child showed: the
 * allocator hands just-freed PFNs out again, which must not look like
 * identity.
 * The tables are in a MAP_SHARED block: parent and child name pages alike. */
#include "recorder.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_PFN_LABELS 8192
#define MAX_SLOT_LABELS 8192
#define SEEN_PARENT 1
#define SEEN_CHILD 2

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_UPTODATE_BIT 3
#define KPF_SLAB_BIT 7
#define KPF_BUDDY_BIT 10
#define KPF_PGTABLE_BIT 26
#define KPF_SWAPCACHE_BIT 13
#define KPF_KSM_BIT 21
#define KPF_ANON_BIT 12
#define KPF_HEAD_BIT 15
#define KPF_TAIL_BIT 16

struct label_tables {
    int next_p;                 /* P<next_p> is the next base label */
    int count;
    uint64_t pfn[MAX_PFN_LABELS];
    unsigned char retired[MAX_PFN_LABELS];
    unsigned char anon[MAX_PFN_LABELS];   /* PageAnon when the label was given */
    unsigned char seen[MAX_PFN_LABELS];   /* SEEN_PARENT | SEEN_CHILD: who observed the page under this label */
    char text[MAX_PFN_LABELS][24];
    int nslots;
    uint64_t slot_key[MAX_SLOT_LABELS];
    int have_base;
    long long base;
    int ntypes;
    int types[32];
};
static struct label_tables *L;

void labels_setup(void)
{
    L = mmap(NULL, sizeof *L, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (L == MAP_FAILED) fail_host("cannot map the label tables");
    labels_reset();
}

void labels_reset(void) { memset(L, 0, sizeof *L); }

/* A live label of this PFN. A PFN seen anon under a label and now not (or
 * the other way) was freed and reused in between, however briefly — an
 * anon folio never becomes a page-cache one in place — so its label is
 * retired here: the free went unseen when a per-CPU batch let go of the
 * page and the allocator handed it out again within one step. */
static const char *find_live(uint64_t pfn, int anon)
{
    for (int i = 0; i < L->count; i++) {
        if (L->retired[i] || L->pfn[i] != pfn) continue;
        if (L->anon[i] != anon) { L->retired[i] = 1; continue; }
        L->seen[i] |= in_child() ? SEEN_CHILD : SEEN_PARENT;
        return L->text[i];
    }
    return NULL;
}

static const char *remember(uint64_t pfn, int anon, const char *text)
{
    if (L->count >= MAX_PFN_LABELS) return "P?";
    int i = L->count++;
    L->pfn[i] = pfn;
    L->anon[i] = (unsigned char)anon;
    L->seen[i] = in_child() ? SEEN_CHILD : SEEN_PARENT;
    L->retired[i] = 0;
    snprintf(L->text[i], sizeof L->text[i], "%s", text);
    return L->text[i];
}

const char *pfn_label(uint64_t pfn, uint64_t head, int anon)
{
    const char *known = find_live(pfn, anon);
    if (known) return known;
    char text[24];
    if (head == pfn) snprintf(text, sizeof text, "P%d", L->next_p++);
    else snprintf(text, sizeof text, "%s+%llu", pfn_label(head, head, anon), (unsigned long long)(pfn - head));
    return remember(pfn, anon, text);
}

void labels_retire_freed(void)
{
    const uint64_t gone = (1ULL << KPF_BUDDY_BIT) | (1ULL << KPF_SLAB_BIT) | (1ULL << KPF_PGTABLE_BIT);
    for (int i = 0; i < L->count; i++) {
        if (L->retired[i]) continue;
        uint64_t f = kpageflags_of(L->pfn[i]);
        if (!(f & (1ULL << KPF_UPTODATE_BIT)) || (f & gone)) L->retired[i] = 1;
        /* a small anon page no pte maps and the swap cache does not hold is
         * dead even while a per-CPU batch's reference delays its free:
         * nothing can map it again, and the PFN may be handed out again
         * before a later check would see it free. (Not a page of a large
         * folio: an unmapped head names its folio's still-mapped tails.) */
        else if ((f & (1ULL << KPF_ANON_BIT)) && !(f & ((1ULL << KPF_SWAPCACHE_BIT) | (1ULL << KPF_HEAD_BIT) | (1ULL << KPF_TAIL_BIT))) && kpagecount_of(L->pfn[i]) == 0) L->retired[i] = 1;
    }
}

/* The child has exited: a private anon page only it ever showed, not in
 * the swap cache (where the parent could still find it by its swap entry)
 * and not a KSM page (which merging can hand to the parent), died with it
 * — even if a per-CPU batch still holds it for a moment, so that the
 * allocator may hand the PFN out again within the parent's next step,
 * where no check would see it free. */
void labels_retire_child_only(void)
{
    const uint64_t alive = (1ULL << KPF_SWAPCACHE_BIT) | (1ULL << KPF_KSM_BIT);
    for (int i = 0; i < L->count; i++) {
        if (L->retired[i] || !L->anon[i] || L->seen[i] != SEEN_CHILD) continue;
        if (!(kpageflags_of(L->pfn[i]) & alive)) L->retired[i] = 1;
    }
}

const char *swap_type_label(int type, char *buf, size_t n)
{
    int k = 0;
    while (k < L->ntypes && L->types[k] != type) k++;
    if (k == L->ntypes && k < 32) L->types[L->ntypes++] = type;
    snprintf(buf, n, "T%d", k);
    return buf;
}

const char *swap_slot_label(int type, uint64_t off, char *buf, size_t n, long long *rel)
{
    uint64_t key = ((uint64_t)type << 56) | off;
    int k = 0;
    while (k < L->nslots && L->slot_key[k] != key) k++;
    if (k == L->nslots) {
        if (L->nslots < MAX_SLOT_LABELS) L->slot_key[L->nslots] = key;
        L->nslots++;
    }
    if (!L->have_base) { L->have_base = 1; L->base = (long long)off; }
    *rel = (long long)off - L->base;
    snprintf(buf, n, "S%d", k);
    return buf;
}
