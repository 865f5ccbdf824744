/*
 * lua_filter.h: route filters written in Lua (bridge/route.h has the filter interface,
 * docs/bridge.md "Lua filters" the user's reference). The route layer opens the filter of a
 * route's filter=FILE.lua option here; scripts set filters with m:route_filter, which
 * lua_filter.c adds to the machine object.
 */
#ifndef BB_LUA_FILTER_H
#define BB_LUA_FILTER_H

#include <stddef.h>

#include "bridge/route.h"

/* Loads the filter script `path` (relative paths: from the working directory, else from
 * the board file's folder) in a Lua state of its own. Returns the filter and its ops, or
 * NULL with a message (naming file:line for errors in the script). */
void *bb_lua_filter_open(bb_machine *m, const char *path, const bb_route_filter_ops **ops,
                         char *err, size_t errlen);

#endif
