/* Every change the recorder makes to the system (swap file, zram, KSM
 * sysfs, temporary files, a debugfs mount) is registered here before
 * it is made and undone on every way out: normal exit (atexit), a fatal
 * error (fail_* exit through exit()), and the signals that end a process
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, and SIGSEGV/SIGBUS/SIGABRT
 * outside a probed access). Undo only uses system calls, so it is safe in a
 * signal handler. A forked child owns nothing: the parent undoes. */
#include "recorder.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <unistd.h>

#define MAX_UNDO 16

struct undo {
    enum { U_NONE, U_SWAPFILE, U_ZRAM, U_FILE, U_SYSFS, U_MOUNT } kind;
    char path[160];
    char value[64];   /* U_ZRAM: the reset file; U_SYSFS: the value to write back */
};
static struct undo undos[MAX_UNDO];
static volatile sig_atomic_t owner = 1, undoing = 0;

static struct undo *slot_for(void)
{
    for (int i = 0; i < MAX_UNDO; i++)
        if (undos[i].kind == U_NONE) return &undos[i];
    fail_host("too many system changes to track (internal)");
}

static void add(int kind, const char *path, const char *value)
{
    struct undo *u = slot_for();
    snprintf(u->path, sizeof u->path, "%s", path);
    snprintf(u->value, sizeof u->value, "%s", value ? value : "");
    u->kind = kind;   /* last: a signal in between sees a complete entry or none */
}

static void drop(int kind, const char *path)
{
    for (int i = 0; i < MAX_UNDO; i++)
        if ((int)undos[i].kind == kind && (!path || !strcmp(undos[i].path, path))) undos[i].kind = U_NONE;
}

void undo_swapfile(const char *path) { add(U_SWAPFILE, path, NULL); }
void undo_swapfile_done(void) { drop(U_SWAPFILE, NULL); }
void undo_zram(const char *dev, const char *reset) { add(U_ZRAM, dev, reset); }
void undo_zram_done(void) { drop(U_ZRAM, NULL); }
void undo_file(const char *path) { add(U_FILE, path, NULL); }
void undo_file_done(const char *path) { drop(U_FILE, path); }
void undo_sysfs(const char *path, const char *old)
{
    /* the first saved value is the system's: a second change keeps it */
    for (int i = 0; i < MAX_UNDO; i++)
        if (undos[i].kind == U_SYSFS && !strcmp(undos[i].path, path)) return;
    add(U_SYSFS, path, old);
}
void undo_sysfs_done(const char *path) { drop(U_SYSFS, path); }
void undo_mount(const char *target) { add(U_MOUNT, target, NULL); }
void undo_mount_done(void) { drop(U_MOUNT, NULL); }
void undo_disown(void) { owner = 0; }

static void put(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, value, strlen(value)) < 0) { /* nothing more to do */ }
    close(fd);
}

void undo_run_all(void)
{
    if (!owner || undoing) return;
    undoing = 1;
    /* newest first: KSM run=2 (unmerge) before its old value, swap before its file */
    for (int i = MAX_UNDO - 1; i >= 0; i--) {
        struct undo *u = &undos[i];
        switch (u->kind) {
        case U_SWAPFILE: swapoff(u->path); unlink(u->path); break;
        case U_ZRAM: swapoff(u->path); put(u->value, "1"); break;
        case U_FILE: unlink(u->path); break;
        case U_MOUNT: umount(u->path); break;
        case U_SYSFS:
            if (strstr(u->path, "/ksm/run")) put(u->path, "2");
            put(u->path, u->value);
            break;
        default: break;
        }
        u->kind = U_NONE;
    }
    undoing = 0;
}

static void on_signal(int sig)
{
    undo_run_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void at_exit(void) { undo_run_all(); }

void undo_setup(void)
{
    atexit(at_exit);
    static const int ending[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGABRT, SIGALRM, SIGUSR1, SIGUSR2 };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++) sigaction(ending[i], &sa, NULL);
}

/* SIGSEGV/SIGBUS outside a probed access (ops.c's handler calls this) */
void undo_on_crash(int sig) { on_signal(sig); }
