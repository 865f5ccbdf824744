/*
 * machine.c: creating a machine from a board, loading images, and the machine run loop
 * (CPUs in turn, idle skipping to the next timer, stop conditions).
 */
#include "core/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/route.h"
#include "core/board.h"
#include "core/loader.h"
#include "core/semihosting.h"
#include "jit/cpu.h"
#include "jit/instrument.h"
#include "jit/tb.h"

static uint64_t machine_icount(void *opaque)
{
    bb_machine *m = opaque;
    return bb_machine_icount(m);
}

static void deadline_changed(void *opaque)
{
    bb_machine *m = opaque;
    if (m->running) bb_cpu_exit_request(m->running);
}

static void code_written(void *opaque, uint64_t addr, uint64_t len)
{
    bb_machine *m = opaque;
    if (m->jit) bb_tb_invalidate_phys(m->jit, addr, len);
}

static bool open_serials(bb_machine *m, const bb_machine_options *opts, char *err, size_t errlen)
{
    for (int i = 0; i < BB_MAX_SERIALS; i++) {
        const char *spec = opts->serial[i];
        if (!spec) spec = i == m->console_serial ? "stdio" : "null";
        char why[256];
        m->serial[i] = bb_chardev_open(spec, why, sizeof(why));
        if (!m->serial[i]) {
            snprintf(err, errlen, "--serial %d=%s: %s", i, spec, why);
            return false;
        }
    }
    return true;
}

bb_machine *bb_machine_new(const bb_machine_options *opts, char *err, size_t errlen)
{
    bb_machine *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->log.mask = opts->log_mask;
    m->log.out = stderr;
    m->semihosting = opts->semihosting;
    m->jit_kind = opts->jit;
    const char *board = opts->board ? opts->board : "versatilepb";
    snprintf(m->board_name, sizeof(m->board_name), "%s", board);
    m->fdt = bb_board_load_fdt(board, err, errlen);
    m->bus = bb_bus_new(&m->log);
    m->clock = bb_clock_new(opts->ns_per_insn ? opts->ns_per_insn : 1);
    if (!m->fdt || !m->bus || !m->clock) goto fail;
    if (opts->edit_fdt && !opts->edit_fdt(&m->fdt, opts->edit_opaque, err, errlen)) goto fail;
    bb_clock_set_source(m->clock, machine_icount, deadline_changed, m);
    m->console_serial = bb_board_console_index(m->fdt);
    if (!open_serials(m, opts, err, errlen)) goto fail;
    m->ram_size = opts->memory_size;
    if (!bb_board_build(m, err, errlen)) goto fail;
    m->jit = bb_jit_new(m, opts->jit);
    if (!m->jit) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (int i = 0; i < m->n_cpus; i++)
        m->cpus[i]->jit = m->jit;
    bb_bus_set_code_write_hook(m->bus, code_written, m);
    return m;
fail:
    bb_machine_free(m);
    return NULL;
}

void bb_machine_free(bb_machine *m)
{
    if (!m) return;
    bb_machine_flush(m);
    bb_routes_close(m); /* before the bus and devices: flushes posted writes */
    while (m->devices) {
        bb_device *dev = m->devices;
        m->devices = dev->next;
        if (dev->destroy) dev->destroy(dev);
    }
    for (int i = 0; i < m->n_cpus; i++) {
        bb_cpu *cpu = m->cpus[i];
        if (cpu->ops->destroy) cpu->ops->destroy(cpu);
    }
    m->n_cpus = 0;
    bb_jit_free(m->jit);
    bb_semihosting_free(m);
    bb_instrument_free(m);
    for (int i = 0; i < BB_MAX_SERIALS; i++)
        if (m->serial[i]) bb_chardev_close(m->serial[i]);
    if (m->bus) bb_bus_free(m->bus);
    if (m->clock) bb_clock_free(m->clock);
    free(m->fdt);
    free(m);
}

void bb_machine_reset(bb_machine *m)
{
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->reset) dev->reset(dev);
    for (int i = 0; i < m->n_cpus; i++) {
        m->cpus[i]->ops->reset(m->cpus[i]);
        bb_instrument_reset_cpu(m->cpus[i]);
    }
    m->stop_reason = BB_STOP_NONE;
    m->stop_requested = 0;
}

