/*
 * monitor_coverage.c: `monitor coverage start [ELF]`, `stop`, `save FILE [FORMAT]`,
 * `clear` and `monitor coverage` (status): object coverage (coverage/recorder.h) of the
 * parts of a run the user brackets from gdb. Coverage accumulates over every start/stop
 * until `clear`; `save` writes what was recorded so far (also while recording) in any
 * format of coverage/report.h (by FILE's extension unless FORMAT is given). The image is
 * the one brassboard loaded (bb_gdbstub_set_image) unless ELF is given.
 */
#include "gdbstub/stub.h"

#include <stdlib.h>
#include <string.h>

#include "coverage/data.h"
#include "coverage/recorder.h"
#include "coverage/report.h"
#include "jit/instrument.h"
#include "trace/image.h"

struct gdb_coverage_state {
    char *default_image; /* the image brassboard loaded, or NULL */
    bb_image *img;       /* the image the data is of, or NULL when there is no data */
    bb_cov_data *data;
    bb_coverage *recorder; /* while recording */
};

static void clear_data(gdb_coverage_state *c)
{
    bb_cov_data_free(c->data);
    bb_image_free(c->img);
    c->data = NULL;
    c->img = NULL;
}

/* Whether the machine's CPUs already feed a coverage map (--coverage on the command line). */
static bool recorded_elsewhere(bb_machine *m)
{
    return m->n_cpus > 0 && bb_cpu_mark_map_in_use(m->cpus[0]);
}

static int coverage_start(gdb_coverage_state *c, bb_machine *m, int argc, char **argv, FILE *out)
{
    if (c->recorder) {
        fprintf(out, "coverage is already being recorded (monitor coverage stop)\n");
        return 1;
    }
    if (argc > 3) {
        fprintf(out, "usage: monitor coverage start [ELF]\n");
        return 1;
    }
    if (recorded_elsewhere(m)) {
        fprintf(out, "coverage is already being recorded for this run (--coverage)\n");
        return 1;
    }
    const char *path = argc == 3 ? argv[2] : c->default_image;
    if (!path) {
        fprintf(out, "which image? monitor coverage start ELF\n");
        return 1;
    }
    if (c->img && strcmp(c->img->path, path) != 0) {
        fprintf(out, "coverage of %s is held: save it, then monitor coverage clear\n",
                c->img->path);
        return 1;
    }
    char err[512];
    if (!c->img) {
        c->img = bb_image_load(path, err, sizeof(err));
        if (!c->img) {
            fprintf(out, "%s\n", err);
            return 1;
        }
        c->data = bb_cov_data_new(c->img);
        if (!c->data) {
            fprintf(out, "out of memory\n");
            clear_data(c);
            return 1;
        }
    }
    c->recorder = bb_coverage_start(m, c->data, err, sizeof(err));
    if (!c->recorder) {
        fprintf(out, "%s\n", err);
        return 1;
    }
    fprintf(out, "recording coverage of %s\n", c->img->path);
    return 0;
}

static int coverage_stop(gdb_coverage_state *c, FILE *out)
{
    if (!c->recorder) {
        fprintf(out, "coverage is not being recorded\n");
        return 1;
    }
    bb_coverage_stop(c->recorder);
    c->recorder = NULL;
    fprintf(out, "coverage recording stopped (monitor coverage save FILE writes it)\n");
    return 0;
}

static int coverage_save(gdb_coverage_state *c, int argc, char **argv, FILE *out)
{
    if (argc < 3 || argc > 4) {
        fprintf(out, "usage: monitor coverage save FILE [data|lcov|cobertura|drcov|text|json]\n");
        return 1;
    }
    if (!c->data) {
        fprintf(out, "no coverage recorded (monitor coverage start)\n");
        return 1;
    }
    bb_cov_format format = bb_cov_format_from_path(argv[2]);
    if (argc == 4 && !bb_cov_format_parse(argv[3], &format)) {
        fprintf(out,
                "coverage save: unknown format '%s' (data, lcov, cobertura, drcov, "
                "text, json)\n",
                argv[3]);
        return 1;
    }
    if (c->recorder) bb_coverage_sync(c->recorder);
    char err[512];
    if (!bb_cov_write(c->data, c->img, format, argv[2], NULL, err, sizeof(err))) {
        fprintf(out, "%s\n", err);
        return 1;
    }
    fprintf(out, "coverage written to %s\n", argv[2]);
    return 0;
}

static int coverage_status(gdb_coverage_state *c, FILE *out)
{
    if (c->recorder)
        fprintf(out, "recording coverage of %s\n", c->img->path);
    else if (c->data)
        fprintf(out, "coverage of %s held, not recording\n", c->img->path);
    else
        fprintf(out, "no coverage recorded\n");
    return 0;
}

static int cmd_coverage(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    bb_gdbstub *s = opaque;
    gdb_coverage_state *c = s->coverage;
    const char *what = argc >= 2 ? argv[1] : "";
    if (argc == 1) return coverage_status(c, out);
    if (!strcmp(what, "start")) return coverage_start(c, m, argc, argv, out);
    if (!strcmp(what, "stop") && argc == 2) return coverage_stop(c, out);
    if (!strcmp(what, "save")) return coverage_save(c, argc, argv, out);
    if (!strcmp(what, "clear") && argc == 2) {
        if (c->recorder) {
            fprintf(out, "stop recording first (monitor coverage stop)\n");
            return 1;
        }
        clear_data(c);
        fprintf(out, "coverage cleared\n");
        return 0;
    }
    fprintf(out, "usage: monitor coverage [start [ELF] | stop | save FILE [FORMAT] | clear]\n");
    return 1;
}

bool gdb_monitor_coverage_init(bb_gdbstub *s)
{
    s->coverage = calloc(1, sizeof(*s->coverage));
    if (!s->coverage) return false;
    bb_monitor_command cmd = {"coverage", "coverage [start [ELF] | stop | save FILE [FMT] | clear]",
                              "object coverage of a part of the run (docs/coverage.md)",
                              cmd_coverage, s};
    return bb_gdbstub_add_command(s, &cmd);
}

bool bb_gdbstub_set_image(bb_gdbstub *s, const char *path)
{
    char *copy = strdup(path);
    if (!copy) return false;
    free(s->coverage->default_image);
    s->coverage->default_image = copy;
    return true;
}

void gdb_monitor_coverage_free(bb_gdbstub *s)
{
    gdb_coverage_state *c = s->coverage;
    if (!c) return;
    if (c->recorder) bb_coverage_stop(c->recorder);
    clear_data(c);
    free(c->default_image);
    free(c);
    s->coverage = NULL;
}
