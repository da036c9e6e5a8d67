/* The ops of the `.mmo` vocabulary (packages/mm/src/script/ops is its
 * source of truth: names, arguments and the step each writes). Each op
 * writes one step: n, proc, op, args, ret and, unless the op is one the
 * simulator leaves unobserved, obs. Ops the recorder cannot run on a real
 * kernel are listed in REFUSED with the reason. */
#include "ops.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* fork and a child's exit are the driver's (the baton); these stand in the table for the vocabulary */
int op_fork(struct line *l) { (void)l; return driver_fork(); }

int op_exit(struct line *l) { (void)l; if (in_child()) driver_child_exit(); return 0; }

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
    { "uffd_register_wp", op_uffd_register_wp, 1, 1, 0 },
    { "uffd_writeprotect", op_uffd_writeprotect, 4, 4, 0 },
    { "uffd_close", op_uffd_close, 0, 0, 0 },
    { "split_huge_pages", op_split_huge_pages, 1, 3, 0 },
    { "numa_info", op_numa_info, 0, 0, 0 },
    { "move_pages", op_move_pages, 3, 4, 0 },
    { "mbind", op_mbind, 6, 7, 0 },
    { "migrate_pages", op_migrate_pages, 2, 3, 0 },
    { "compact_memory", op_compact_memory, 0, 0, 0 },
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
    { "split_huge_page", "split_huge_page() of one folio has no system call (split_huge_pages, the debugfs write, is recorded)" },
    { "ksm_scan", "ksmd runs on its own clock, which a recording cannot step (use ksm_wait)" },
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
    ksm_finish();
    pte_finish();
}

/* the fork step (the parent's, observed) and a child's exit step (not observed) */
void step_fork(void) { step_open("fork"); args_done(); ret_ok(0); step_close(1); }

void step_exit(void) { step_open("exit"); args_done(); ret_ok(0); step_close(0); }


