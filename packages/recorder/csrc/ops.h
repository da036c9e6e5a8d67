/* Shared by the ops_*.c files (internal to the ops). */
#ifndef MMSIM_RECORDER_OPS_H
#define MMSIM_RECORDER_OPS_H

#include "recorder.h"


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


/* ops_common.c */
const char *errno_text(int e);
const char *signal_text(int sig);
const char *si_code_text(int sig, int code);
void step_open(const char *op);
void args_done(void);
void ret_ok(long long val);
void ret_errno(int e);
void ret_sys(long rc, int e);
void step_close(int observe);
uintptr_t slot_address(int slot);
void arena_reserve(void);
struct region *region_find(const char *name);
struct region *region_set(const char *name, uintptr_t base, size_t pages, int lineno);
struct region *region_arg(struct line *l, int k);
long long number(struct line *l, int k);
const char *keyed(struct line *l, int from, const char *key);
int prot_of(const char *s);
struct file { char name[REC_NAME]; char path[160]; int fd; };
extern struct file files[REC_MAX_FILES];
struct file *file_arg(struct line *l, int k);
void tag_of_page(const unsigned char *pg, char *out, size_t n);
struct sample_list { char name[REC_NAME]; int n; int idx[REC_MAX_SAMPLE]; };
extern struct sample_list samples[REC_MAX_REGIONS];

/* ops_access.c */
void faults_setup(void);
/* ops_swap.c */
extern int swap_kind;
void swap_off_now(int record);
/* ops_ksm.c */
void ksm_finish(void);
/* ops_pte.c */
void pte_finish(void);

/* the ops, one function each */
int op_sample(struct line *l);
int op_file(struct line *l);
int op_rmfile(struct line *l);
int op_mmap(struct line *l);
int op_mmap_fixed(struct line *l);
int op_munmap(struct line *l);
int op_mprotect(struct line *l);
int op_madvise(struct line *l);
int op_mlock(struct line *l);
int op_munlock(struct line *l);
int op_write(struct line *l);
int op_read(struct line *l);
int op_write_all(struct line *l);
int op_mremap(struct line *l);
int op_mremap_part(struct line *l);
int op_remap_file_pages(struct line *l);
int op_ftruncate(struct line *l);
int op_punch(struct line *l);
int op_pwrite(struct line *l);
int op_pread(struct line *l);
int op_fadvise_dontneed(struct line *l);
int op_observe(struct line *l);
int op_swapon(struct line *l);
int op_swapoff(struct line *l);
int op_settle(struct line *l);
int op_sysstat(struct line *l);
int op_ksm_start(struct line *l);
int op_ksm_wait(struct line *l);
int op_ksm_restore(struct line *l);
int op_clear_refs(struct line *l);
int op_fork(struct line *l);
int op_exit(struct line *l);
int op_uffd_register_wp(struct line *l);
int op_uffd_writeprotect(struct line *l);
int op_uffd_close(struct line *l);
int op_split_huge_pages(struct line *l);
int op_numa_info(struct line *l);
int op_move_pages(struct line *l);
int op_mbind(struct line *l);
int op_migrate_pages(struct line *l);
int op_compact_memory(struct line *l);

#endif
