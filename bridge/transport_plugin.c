/*
 * transport_plugin.c: transports that live in a shared object loaded on first use, so
 * that a run without them does not pay for loading their libraries (the SystemC kernel
 * and the C++ runtime cost a run that exits at once several milliseconds and megabytes).
 *
 * A program that links the transport in (the SystemC examples, the tests) gets it
 * directly; otherwise the plugin is searched in $BRASSBOARD_PLUGIN_DIR, next to the
 * executable, in ../lib/brassboard from it, and in the build tree.
 */
#include "bridge/transport_plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BB_PLUGIN_BUILD_DIR
#define BB_PLUGIN_BUILD_DIR ""
#endif

static const bb_transport_ops *try_library(const char *dir, const char *library, const char *symbol)
{
    char path[PATH_MAX];
    if (!dir || !*dir) return NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, library);
    void *handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!handle) return NULL;
    const bb_transport_ops *ops = dlsym(handle, symbol);
    if (!ops) dlclose(handle);
    return ops;
}

static const bb_transport_ops *load(const bb_transport_plugin *p, char *err, size_t errlen)
{
    /* Linked into this program? */
    const bb_transport_ops *ops = dlsym(RTLD_DEFAULT, p->symbol);
    if (ops) return ops;
    char exe_dir[PATH_MAX] = "", lib_dir[PATH_MAX + 32] = "";
    ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
    if (n > 0) {
        exe_dir[n] = 0;
        char *slash = strrchr(exe_dir, '/');
        if (slash) *slash = 0;
        snprintf(lib_dir, sizeof(lib_dir), "%s/../lib/brassboard", exe_dir);
    }
    const char *dirs[] = {getenv("BRASSBOARD_PLUGIN_DIR"), exe_dir, lib_dir, BB_PLUGIN_BUILD_DIR};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        ops = try_library(dirs[i], p->library, p->symbol);
        if (ops) return ops;
    }
    snprintf(err, errlen, "the %s transport is not available (%s not found: %s)", p->scheme,
             p->library, dlerror() ? "cannot load it" : "not installed");
    return NULL;
}

void *bb_transport_plugin_open(const bb_transport_plugin *p, bb_machine *m, const char *target,
                               uint64_t base, uint64_t size, const bb_route_options *opts,
                               char *err, size_t errlen)
{
    const bb_transport_ops *ops = load(p, err, errlen);
    if (!ops) return NULL;
    void *inner = ops->open(m, target, base, size, opts, err, errlen);
    if (!inner) return NULL;
    bb_transport_plugin_handle *h = malloc(sizeof(*h));
    if (!h) {
        ops->close(inner);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->ops = ops;
    h->inner = inner;
    return h;
}

int bb_transport_plugin_read(void *transport, uint64_t addr, unsigned size, uint64_t *value,
                             bb_attrs attrs, uint64_t *latency_ns)
{
    bb_transport_plugin_handle *h = transport;
    return h->ops->read(h->inner, addr, size, value, attrs, latency_ns);
}

int bb_transport_plugin_write(void *transport, uint64_t addr, uint64_t value, unsigned size,
                              bb_attrs attrs, uint64_t *latency_ns)
{
    bb_transport_plugin_handle *h = transport;
    return h->ops->write(h->inner, addr, value, size, attrs, latency_ns);
}

void bb_transport_plugin_close(void *transport)
{
    bb_transport_plugin_handle *h = transport;
    if (!h) return;
    h->ops->close(h->inner);
    free(h);
}
