/*
 * board.c: turning a device tree into a machine. Loads built-in or user board trees,
 * creates the CPUs, RAM and devices the tree names, leaves logged "unimplemented" regions
 * for nodes without a model, and wires every `interrupts` property to the inputs of the
 * node's interrupt parent (the root interrupt controller drives the CPU's IRQ and FIQ).
 */
#include "core/board.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge/route.h"
#include "core/machine.h"
#include "jit/arm/cpu.h"

static const struct {
    const char *alias, *name;
} board_aliases[] = {
    {"xilinx-zynq-a9", "zynq-7000"},
};

static void arm_set_entry(bb_cpu *cpu, uint64_t entry)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    cpu->pc = (uint32_t)entry & ~1u;
    if (entry & 1)
        c->cpsr_ctl |= ARM_CPSR_T;
    else
        c->cpsr_ctl &= ~ARM_CPSR_T;
    arm_update_tb_flags(c);
}

static const bb_cpu_model cpu_models[] = {
    {"arm,arm926ej-s", arm926_cpu_new, arm_cpu_irq_input, arm_set_entry, 40},
    {"arm,cortex-a9", cortex_a9_cpu_new, arm_cpu_irq_input, arm_set_entry, 40},
};

const bb_cpu_model *bb_cpu_model_find(const char *compatible)
{
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++)
        if (strcmp(cpu_models[i].compatible, compatible) == 0) return &cpu_models[i];
    return NULL;
}

const char *bb_board_model(const bb_builtin_board *board)
{
    const char *model = fdt_getprop(board->dtb, 0, "model", NULL);
    return model ? model : board->name;
}

static void *copy_blob(const void *blob, size_t size)
{
    void *copy = malloc(size);
    if (copy) memcpy(copy, blob, size);
    return copy;
}

static void *read_file(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "board file '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
        if (len == cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) snprintf(err, errlen, "board file '%s': out of memory", path);
    *size = len;
    return buf;
}

/* Runs dtc on a .dts file; the blob goes to a temporary file that is read back. */
static void *compile_dts(const char *path, char *err, size_t errlen)
{
    char out_path[] = "/tmp/brassboard-dtb-XXXXXX";
    int fd = mkstemp(out_path);
    int pipefd[2];
    if (fd < 0 || pipe(pipefd) != 0) {
        snprintf(err, errlen, "board file '%s': cannot create a temporary file", path);
        if (fd >= 0) close(fd), unlink(out_path);
        return NULL;
    }
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 2);
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out_path, path, (char *)NULL);
        fprintf(stderr, "cannot run dtc: %s", strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    char msg[512] = "";
    size_t used = 0;
    ssize_t got;
    while ((got = read(pipefd[0], msg + used, sizeof(msg) - 1 - used)) > 0)
        used += (size_t)got;
    msg[used] = 0;
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *nl = strchr(msg, '\n');
        if (nl) *nl = 0;
        snprintf(err, errlen, "board file '%s': not a valid device tree source: %s", path,
                 msg[0] ? msg : "dtc failed");
        unlink(out_path);
        return NULL;
    }
    size_t size;
    void *blob = read_file(out_path, &size, err, errlen);
    unlink(out_path);
    return blob;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

void *bb_board_load_fdt(const char *board, char *err, size_t errlen)
{
    const char *name = board;
    for (size_t i = 0; i < sizeof(board_aliases) / sizeof(board_aliases[0]); i++)
        if (strcmp(board_aliases[i].alias, board) == 0) name = board_aliases[i].name;
    for (int i = 0; bb_builtin_boards[i].name; i++)
        if (strcmp(bb_builtin_boards[i].name, name) == 0)
            return copy_blob(bb_builtin_boards[i].dtb, bb_builtin_boards[i].size);
    void *blob;
    if (ends_with(board, ".dts")) {
        blob = compile_dts(board, err, errlen);
    } else if (ends_with(board, ".dtb")) {
        size_t size;
        blob = read_file(board, &size, err, errlen);
        if (blob && (size < sizeof(struct fdt_header) || fdt_totalsize(blob) > size)) {
            snprintf(err, errlen, "board file '%s': truncated device tree blob", board);
            free(blob);
            return NULL;
        }
    } else {
        snprintf(err, errlen, "unknown board '%s' (see `brassboard boards`, or give a .dts file)",
                 board);
        return NULL;
    }
    if (!blob) return NULL;
    int rc = fdt_check_header(blob);
    if (rc != 0) {
        snprintf(err, errlen, "board file '%s': bad device tree: %s", board, fdt_strerror(rc));
        free(blob);
        return NULL;
    }
    return blob;
}

