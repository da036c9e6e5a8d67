/*
 * mmsim-recorder: runs a `.mmo` script on the running Linux kernel and
 * writes, after every step, what user space can see of the script's
 * regions, in the JSON schema of the mmsim simulator's traces
 * (packages/mm/src/script/run.ts Step, observe/observe.ts RegionObs).
 *
 * Layout of this program (one concern per file):
 *   emit.c    the JSON writer and the state shared by parent and child
 *   labels.c  PFN and swap-slot labels (first-seen order, retired when freed)
 *   look.c    one observation: pagemap, PAGEMAP_SCAN, kpageflags, kpagecount,
 *             mincore, /proc/self/mem, smaps
 *   undo.c    every system change (swap file, zram, KSM sysfs, temp files)
 *             registered and undone on every exit path, signals included
 *   ops.c     the table of the `.mmo` vocabulary: the ops run, the ops refused and why
 *   ops_common.c  step framing, names, regions, files, words (ops.h)
 *   ops_map.c ops_access.c ops_file.c ops_swap.c ops_ksm.c ops_pte.c
 *             ops_numa.c  the ops, by family
 *   driver.c  reading the script, fork and the baton between the processes
 */
#ifndef MMSIM_RECORDER_H
#define MMSIM_RECORDER_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REC_PAGE 4096UL
#define REC_MAX_REGIONS 16
#define REC_MAX_SAMPLE 64
#define REC_MAX_FILES 8
#define REC_NAME 32

/* exit statuses of the program (the TypeScript side maps them) */
#define REC_EXIT_OK 0
#define REC_EXIT_SCRIPT 2   /* the script cannot be run: one line on stderr */
#define REC_EXIT_BUG 3
#define REC_EXIT_HOST 4     /* the host cannot run it: not root, no swap device ... */

/* ---- emit.c ---- */
void out_open_obj(const char *key);
void out_open_arr(const char *key);
void out_close(void);
void out_str(const char *key, const char *v);
void out_num(const char *key, long long v);
void out_bool(const char *key, int v);
void out_raw(const char *key, const char *text);
void out_flush(void);
void shared_setup(void);
int next_step_number(void);
void reset_step_numbers(void);

/* ---- labels.c ---- */
const char *pfn_label(uint64_t pfn, uint64_t head, int anon);
const char *swap_type_label(int type, char *buf, size_t n);
const char *swap_slot_label(int type, uint64_t off, char *buf, size_t n, long long *rel);
void labels_retire_freed(void);
void labels_retire_child_only(void);
void labels_reset(void);
void labels_setup(void);

/* ---- look.c ---- */
struct region {
    char name[REC_NAME];
    uintptr_t base;
    size_t pages;
    int live;
    int nsample;
    int sample[REC_MAX_SAMPLE];
};
extern struct region regions[REC_MAX_REGIONS];
uint64_t kpageflags_of(uint64_t pfn);
long long kpagecount_of(uint64_t pfn);
void observe_regions(void);
void file_path_register(const char *path, const char *shown);
void file_path_forget(const char *path);

/* ---- undo.c ---- */
void undo_setup(void);
void undo_swapfile(const char *path);    /* swapoff + unlink at exit */
void undo_swapfile_done(void);
void undo_zram(const char *dev, const char *reset); /* swapoff + reset */
void undo_zram_done(void);
void undo_file(const char *path);
void undo_file_done(const char *path);
void undo_sysfs(const char *path, const char *old);
void undo_sysfs_done(const char *path);
void undo_run_all(void);
void undo_mount(const char *target);  /* umount */
void undo_mount_done(void);
void undo_disown(void);  /* in a forked child: the parent owns every undo */
void undo_on_crash(int sig);

/* ---- ops.c / driver.c ---- */
struct line {
    int lineno;
    int child;       /* @child */
    int n;           /* words after the op */
    char *op;
    char *w[16];
    char *rest;      /* the text after the op (free-text ops) */
};
int run_op(struct line *l);
int op_known(const char *op, const char **why_refused);
void fail_script(int lineno, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void fail_host(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int in_child(void);
void become_child(void);
/* the fork op needs the driver's baton */
int driver_fork(void);
void driver_child_exit(void);
void ops_finish(void);
void ops_setup(void);
void ops_list(void);

#endif
