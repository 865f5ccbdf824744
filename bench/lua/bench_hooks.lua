-- bench_hooks.lua: what Lua hooks cost (issue 6's figures; run by hand, not a CTest test).
--   brassboard test bench/lua/bench_hooks.lua -- image=BUILD/bench/bench_arm.elf \
--       [hot=hash_find] [cold=trap_report] [runs=3] [every=1]
-- (bench/lua/run.sh BUILD does that.) Prints Markdown as TAP comments: the plain run of
-- the benchmark firmware; the run with an exec hook on an address that never executes
-- (the slow-down must stay under 5%: only that address's block pays); and runs with an
-- exec hook on a hot function's entry and on every instruction of it (the cost of one Lua
-- hook call, and how many calls a second that makes). CPU time of the process (os.clock),
-- best of `runs`; the configurations take turns run by run. every=0 leaves out the (long)
-- run with a hook on every instruction of the hot function.
local image = assert(arg.image, "give the benchmark firmware: -- image=BUILD/bench/bench_arm.elf")
local hot = arg.hot or "hash_find"
local cold = arg.cold or "trap_report"
local runs = tonumber(arg.runs or "3")
local every = arg.every ~= "0"

bb.limits.insns = 0 -- the benchmark is long: no runaway guard

-- One run: CPU seconds, the hook calls it counted, the instructions it retired.
local function timed_run(setup)
    local m = bb.machine{image = image}
    local count = setup and setup(m) or function() return 0 end
    local start = os.clock()
    bb.check_eq({m:run()}, {"exit", 0})
    local seconds = os.clock() - start
    local insns = m:icount()
    m:close()
    return seconds, count(), insns
end

local order = {"plain", "cold", "hot", every and "every_insn" or nil}
local configs = {
    plain = nil,
    cold = function(m)
        local n = 0
        m:on_exec(cold, function() n = n + 1 end)
        return function() return n end
    end,
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
local titles = {
    plain = "plain run",
    cold = "exec hook on " .. cold .. " (never runs)",
    hot = "exec hook on " .. hot .. "'s entry",
    every_insn = "exec hook on every instruction of " .. hot,
}

bb.test("exec hook costs", function()
    local all, calls, insns = {}, {}, nil
    for _ = 1, runs do
        for _, name in ipairs(order) do
            local seconds, n, retired = timed_run(configs[name])
            all[name] = all[name] or {}
            table.insert(all[name], seconds)
            calls[name] = n
            insns = insns or retired
            bb.check_eq(retired, insns, "hooks do not change what the guest does")
        end
    end
    local best = {}
    for _, name in ipairs(order) do
        best[name] = math.min(table.unpack(all[name]))
    end
    local plain = best.plain
    bb.log(string.format("%s, %d guest instructions, CPU seconds, best of %d", image, insns,
                         runs))
    bb.log("")
    bb.log("| run | best s | vs plain | hook calls | ns per call | M calls/s | runs |")
    bb.log("|---|---:|---:|---:|---:|---:|---|")
    for _, name in ipairs(order) do
        local seconds, n = best[name], calls[name]
        local per_call, rate = "-", "-"
        if n > 0 then
            per_call = string.format("%.0f", (seconds - plain) / n * 1e9)
            rate = string.format("%.2f", n / (seconds - plain) / 1e6)
        end
        local each = {}
        for i, s in ipairs(all[name]) do each[i] = string.format("%.3f", s) end
        bb.log(string.format("| %s | %.3f | %+.1f%% | %d | %s | %s | %s |", titles[name], seconds,
                             (seconds / plain - 1) * 100, n, per_call, rate,
                             table.concat(each, ", ")))
    end
    bb.check_eq(calls.cold, 0, "the cold address never runs")
    bb.check(calls.hot > 0, "the hot function runs")
    local slowdown = (best.cold / plain - 1) * 100
    bb.log("")
    bb.log(string.format("A hook on a cold address costs %+.1f%% (bar: under 5%%).", slowdown))
    bb.check(slowdown < 5, "a hook on a cold address costs under 5%")
end)