int bb_board_console_index(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", NULL) : NULL;
    if (!path) return 0;
    char alias[64];
    snprintf(alias, sizeof(alias), "%s", path);
    char *colon = strchr(alias, ':');
    if (colon) *colon = 0;
    if (strncmp(alias, "serial", 6) == 0 && alias[6] >= '0' && alias[6] <= '9')
        return atoi(alias + 6);
    /* A full path: find which serialN alias names it. */
    int aliases = fdt_path_offset(fdt, "/aliases");
    for (int i = 0; aliases >= 0 && i < BB_MAX_SERIALS; i++) {
        char prop[16];
        snprintf(prop, sizeof(prop), "serial%d", i);
        const char *target = fdt_getprop(fdt, aliases, prop, NULL);
        if (target && strcmp(target, alias) == 0) return i;
    }
    return 0;
}

/* The serialN alias index naming this node, or -1. */
static int serial_index_of(const void *fdt, int node)
{
    char path[256];
    if (fdt_get_path(fdt, node, path, sizeof(path)) != 0) return -1;
    int aliases = fdt_path_offset(fdt, "/aliases");
    if (aliases < 0) return -1;
    for (int i = 0; i < BB_MAX_SERIALS; i++) {
        char prop[16];
        snprintf(prop, sizeof(prop), "serial%d", i);
        const char *target = fdt_getprop(fdt, aliases, prop, NULL);
        if (!target) continue;
        int t = target[0] == '/' ? fdt_path_offset(fdt, target) : -1;
        if (t == node) return i;
    }
    return -1;
}

static uint64_t read_cells(const fdt32_t *cells, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 32) | fdt32_to_cpu(cells[i]);
    return v;
}

/* Reads the node's reg property into base/size pairs (addresses as the parent bus sees
 * them, plus `offset` from enclosing simple-bus ranges). */
static int read_regs(const void *fdt, int node, uint64_t offset, uint64_t *base, uint64_t *size,
                     int max)
{
    int parent = fdt_parent_offset(fdt, node);
    int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
    int len = 0;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2) return 0;
    int stride = ac + sc, n = len / (4 * stride);
    if (n > max) n = max;
    for (int i = 0; i < n; i++) {
        base[i] = read_cells(reg + i * stride, ac) + offset;
        size[i] = sc ? read_cells(reg + i * stride + ac, sc) : 0;
    }
    return n;
}

typedef struct built_node {
    int node;
    bb_device *dev;
} built_node;

typedef struct build_state {
    bb_machine *m;
    built_node *nodes;
    int n_nodes, cap;
    char *err;
    size_t errlen;
} build_state;

static bool remember_node(build_state *bs, int node, bb_device *dev)
{
    if (bs->n_nodes == bs->cap) {
        int cap = bs->cap ? bs->cap * 2 : 32;
        built_node *grown = realloc(bs->nodes, sizeof(*grown) * (size_t)cap);
        if (!grown) return false;
        bs->nodes = grown;
        bs->cap = cap;
    }
    bs->nodes[bs->n_nodes].node = node;
    bs->nodes[bs->n_nodes].dev = dev;
    bs->n_nodes++;
    return true;
}

static bb_device *device_of_node(const build_state *bs, int node)
{
    for (int i = 0; i < bs->n_nodes; i++)
        if (bs->nodes[i].node == node) return bs->nodes[i].dev;
    return NULL;
}

