-- bench_hooks.lua: what Lua hooks cost (a benchmark to run by hand, not a CTest test).
--   brassboard test tests/lua/bench_hooks.lua -- image=build/bench/bench_arm.elf \
--       [hot=hash_find] [cold=trap_report] [runs=3]
-- Prints, as TAP comments: the plain run, the run with an exec hook on an address that
-- never executes (the slow-down must stay under 5%: only that address's block pays), and
-- runs with an exec hook on a hot function's entry and on every instruction of it (the
-- cost of a Lua hook call, and how many calls a second that makes).
local image = assert(arg.image, "give the benchmark firmware: -- image=build/bench/bench_arm.elf")
local hot = arg.hot or "hash_find"
local cold = arg.cold or "trap_report"
local runs = tonumber(arg.runs or "3")

bb.limits.insns = 0 -- the benchmark is long: no runaway guard

-- One run: CPU seconds and the hook calls it counted.
local function timed_run(setup)
    local m = bb.machine{image = image}
    local count = setup and setup(m) or function() return 0 end
    local start = os.clock()
    bb.check_eq(m:run(), "exit")
    local seconds = os.clock() - start
    m:close()
    return seconds, count()
end

local configs = {
    plain = nil,
    cold = function(m) m:on_exec(cold, function() end) end,
    hot = function(m)
        local n = 0
        m:on_exec(hot, function() n = n + 1 end)
        return function() return n end
    end,
    -- Every instruction of the hot function: the hooks' own cost dominates the run.
    every_insn = function(m)
        local n = 0
        m:on_exec(m:range(hot), function() n = n + 1 end)
        return function() return n end
    end,
}

bb.test("exec hook costs", function()
    -- The configurations take turns, run by run, so that the machine's load hits them alike.
    local best, calls = {}, {}
    for _ = 1, runs do
        for _, name in ipairs{"plain", "cold", "hot", "every_insn"} do
            local seconds, n = timed_run(configs[name])
            if not best[name] or seconds < best[name] then best[name] = seconds end
            calls[name] = n
        end
    end
    local plain, with_cold, with_hot = best.plain, best.cold, best.hot
    local slowdown = (with_cold / plain - 1) * 100
    bb.log(string.format("plain run:                 %.3f s", plain))
    bb.log(string.format("hook on a cold address:    %.3f s (%+.1f%%, bar: under 5%%)", with_cold,
                         slowdown))
    local function hot_line(what, seconds, n)
        bb.log(string.format("%s: %.3f s, %d hook calls, %.0f ns per call over the plain " ..
                             "run (%.1f M calls/s)", what, seconds, n,
                             (seconds - plain) / n * 1e9, n / (seconds - plain) / 1e6))
    end
    hot_line("hook on " .. hot .. "'s entry    ", with_hot, calls.hot)
    hot_line("hook on all of " .. hot .. "     ", best.every_insn, calls.every_insn)
    bb.check(slowdown < 5, "a hook on a cold address costs under 5%")
end)
