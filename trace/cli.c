/*
 * cli.c: tracing options of `brassboard run` and the `brassboard trace` command.
 */
#include "trace/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/binary.h"
#include "trace/guests.h"
#include "trace/image.h"
#include "trace/text.h"

static bool is_flag(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

int bb_trace_cli_option(bb_trace_cli *c, const char *arg, const char *val, char *err, size_t errlen)
{
    if (is_flag(arg, "--trace-regs")) {
        c->regs = true;
        return 1;
    }
    if (is_flag(arg, "--trace-mem")) {
        c->mem = true;
        return 1;
    }
    static const char *const with_value[] = {
        "--trace",      "--trace-format", "--trace-range", "--trace-start",
        "--trace-stop", "--vcd",          "--vcd-watch",   NULL};
    int which = -1;
    for (int i = 0; with_value[i]; i++)
        if (is_flag(arg, with_value[i])) which = i;
    if (which < 0) return 0;
    if (!val) {
        snprintf(err, errlen, "option %s needs a value", arg);
        return -1;
    }
    switch (which) {
    case 0: c->trace_path = val; break;
    case 1:
        if (strcmp(val, "text") != 0 && strcmp(val, "binary") != 0) {
            snprintf(err, errlen, "--trace-format '%s': expected text or binary", val);
            return -1;
        }
        c->format = val;
        break;
    case 2:
        if (c->n_ranges == BB_TRACE_MAX_RANGES) {
            snprintf(err, errlen, "--trace-range '%s': at most %d ranges", val,
                     BB_TRACE_MAX_RANGES);
            return -1;
        }
        c->ranges[c->n_ranges++] = val;
        break;
    case 3: c->start = val; break;
    case 4: c->stop = val; break;
    case 5: c->vcd_path = val; break;
    default:
        if (c->n_watches == BB_VCD_MAX_WATCHES) {
            snprintf(err, errlen, "--vcd-watch '%s': at most %d ranges", val, BB_VCD_MAX_WATCHES);
            return -1;
        }
        c->watches[c->n_watches++] = val;
        break;
    }
    return 2;
}

void bb_trace_cli_usage(FILE *out)
{
    fprintf(out,
            "  --trace FILE           trace executed instructions to FILE (docs/trace.md)\n"
            "  --trace-format F       text or binary (default: binary for .bbtrace/.bin)\n"
            "  --trace-regs           also the registers each instruction wrote\n"
            "  --trace-mem            also every memory access (address, size, value)\n"
            "  --trace-range A-B      only instructions in [A, B] (addresses or symbols;\n"
            "                         a function name alone: the function); repeatable\n"
            "  --trace-start POINT    start at SYMBOL[+OFF], an address, or @N (an\n"
            "  --trace-stop POINT     instruction count); stop before POINT\n"
            "  --vcd FILE             waveform of interrupt lines, UARTs, CPU mode and sleep,\n"
            "                         routed and watched ranges over virtual time\n"
            "  --vcd-watch A-B        also show accesses to [A, B]; repeatable\n");
}

static bool needs_image(const char *text)
{
    char *end;
    if (!text || text[0] == '@') return false;
    errno = 0;
    strtoull(text, &end, 0);
    return end == text || *end;
}

/* "A-B", or a symbol (a function gives its extent). */
static bool parse_range(const bb_image *img, const char *text, uint32_t *start, uint32_t *end)
{
    const char *dash = strchr(text, '-');
    if (!dash) return bb_image_parse_address(img, text, start, end);
    char first[256];
    size_t len = (size_t)(dash - text);
    if (len >= sizeof(first)) return false;
    memcpy(first, text, len);
    first[len] = 0;
    return bb_image_parse_address(img, first, start, NULL) &&
           bb_image_parse_address(img, dash + 1, end, NULL) && *start <= *end;
}

static bool parse_point(const bb_image *img, const char *text, bb_trace_point *p)
{
    if (!text) return true;
    p->set = true;
    if (text[0] == '@') {
        char *end;
        errno = 0;
        p->count = strtoull(text + 1, &end, 0);
        p->is_count = true;
        return end != text + 1 && !*end && !errno;
    }
    return bb_image_parse_address(img, text, &p->addr, NULL);
}

static bool format_is_binary(const bb_trace_cli *c)
{
    if (c->format) return strcmp(c->format, "binary") == 0;
    const char *dot = strrchr(c->trace_path, '.');
    return dot && (strcmp(dot, ".bbtrace") == 0 || strcmp(dot, ".bin") == 0);
}

static bool start_trace(bb_trace_cli *c, bb_machine *m, const bb_image *img, char *err,
                        size_t errlen)
{
    bb_trace_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.path = c->trace_path;
    opts.format = format_is_binary(c) ? BB_TRACE_BINARY : BB_TRACE_TEXT;
    opts.regs = c->regs;
    opts.mem = c->mem;
    for (int i = 0; i < c->n_ranges; i++) {
        if (!parse_range(img, c->ranges[i], &opts.range_start[i], &opts.range_end[i])) {
            snprintf(err, errlen, "--trace-range '%s': expected A-B or a symbol%s", c->ranges[i],
                     img ? "" : " (symbols need an ELF image)");
            return false;
        }
    }
    opts.n_ranges = c->n_ranges;
    const char *bad = !parse_point(img, c->start, &opts.start) ? "start"
                      : !parse_point(img, c->stop, &opts.stop) ? "stop"
                                                               : NULL;
    if (bad) {
        snprintf(err, errlen, "--trace-%s '%s': expected a symbol, an address or @N", bad,
                 bad[2] == 'a' ? c->start : c->stop);
        return false;
    }
    c->tracer = bb_trace_start(m, &opts, err, errlen);
    return c->tracer != NULL;
}

static bool start_vcd(bb_trace_cli *c, bb_machine *m, const bb_image *img, char *err, size_t errlen)
{
    bb_vcd_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.path = c->vcd_path;
    for (int i = 0; i < c->n_watches; i++) {
        if (!parse_range(img, c->watches[i], &opts.watch_start[i], &opts.watch_end[i])) {
            snprintf(err, errlen, "--vcd-watch '%s': expected A-B or a symbol", c->watches[i]);
            return false;
        }
    }
    opts.n_watches = c->n_watches;
    c->vcd = bb_vcd_start(m, &opts, err, errlen);
    return c->vcd != NULL;
}

bool bb_trace_cli_start(bb_trace_cli *c, bb_machine *m, const char *image, char *err, size_t errlen)
{
    if (!c->trace_path && (c->regs || c->mem || c->n_ranges || c->start || c->stop || c->format)) {
        snprintf(err, errlen, "--trace-* options need --trace FILE");
        return false;
    }
    if (!c->vcd_path && c->n_watches) {
        snprintf(err, errlen, "--vcd-watch needs --vcd FILE");
        return false;
    }
    bool symbols = needs_image(c->start) || needs_image(c->stop);
    for (int i = 0; i < c->n_ranges; i++)
        symbols |= needs_image(c->ranges[i]);
    for (int i = 0; i < c->n_watches; i++)
        symbols |= needs_image(c->watches[i]);
    bb_image *img = NULL;
    if (symbols && image) {
        img = bb_image_load(image, err, errlen);
        if (!img) return false;
    }
    bool ok = (!c->trace_path || start_trace(c, m, img, err, errlen)) &&
              (!c->vcd_path || start_vcd(c, m, img, err, errlen));
    bb_image_free(img);
    if (!ok) {
        bb_trace_finish(c->tracer, BB_STOP_NONE);
        c->tracer = NULL;
    }
    return ok;
}

bool bb_trace_cli_finish(bb_trace_cli *c, bb_stop_reason why)
{
    bool ok = true;
    if (c->tracer && !bb_trace_finish(c->tracer, why)) {
        fprintf(stderr, "brassboard: --trace %s: could not be written\n", c->trace_path);
        ok = false;
    }
    if (c->vcd && !bb_vcd_finish(c->vcd)) {
        fprintf(stderr, "brassboard: --vcd %s: could not be written\n", c->vcd_path);
        ok = false;
    }
    c->tracer = NULL;
    c->vcd = NULL;
    return ok;
}

/* ---- brassboard trace dump ---- */

static int dump(const char *path, const char *out_path)
{
    char err[512];
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "brassboard: %s: %s\n", path, strerror(errno));
        return 2;
    }
    bb_trace_header *header = calloc(1, sizeof(*header));
    if (!header || !bb_trace_binary_read_header(in, path, header, err, sizeof(err))) {
        fprintf(stderr, "brassboard: %s\n", header ? err : "out of memory");
        free(header);
        fclose(in);
        return 2;
    }
    const bb_guest_ops *guest = bb_guest_find(header->guest);
    if (!guest)
        fprintf(stderr, "brassboard: %s: unknown guest '%s': no disassembly\n", path,
                header->guest);
    FILE *out = out_path ? fopen(out_path, "w") : fdopen(dup(STDOUT_FILENO), "w");
    if (!out) {
        fprintf(stderr, "brassboard: %s: %s\n", out_path ? out_path : "stdout", strerror(errno));
        free(header);
        fclose(in);
        return 2;
    }
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    bb_trace_sink sink = bb_trace_text_open(out, guest, header);
    free(header);
    if (!sink.self) {
        fclose(out);
        fclose(in);
        fprintf(stderr, "brassboard: out of memory\n");
        return 2;
    }
    bool ok = bb_trace_binary_replay(in, path, &sink, err, sizeof(err));
    fclose(in);
    if (!ok) {
        fprintf(stderr, "brassboard: %s\n", err);
        return 2;
    }
    return 0;
}

int bb_trace_cli_command(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[0], "dump") == 0) {
        const char *out = NULL;
        if (argc == 4 && strcmp(argv[2], "-o") == 0)
            out = argv[3];
        else if (argc != 2)
            goto usage;
        return dump(argv[1], out);
    }
usage:
    fprintf(stderr, "usage: brassboard trace dump FILE [-o OUT]   binary trace as text\n");
    return 2;
}
