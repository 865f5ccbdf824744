/*
 * test_report.c: TAP 14 and JUnit XML writers.
 *
 * TAP: "TAP version 14", a plan, "ok N - name" or "not ok N - name" with a YAML block
 * (message, severity, at, expected, seen, traceback, output) between "  ---" and "  ...",
 * "# SKIP reason" directives, and groups as subtests ("# Subtest: name", indented lines,
 * then the group's own result line). YAML scalars are single-quoted when printable, else
 * double-quoted with escapes. JUnit: <testsuites> with a <testsuite> per group, a
 * <testcase> per test carrying <failure>, <error> or <skipped>, and <system-out>. XML text
 * is escaped, and bytes XML 1.0 cannot carry (control characters, invalid UTF-8) are
 * written as \xNN so that every XML parser reads the file.
 */
#include "scripting/test_report.h"

#include <stdlib.h>
#include <string.h>

void bb_test_result_clear(bb_test_result *r)
{
    char **strings[] = {&r->name,     &r->suite, &r->file,      &r->message, &r->where,
                        &r->expected, &r->seen,  &r->traceback, &r->log,     &r->output};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        free(*strings[i]);
        *strings[i] = NULL;
    }
}

/* ---- TAP ---- */

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("    ", out);
}

void bb_tap_version(FILE *out)
{
    fputs("TAP version 14\n", out);
    fflush(out);
}

void bb_tap_plan(FILE *out, int depth, int count)
{
    indent(out, depth);
    fprintf(out, "1..%d\n", count);
    fflush(out);
}

void bb_tap_subtest(FILE *out, int depth, const char *name)
{
    indent(out, depth);
    fprintf(out, "# Subtest: %s\n", name);
    fflush(out);
}

void bb_tap_comment(FILE *out, int depth, const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        indent(out, depth);
        fprintf(out, "# %.*s\n", (int)len, text);
        text += len + (nl ? 1 : 0);
    }
    fflush(out);
}

/* A test name on a TAP line: '#' would start a directive, so it is escaped. */
static void tap_name(FILE *out, const char *name)
{
    for (const char *p = name; *p; p++) {
        if (*p == '#' || *p == '\\') fputc('\\', out);
        fputc(*p == '\n' ? ' ' : *p, out);
    }
}

static void yaml_scalar(FILE *out, const char *s)
{
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)s; *p && plain; p++)
        plain = *p >= 0x20 && *p < 0x7f;
    if (plain) {
        fputc('\'', out);
        for (const char *p = s; *p; p++) {
            if (*p == '\'') fputc('\'', out);
            fputc(*p, out);
        }
        fputc('\'', out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        default:
            if (*p >= 0x20 && *p < 0x7f)
                fputc(*p, out);
            else
                fprintf(out, "\\x%02x", *p);
        }
    }
    fputc('"', out);
}

static void yaml_field(FILE *out, int depth, const char *key, const char *value)
{
    if (!value) return;
    indent(out, depth);
    fprintf(out, "  %s: ", key);
    yaml_scalar(out, value);
    fputc('\n', out);
}

void bb_tap_result(FILE *out, int depth, int number, const bb_test_result *r)
{
    if (r->log) bb_tap_comment(out, depth, r->log);
    indent(out, depth);
    fprintf(out, "%s %d - ",
            r->status == BB_RESULT_FAIL || r->status == BB_RESULT_ERROR ? "not ok" : "ok", number);
    tap_name(out, r->name);
    if (r->status == BB_RESULT_SKIP) {
        fputs(" # SKIP ", out);
        tap_name(out, r->message ? r->message : "");
    }
    fputc('\n', out);
    if (r->status == BB_RESULT_FAIL || r->status == BB_RESULT_ERROR) {
        indent(out, depth);
        fputs("  ---\n", out);
        yaml_field(out, depth, "message", r->message);
        yaml_field(out, depth, "severity", r->status == BB_RESULT_FAIL ? "fail" : "error");
        yaml_field(out, depth, "at", r->where);
        yaml_field(out, depth, "expected", r->expected);
        yaml_field(out, depth, "seen", r->seen);
        yaml_field(out, depth, "traceback", r->traceback);
        yaml_field(out, depth, "output", r->output);
        indent(out, depth);
        fputs("  ...\n", out);
    }
    fflush(out);
}

void bb_tap_group(FILE *out, int depth, int number, const char *name, bool ok, const char *skip)
{
    indent(out, depth);
    fprintf(out, "%s %d - ", ok ? "ok" : "not ok", number);
    tap_name(out, name);
    if (skip) {
        fputs(" # SKIP ", out);
        tap_name(out, skip);
    }
    fputc('\n', out);
    fflush(out);
}

void bb_tap_bail_out(FILE *out, const char *why)
{
    fputs("Bail out! ", out);
    for (const char *p = why; *p; p++)
        fputc(*p == '\n' ? ' ' : *p, out);
    fputc('\n', out);
    fflush(out);
}

