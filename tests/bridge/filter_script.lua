-- filter_script.lua: machine A's --script in the bridge's filter-script test: it adds the
-- route (its spec in the environment variable FILTER_ROUTE) and sets filter.lua's table as
-- the route's filter, the way a script sets filters on routes.
machine:add_route(os.getenv("FILTER_ROUTE"))
machine:route_filter(0x30000000, dofile(bb.script_dir .. "/filter.lua"))