bool bb_machine_load_elf(bb_machine *m, const char *path, char *err, size_t errlen)
{
    bb_elf_info info;
    if (!bb_load_elf(m->bus, path, m->cpu_model->elf_machine, &info, err, errlen)) return false;
    m->cpu_model->set_entry(m->cpus[0], info.entry | (info.thumb_entry ? 1 : 0));
    if (info.high + 1 > m->image_end) m->image_end = info.high + 1;
    return true;
}

bool bb_machine_load_raw(bb_machine *m, const char *path, uint64_t addr, char *err, size_t errlen)
{
    uint64_t size;
    if (!bb_load_raw(m->bus, path, addr, &size, err, errlen)) return false;
    m->cpu_model->set_entry(m->cpus[0], addr);
    if (addr + size > m->image_end) m->image_end = addr + size;
    return true;
}

bb_device *bb_machine_find_device(bb_machine *m, const char *name)
{
    size_t len = strlen(name);
    for (bb_device *dev = m->devices; dev; dev = dev->next) {
        if (strcmp(dev->name, name) == 0) return dev;
        if (strncmp(dev->name, name, len) == 0 && dev->name[len] == '@') return dev;
    }
    return NULL;
}

bool bb_machine_irq_input(bb_machine *m, const char *controller, int input, bb_irq *out)
{
    bb_device *dev = controller ? bb_machine_find_device(m, controller) : m->root_irq_controller;
    if (!dev || input < 0 || input >= dev->n_irq_in) return false;
    *out = dev->irq_in[input];
    return true;
}

uint64_t bb_machine_icount(bb_machine *m)
{
    uint64_t total = 0;
    for (int i = 0; i < m->n_cpus; i++)
        total += bb_cpu_icount(m->cpus[i]);
    return total;
}

bb_chardev *bb_machine_serial(bb_machine *m, int index)
{
    return index >= 0 && index < BB_MAX_SERIALS ? m->serial[index] : NULL;
}

void bb_machine_flush(bb_machine *m)
{
    for (int i = 0; i < BB_MAX_SERIALS; i++)
        if (m->serial[i]) bb_chardev_flush(m->serial[i]);
    fflush(stdout);
    fflush(stderr);
}

void bb_machine_request_stop(bb_machine *m)
{
    m->stop_requested = 1;
}

void bb_machine_exit(bb_machine *m, int code)
{
    if (m->stop_reason == BB_STOP_NONE) {
        m->stop_reason = BB_STOP_EXIT;
        m->exit_code = code;
    }
    if (m->running) bb_cpu_exit_request(m->running);
}

static bool all_halted(bb_machine *m)
{
    for (int i = 0; i < m->n_cpus; i++)
        if (!m->cpus[i]->halted) return false;
    return true;
}

bb_stop_reason bb_machine_run(bb_machine *m, uint64_t max_insns)
{
    const uint64_t quantum = m->n_cpus > 1 ? 10000 : UINT64_MAX;
    uint64_t start = bb_machine_icount(m);
    m->stop_reason = BB_STOP_NONE;
    m->stop_requested = 0;
    while (m->stop_reason == BB_STOP_NONE) {
        if (m->stop_requested) {
            m->stop_reason = BB_STOP_REQUEST;
            break;
        }
        uint64_t done = bb_machine_icount(m) - start;
        if (max_insns && done >= max_insns) {
            m->stop_reason = BB_STOP_MAX_INSNS;
            break;
        }
        uint64_t left = max_insns ? max_insns - done : UINT64_MAX;
        for (int i = 0; i < m->n_cpus && m->stop_reason == BB_STOP_NONE; i++)
            bb_cpu_run_quantum(m->cpus[i], left, quantum);
        if (m->stop_reason == BB_STOP_NONE && all_halted(m)) {
            /* A CPU may have raised an interrupt for another one before halting itself
             * (an SGI, then WFI): that wakes the other CPU without any timer. */
            for (int i = 0; i < m->n_cpus; i++)
                m->cpus[i]->ops->check_interrupts(m->cpus[i]);
            if (!all_halted(m)) continue;
            if (!bb_clock_skip_to_deadline(m->clock)) {
                m->stop_reason = BB_STOP_HALTED;
                break;
            }
            bb_clock_run_due(m->clock);
            for (int i = 0; i < m->n_cpus; i++)
                m->cpus[i]->ops->check_interrupts(m->cpus[i]);
        }
    }
    bb_machine_flush(m);
    return m->stop_reason;
}