/* A logged region standing in for a node with registers but no model. */
typedef struct unimplemented {
    char name[64];
    bb_log *log;
} unimplemented;

static uint64_t unimp_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    unimplemented *u = opaque;
    if (!attrs.debug)
        bb_log_printf(u->log, BB_LOG_UNIMP,
                      "unimplemented device '%s': read of %u bytes at +0x%llx", u->name, size,
                      (unsigned long long)offset);
    return 0;
}

static void unimp_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    unimplemented *u = opaque;
    if (!attrs.debug)
        bb_log_printf(u->log, BB_LOG_UNIMP,
                      "unimplemented device '%s': write of %u bytes at +0x%llx (0x%llx)", u->name,
                      size, (unsigned long long)offset, (unsigned long long)value);
}

static const bb_mmio_ops unimp_ops = {.read = unimp_read, .write = unimp_write};

static void unimp_destroy(bb_device *dev)
{
    free(dev);
}

static const char *const unimp_compatible[] = {NULL};
static const bb_device_model unimp_model = {"unimplemented", "logged region without a model",
                                            unimp_compatible, NULL};

static bool add_unimplemented(build_state *bs, int node, const bb_device_config *cfg)
{
    struct {
        bb_device dev;
        unimplemented u;
    } *holder = calloc(1, sizeof(*holder));
    if (!holder) return false;
    bb_device_init(&holder->dev, &unimp_model, bs->m, cfg->name, 0, 0, NULL, NULL);
    holder->dev.destroy = unimp_destroy;
    snprintf(holder->u.name, sizeof(holder->u.name), "%s", cfg->name);
    holder->u.log = &bs->m->log;
    for (int i = 0; i < cfg->n_regs; i++)
        if (cfg->reg_size[i])
            bb_bus_add_mmio(bs->m->bus, cfg->name, cfg->reg_base[i], cfg->reg_size[i], &unimp_ops,
                            &holder->u);
    holder->dev.next = bs->m->devices;
    bs->m->devices = &holder->dev;
    return remember_node(bs, node, NULL);
}

/* A node routed by the bridge: `brassboard,route = "serialice:/dev/ttyUSB0?baud=115200"`
 * sends each of its reg ranges to that transport instead of creating its model. */
static bool add_routed_node(build_state *bs, int node, const bb_device_config *cfg, const char *uri)
{
    if (cfg->n_regs == 0) {
        snprintf(bs->err, bs->errlen, "board node '%s': brassboard,route needs a reg property",
                 cfg->name);
        return false;
    }
    for (int i = 0; i < cfg->n_regs; i++) {
        char spec[512], why[768];
        snprintf(spec, sizeof(spec), "0x%llx+0x%llx=%s", (unsigned long long)cfg->reg_base[i],
                 (unsigned long long)cfg->reg_size[i], uri);
        if (!bb_route_add(bs->m, spec, why, sizeof(why))) {
            snprintf(bs->err, bs->errlen, "board node '%s': brassboard,route: %s", cfg->name, why);
            return false;
        }
    }
    return remember_node(bs, node, NULL);
}

