/* Ops on pte bits from user space: userfaultfd write-protect (async, with
 * markers on empty ptes: UFFD_FEATURE_WP_ASYNC | WP_UNPOPULATED), and the
 * debugfs split_huge_pages write (which kernel lockdown may refuse: the
 * refusal is the step's result). A debugfs the recorder mounts is unmounted
 * at the end. */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

static int uffd = -1;

/* R: a userfaultfd with async write-protect, R registered in WP mode */
int op_uffd_register_wp(struct line *l)
{
    struct region *r = region_arg(l, 0);
    step_open("uffd_register_wp");
    out_str("r", r->name); out_str("features", "WP_ASYNC|WP_UNPOPULATED");
    args_done();
    int e = 0;
    if (uffd < 0) {
        uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
        if (uffd < 0) e = errno;
        struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
        if (!e && ioctl(uffd, UFFDIO_API, &api)) { e = errno; close(uffd); uffd = -1; }
    }
    if (!e) {
        struct uffdio_register reg = { .range = { r->base, r->pages * REC_PAGE }, .mode = UFFDIO_REGISTER_MODE_WP };
        if (ioctl(uffd, UFFDIO_REGISTER, &reg)) e = errno;
    }
    if (e) ret_errno(e); else ret_ok(0);
    step_close(1);
    return 0;
}

/* R PAGE NPAGES 0|1 */
int op_uffd_writeprotect(struct line *l)
{
    struct region *r = region_arg(l, 0);
    long long page = number(l, 1), npages = number(l, 2);
    int on = !strcmp(l->w[3], "1");
    step_open("uffd_writeprotect");
    out_str("r", r->name); out_num("page", page); out_num("npages", npages); out_bool("wp", on);
    args_done();
    struct uffdio_writeprotect wp = { .range = { r->base + (uintptr_t)page * REC_PAGE, (uint64_t)npages * REC_PAGE }, .mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0 };
    if (uffd < 0) ret_errno(EBADF);
    else if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) ret_errno(errno);
    else ret_ok(0);
    step_close(1);
    return 0;
}

int op_uffd_close(struct line *l)
{
    (void)l;
    step_open("uffd_close");
    args_done();
    if (uffd >= 0) close(uffd);
    uffd = -1;
    ret_ok(0);
    step_close(1);
    return 0;
}

#define SPLIT "/sys/kernel/debug/split_huge_pages"
static int debugfs_ours;

/* R [PAGE NPAGES]: write "<pid>,0x<start>,0x<end>" to debugfs split_huge_pages */
int op_split_huge_pages(struct line *l)
{
    struct region *r = region_arg(l, 0);
    int part = l->n > 1;
    long long page = part ? number(l, 1) : 0;
    long long npages = l->n > 2 ? number(l, 2) : (long long)r->pages - page;
    step_open("split_huge_pages");
    out_str("r", r->name); out_str("via", "debugfs split_huge_pages pid,start,end");
    if (part) { out_num("page", page); out_num("npages", npages); }
    args_done();
    if (access(SPLIT, F_OK) && mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) == 0) {
        debugfs_ours = 1;
        undo_mount("/sys/kernel/debug");
    }
    if (access(SPLIT, F_OK)) {   /* no debugfs: not observed, as the simulator has it */
        ret_errno(ENOENT);
        step_close(0);
        return 0;
    }
    char text[96];
    uintptr_t from = r->base + (uintptr_t)page * REC_PAGE;
    snprintf(text, sizeof text, "%d,0x%lx,0x%lx", (int)getpid(), (unsigned long)from, (unsigned long)(from + (uintptr_t)npages * REC_PAGE));
    int fd = open(SPLIT, O_WRONLY | O_CLOEXEC);
    int e = fd < 0 ? errno : 0;
    if (!e && write(fd, text, strlen(text)) < 0) e = errno;
    if (fd >= 0) close(fd);
    if (e) ret_errno(e); else ret_ok(0);
    step_close(1);
    return 0;
}

void pte_finish(void)
{
    if (uffd >= 0) close(uffd);
    uffd = -1;
    if (debugfs_ours) { umount("/sys/kernel/debug"); undo_mount_done(); debugfs_ours = 0; }
}
