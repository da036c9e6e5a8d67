/* Swap: a swap file on /tmp (ext4) or zram0, made and switched on by
 * swapon, undone by swapoff, at the end of the script or on any exit
 * (undo.c); settle and sysstat. */
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

int swap_kind;   /* 0 none, 1 file, 2 zram */
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

int op_swapon(struct line *l)
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

void swap_off_now(int record)
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

int op_swapoff(struct line *l)
{
    (void)l;
    step_open("swapoff");
    args_done();
    if (!swap_kind) ret_errno(EINVAL);
    else swap_off_now(1);
    step_close(1);
    return 0;
}

int op_settle(struct line *l)
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

int op_sysstat(struct line *l)
{
    step_open("sysstat");
    if (l->rest && *l->rest) out_str("why", l->rest);
    args_done();
    out_open_obj("ret"); out_bool("ok", 1); out_num("swap_used_kB", swap_used()); out_num("SwapTotal_kB", meminfo("SwapTotal")); out_close();
    step_close(0);
    return 0;
}