static bool node_enabled(const void *fdt, int node)
{
    const char *status = fdt_getprop(fdt, node, "status", NULL);
    return !status || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

static bool build_node(build_state *bs, int node, uint64_t offset);

static bool build_children(build_state *bs, int parent, uint64_t offset)
{
    int child;
    fdt_for_each_subnode(child, bs->m->fdt, parent)
    {
        if (!build_node(bs, child, offset)) return false;
    }
    return true;
}

static bool build_node(build_state *bs, int node, uint64_t offset)
{
    const void *fdt = bs->m->fdt;
    const char *name = fdt_get_name(fdt, node, NULL);
    const char *type = fdt_getprop(fdt, node, "device_type", NULL);
    if (!name || !node_enabled(fdt, node)) return true;
    if (strcmp(name, "cpus") == 0 || strcmp(name, "chosen") == 0 || strcmp(name, "aliases") == 0)
        return true;
    if (type && strcmp(type, "memory") == 0) return true; /* done before */
    int clen = 0;
    const char *compat = fdt_getprop(fdt, node, "compatible", &clen);
    if (compat && fdt_stringlist_contains(compat, clen, "simple-bus")) {
        /* Identity ranges (empty) or a single translation. */
        int rlen = 0;
        const fdt32_t *ranges = fdt_getprop(fdt, node, "ranges", &rlen);
        uint64_t sub = offset;
        if (ranges && rlen >= 12) {
            int ac = fdt_address_cells(fdt, node),
                pac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
            sub = offset + read_cells(ranges + ac, pac) - read_cells(ranges, ac);
        }
        return build_children(bs, node, sub);
    }
    bb_device_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.name = name;
    cfg.fdt = fdt;
    cfg.node = node;
    cfg.n_regs = read_regs(fdt, node, offset, cfg.reg_base, cfg.reg_size, BB_DEVICE_MAX_REGS);
    cfg.serial_index = serial_index_of(fdt, node);
    const char *route = fdt_getprop(fdt, node, "brassboard,route", NULL);
    if (route) return add_routed_node(bs, node, &cfg, route);
    const bb_device_model *model = NULL;
    for (int pos = 0; compat && pos < clen && !model; pos += (int)strlen(compat + pos) + 1)
        model = bb_device_find_model(compat + pos);
    if (model) {
        char err[256] = "";
        bb_device *dev = model->create(bs->m, &cfg, err, sizeof(err));
        if (!dev) {
            snprintf(bs->err, bs->errlen, "board node '%s' (%s): %s", name, model->name,
                     err[0] ? err : "cannot create the device");
            return false;
        }
        dev->next = bs->m->devices;
        bs->m->devices = dev;
        /* Known at once, so that routes placed later in the tree can use its inputs. */
        if (!bs->m->root_irq_controller && dev->n_irq_in > 0 &&
            fdt_getprop(fdt, node, "interrupt-controller", NULL) &&
            !fdt_getprop(fdt, node, "interrupts", NULL))
            bs->m->root_irq_controller = dev;
        return remember_node(bs, node, dev);
    }
    if (cfg.n_regs > 0) return add_unimplemented(bs, node, &cfg);
    return build_children(bs, node, offset);
}

static bool build_memory(bb_machine *m, uint64_t size_override, char *err, size_t errlen)
{
    int node;
    bool first = true;
    fdt_for_each_subnode(node, m->fdt, 0)
    {
        const char *type = fdt_getprop(m->fdt, node, "device_type", NULL);
        if (!type || strcmp(type, "memory") != 0) continue;
        uint64_t base[4], size[4];
        int n = read_regs(m->fdt, node, 0, base, size, 4);
        for (int i = 0; i < n; i++) {
            if (first && size_override) size[i] = size_override;
            char name[32];
            snprintf(name, sizeof(name), "ram%d", i);
            if (!bb_bus_add_ram(m->bus, name, base[i], size[i])) {
                snprintf(err, errlen, "board '%s': memory at 0x%llx (size 0x%llx) cannot be added",
                         m->board_name, (unsigned long long)base[i], (unsigned long long)size[i]);
                return false;
            }
            if (first) m->ram_base = base[i], m->ram_size = size[i];
            first = false;
        }
    }
    if (first) {
        snprintf(err, errlen, "board '%s': no memory node", m->board_name);
        return false;
    }
    return true;
}

static bool build_cpus(bb_machine *m, char *err, size_t errlen)
{
    int cpus = fdt_path_offset(m->fdt, "/cpus");
    int node;
    if (cpus >= 0) {
        fdt_for_each_subnode(node, m->fdt, cpus)
        {
            const char *compat = fdt_getprop(m->fdt, node, "compatible", NULL);
            if (!compat || m->n_cpus == BB_MAX_CPUS) continue;
            const bb_cpu_model *model = bb_cpu_model_find(compat);
            if (!model) {
                snprintf(err, errlen, "board '%s': CPU '%s' is not supported", m->board_name,
                         compat);
                return false;
            }
            bb_cpu *cpu = model->create(m, m->n_cpus);
            if (!cpu) {
                snprintf(err, errlen, "board '%s': cannot create CPU %d", m->board_name, m->n_cpus);
                return false;
            }
            m->cpu_model = model;
            m->cpus[m->n_cpus++] = cpu;
        }
    }
    if (m->n_cpus == 0) {
        snprintf(err, errlen, "board '%s': no supported CPU in /cpus", m->board_name);
        return false;
    }
    return true;
}

/* The phandle of the node's interrupt parent (inherited from ancestors). */
static int interrupt_parent_of(const void *fdt, int node)
{
    for (int n = node; n >= 0; n = fdt_parent_offset(fdt, n)) {
        const fdt32_t *p = fdt_getprop(fdt, n, "interrupt-parent", NULL);
        if (p) return fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p));
        if (n == 0) break;
    }
    return -1;
}

