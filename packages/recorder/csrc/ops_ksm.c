/* KSM through /sys/kernel/mm/ksm (ksm_start, ksm_wait, ksm_restore; the
 * system's values saved and put back on any exit, undo.c) and
 * /proc/self/clear_refs. */
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

#define KSM "/sys/kernel/mm/ksm/"

static char ksm_saved[3][32];

static int ksm_have_saved;

void sysfs_read(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t r = read(fd, buf, n - 1);
    close(fd);
    if (r > 0) { buf[r] = 0; if (buf[r - 1] == '\n') buf[r - 1] = 0; }
}

int sysfs_write(const char *path, const char *v)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int e = write(fd, v, strlen(v)) < 0 ? errno : 0;
    close(fd);
    return e;
}

static const char *const ksm_files[3] = { KSM "run", KSM "sleep_millisecs", KSM "pages_to_scan" };

int op_ksm_start(struct line *l)
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

int op_ksm_wait(struct line *l)
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

int op_ksm_restore(struct line *l)
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

int op_clear_refs(struct line *l)
{
    step_open("clear_refs");
    out_str("value", l->w[0]);
    args_done();
    int e = sysfs_write("/proc/self/clear_refs", l->w[0]);
    if (e) ret_errno(e); else ret_ok(0);
    step_close(1);
    return 0;
}

/* at the end of the script: KSM's saved values back, without a step */
void ksm_finish(void)
{
    if (!ksm_have_saved) return;
    sysfs_write(ksm_files[0], "2");
    for (int i = 0; i < 3; i++) { sysfs_write(ksm_files[i], ksm_saved[i][0] ? ksm_saved[i] : "0"); undo_sysfs_done(ksm_files[i]); }
    ksm_have_saved = 0;
}