/* ---- JUnit XML ---- */

/* Length of the valid UTF-8 sequence at p (0 if invalid). */
static int utf8_length(const unsigned char *p)
{
    int n;
    unsigned min;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2, min = 0x80;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, min = 0x800;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, min = 0x10000;
    else
        return 0;
    unsigned cp = p[0] & (0x7f >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
        return 0;
    return n;
}

static void xml_text(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        case '\n':
        case '\t': fputc(*p, out); break;
        case '\r': fputs("&#13;", out); break;
        default:
            if (*p >= 0x20 && *p < 0x7f) {
                fputc(*p, out);
            } else if (*p >= 0x80 && utf8_length(p)) {
                int n = utf8_length(p);
                fwrite(p, 1, (size_t)n, out);
                p += n;
                continue;
            } else {
                fprintf(out, "\\x%02x", *p);
            }
        }
        p++;
    }
}

static void xml_attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    xml_text(out, value ? value : "");
    fputc('"', out);
}

/* The failure's details: where, expected, seen, traceback. */
static void failure_body(FILE *out, const bb_test_result *r)
{
    if (r->where) {
        fputs("at ", out);
        xml_text(out, r->where);
        fputc('\n', out);
    }
    if (r->expected) {
        fputs("expected: ", out);
        xml_text(out, r->expected);
        fputc('\n', out);
    }
    if (r->seen) {
        fputs("seen: ", out);
        xml_text(out, r->seen);
        fputc('\n', out);
    }
    if (r->traceback) xml_text(out, r->traceback);
}

static void testcase(FILE *out, const bb_test_result *r)
{
    fputs("    <testcase", out);
    xml_attr(out, "name", r->name);
    xml_attr(out, "classname", r->suite);
    fprintf(out, " time=\"%.6f\"", r->seconds);
    if (r->file) {
        xml_attr(out, "file", r->file);
        fprintf(out, " line=\"%d\"", r->line);
    }
    fputs(">\n", out);
    if (r->status == BB_RESULT_FAIL || r->status == BB_RESULT_ERROR) {
        const char *tag = r->status == BB_RESULT_FAIL ? "failure" : "error";
        fprintf(out, "      <%s", tag);
        xml_attr(out, "message", r->message);
        xml_attr(out, "type", r->status == BB_RESULT_FAIL ? "check" : "error");
        fputs(">", out);
        failure_body(out, r);
        fprintf(out, "</%s>\n", tag);
    } else if (r->status == BB_RESULT_SKIP) {
        fputs("      <skipped", out);
        xml_attr(out, "message", r->message);
        fputs("/>\n", out);
    }
    if (r->log || r->output) {
        fputs("      <system-out>", out);
        xml_text(out, r->log);
        if (r->log && r->output) fputc('\n', out);
        xml_text(out, r->output);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

typedef struct counts {
    int tests, failures, errors, skipped;
    double seconds;
} counts;

static counts count(const bb_test_result *results, int n, const char *suite)
{
    counts c = {0, 0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
        if (suite && strcmp(results[i].suite, suite) != 0) continue;
        c.tests++;
        c.failures += results[i].status == BB_RESULT_FAIL;
        c.errors += results[i].status == BB_RESULT_ERROR;
        c.skipped += results[i].status == BB_RESULT_SKIP;
        c.seconds += results[i].seconds;
    }
    return c;
}

static void counts_attrs(FILE *out, counts c)
{
    fprintf(out, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\"",
            c.tests, c.failures, c.errors, c.skipped, c.seconds);
}

bool bb_junit_write(const char *path, const char *name, const bb_test_result *results, int n,
                    double seconds, char *err, size_t errlen)
{
    FILE *out = fopen(path, "w");
    if (!out) {
        snprintf(err, errlen, "--junit %s: cannot write it", path);
        return false;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    xml_attr(out, "name", name);
    counts all = count(results, n, NULL);
    all.seconds = seconds;
    counts_attrs(out, all);
    fputs(">\n", out);
    for (int i = 0; i < n; i++) {
        bool first = true;
        for (int k = 0; k < i && first; k++)
            first = strcmp(results[k].suite, results[i].suite) != 0;
        if (!first) continue;
        fputs("  <testsuite", out);
        xml_attr(out, "name", results[i].suite);
        counts_attrs(out, count(results, n, results[i].suite));
        fputs(">\n", out);
        for (int k = i; k < n; k++)
            if (strcmp(results[k].suite, results[i].suite) == 0) testcase(out, &results[k]);
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    bool ok = fflush(out) == 0 && !ferror(out);
    if (fclose(out) != 0) ok = false;
    if (!ok) snprintf(err, errlen, "--junit %s: writing it failed", path);
    return ok;
}