static bool wire_interrupts(build_state *bs)
{
    bb_machine *m = bs->m;
    const void *fdt = m->fdt;
    for (int i = 0; i < bs->n_nodes; i++) {
        bb_device *dev = bs->nodes[i].dev;
        int node = bs->nodes[i].node;
        if (!dev) continue;
        int len = 0;
        const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
        bool controller = fdt_getprop(fdt, node, "interrupt-controller", NULL) != NULL;
        if (!irqs) {
            /* The root interrupt controller drives CPU 0's IRQ and FIQ. */
            if (controller && m->cpu_model) {
                if (!m->root_irq_controller) m->root_irq_controller = dev;
                for (int k = 0; k < dev->n_irq_out && k < 2; k++)
                    dev->irq_out[k] = m->cpu_model->irq_input(m->cpus[0], k);
            }
            continue;
        }
        int parent = interrupt_parent_of(fdt, controller ? fdt_parent_offset(fdt, node) : node);
        if (controller) {
            const fdt32_t *p = fdt_getprop(fdt, node, "interrupt-parent", NULL);
            if (p) parent = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p));
        }
        bb_device *pdev = parent >= 0 ? device_of_node(bs, parent) : NULL;
        if (!pdev) {
            snprintf(bs->err, bs->errlen, "board node '%s': interrupt parent has no model",
                     dev->name);
            return false;
        }
        const fdt32_t *cells_prop = fdt_getprop(fdt, parent, "#interrupt-cells", NULL);
        int cells = cells_prop ? (int)fdt32_to_cpu(*cells_prop) : 1;
        if (cells < 1) cells = 1;
        int n = len / (4 * cells);
        for (int k = 0; k < n && k < dev->n_irq_out; k++) {
            const fdt32_t *spec = irqs + k * cells;
            int input = (int)fdt32_to_cpu(spec[0]);
            if (cells == 3) /* GIC: type (0 SPI, 1 PPI), number, flags */
                input = (fdt32_to_cpu(spec[0]) == 0 ? 32 : 16) + (int)fdt32_to_cpu(spec[1]);
            if (input < 0 || input >= pdev->n_irq_in) {
                snprintf(bs->err, bs->errlen, "board node '%s': interrupt %d out of range for '%s'",
                         dev->name, input, pdev->name);
                return false;
            }
            dev->irq_out[k] = pdev->irq_in[input];
        }
    }
    return true;
}

bool bb_board_build(bb_machine *m, char *err, size_t errlen)
{
    /* m->ram_size, when already set, overrides the size of the first memory node. */
    if (!build_memory(m, m->ram_size, err, errlen) || !build_cpus(m, err, errlen)) return false;
    build_state bs = {m, NULL, 0, 0, err, errlen};
    bool ok = build_children(&bs, 0, 0) && wire_interrupts(&bs);
    free(bs.nodes);
    return ok;
}
