/* The JSON writer. Parent and child write to the same stdout in turns (the
 * baton, driver.c), so the nesting and comma state, and the step counter,
 * live in one MAP_SHARED page both processes see. */
#include "recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MAX_DEPTH 48

struct emit_state {
    int depth;
    unsigned char used[MAX_DEPTH];   /* an element was written at this depth: the next needs a comma */
    char closer[MAX_DEPTH];
    int step;
};
static struct emit_state *E;

void shared_setup(void)
{
    E = mmap(NULL, sizeof *E, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (E == MAP_FAILED) fail_host("cannot map the recorder's shared state");
    labels_setup();
}

int next_step_number(void) { return ++E->step; }
void reset_step_numbers(void) { E->step = 0; }

static void element(const char *key)
{
    if (E->depth > 0) {
        if (E->used[E->depth]) putchar(',');
        E->used[E->depth] = 1;
    }
    if (key) printf("\"%s\":", key);
}

static void quoted(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') { putchar('\\'); putchar(*p); }
        else if (*p == '\n') fputs("\\n", stdout);
        else if (*p < 0x20 || *p >= 0x7f) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void open_with(const char *key, char open, char close)
{
    element(key);
    putchar(open);
    if (E->depth + 1 >= MAX_DEPTH) fail_host("JSON nesting too deep (internal)");
    E->depth++;
    E->used[E->depth] = 0;
    E->closer[E->depth] = close;
}

void out_open_obj(const char *key) { open_with(key, '{', '}'); }
void out_open_arr(const char *key) { open_with(key, '[', ']'); }
void out_close(void) { putchar(E->closer[E->depth]); E->depth--; }
void out_str(const char *key, const char *v) { element(key); if (v) quoted(v); else fputs("null", stdout); }
void out_num(const char *key, long long v) { element(key); printf("%lld", v); }
void out_bool(const char *key, int v) { element(key); fputs(v ? "true" : "false", stdout); }
void out_raw(const char *key, const char *text) { element(key); fputs(text, stdout); }
void out_flush(void) { fflush(stdout); }
