/* The file ops: file (create and fill), rmfile, ftruncate, punch, pwrite,
 * pread, fadvise_dontneed. tmpfs files live in /dev/shm, ext4 ones in /tmp. */
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

int op_file(struct line *l)
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

int op_rmfile(struct line *l)
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

int op_ftruncate(struct line *l)
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

int op_punch(struct line *l)
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

int op_pwrite(struct line *l)
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

int op_pread(struct line *l)
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

int op_fadvise_dontneed(struct line *l)
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
