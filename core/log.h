/*
 * log.h: categorised diagnostics (--log CATEGORIES), written to stderr or a file.
 *
 * Categories: unimp (accesses with no model), guest_errors (the guest did something the
 * hardware would not accept), int (interrupts taken), mmu (translation faults), exec
 * (translated blocks), ir (the optimized IR of each translated block). Errors about user input are
 * not log messages: they are returned as messages naming the input.
 */
#ifndef BB_LOG_H
#define BB_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum {
    BB_LOG_UNIMP = 1u << 0,
    BB_LOG_GUEST_ERRORS = 1u << 1,
    BB_LOG_INT = 1u << 2,
    BB_LOG_MMU = 1u << 3,
    BB_LOG_EXEC = 1u << 4,
    BB_LOG_IR = 1u << 5,
};

typedef struct bb_log {
    unsigned mask;
    FILE *out; /* stderr unless set */
} bb_log;

/* Parses "unimp,int" (or "all", "none", "help") into a mask. Returns false and names the
 * bad word in err on an unknown category. */
bool bb_log_parse(const char *spec, unsigned *mask, char *err, size_t errlen);
/* The list of categories with one line of help each. */
const char *bb_log_help(void);

static inline bool bb_log_on(const bb_log *log, unsigned category)
{
    return log && (log->mask & category);
}

void bb_log_printf(bb_log *log, unsigned category, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
