/*
 * log.c: parsing --log category lists and writing categorised messages.
 */
#include "core/log.h"

#include <stdarg.h>
#include <string.h>

typedef struct log_category {
    const char *name;
    unsigned mask;
} log_category;

static const log_category categories[] = {
    {"unimp", BB_LOG_UNIMP}, {"guest_errors", BB_LOG_GUEST_ERRORS},
    {"int", BB_LOG_INT},     {"mmu", BB_LOG_MMU},
    {"exec", BB_LOG_EXEC},   {"ir", BB_LOG_IR},
};

#define N_CATEGORIES (sizeof(categories) / sizeof(categories[0]))

static const char help_text[] = "Log categories for --log (comma separated):\n"
                                "  unimp         accesses to addresses or registers with no model\n"
                                "  guest_errors  guest actions the hardware would not accept\n"
                                "  int           interrupts and exceptions taken\n"
                                "  mmu           MMU translation faults\n"
                                "  exec          translated blocks\n"
                                "  ir            the optimized IR of each translated block\n"
                                "  all           every category\n"
                                "  none          no category\n";

const char *bb_log_help(void)
{
    return help_text;
}

/* The mask of one word (its length is len), or false when unknown. */
static bool word_mask(const char *word, size_t len, unsigned *mask)
{
    if (len == 3 && strncmp(word, "all", 3) == 0) {
        *mask = 0;
        for (size_t i = 0; i < N_CATEGORIES; i++)
            *mask |= categories[i].mask;
        return true;
    }
    for (size_t i = 0; i < N_CATEGORIES; i++) {
        if (strlen(categories[i].name) == len && strncmp(word, categories[i].name, len) == 0) {
            *mask = categories[i].mask;
            return true;
        }
    }
    return false;
}

bool bb_log_parse(const char *spec, unsigned *mask, char *err, size_t errlen)
{
    unsigned result = 0;
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        unsigned bits;
        if (len == 4 && strncmp(p, "none", 4) == 0) {
            result = 0;
        } else if (len == 4 && strncmp(p, "help", 4) == 0) {
            snprintf(err, errlen, "log categories: unimp, guest_errors, int, mmu, exec, all, none");
            return false;
        } else if (word_mask(p, len, &bits)) {
            result |= bits;
        } else if (len > 0) {
            snprintf(err, errlen,
                     "unknown log category '%.*s' (expected unimp, guest_errors, int, mmu, exec, "
                     "all or none)",
                     (int)len, p);
            return false;
        }
        p += len;
        if (*p == ',') p++;
    }
    *mask = result;
    return true;
}

static const char *category_name(unsigned category)
{
    for (size_t i = 0; i < N_CATEGORIES; i++)
        if (category & categories[i].mask) return categories[i].name;
    return "log";
}

void bb_log_printf(bb_log *log, unsigned category, const char *fmt, ...)
{
    if (!bb_log_on(log, category)) return;
    FILE *out = log->out ? log->out : stderr;
    va_list ap;
    va_start(ap, fmt);
    fprintf(out, "brassboard: [%s] ", category_name(category));
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}
