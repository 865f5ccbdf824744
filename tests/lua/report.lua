-- report.lua: a suite that fails on purpose, to check what the reports say
-- (check_report.py reads its TAP and JUnit output). Lines marked `@name` are where the
-- report must place each failure.
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")

bb.limits.script = 2000000 -- Lua instructions per test or callback: runaways end soon
bb.limits.insns = 3000000  -- guest instructions per run without a bound

bb.test("passes", function()
    bb.check_eq(1 + 1, 2)
end)

bb.test("failing check", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf"}
    m:run()
    local magic = m:uart(0):output():match("magic (%d+)")
    bb.check_eq(tonumber(magic), 4321, "magic") -- @failing-check
end)

bb.test("expect times out", function()
    local m = bb.machine{image = fw .. "/dialogue-arm.elf"}
    m:uart(0):expect("never printed", "2ms") -- @expect
end)

bb.test("lua error", function()
    local settings = nil
    return settings.speed -- @lua-error
end)

bb.test("runaway script", function()
    local n = 0
    while true do n = n + 1 end -- @runaway-script
end)

bb.test("runaway script in a hook", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf"}
    m:on_exec("work", function()
        while true do end -- @runaway-hook
    end)
    m:run()
end)

bb.test("error in a hook", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf"}
    m:on_read(0x101f8000, function() error("sensor unplugged") end) -- @hook-error
    m:run()
end)

bb.test("runaway guest", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf"}
    m.mem:write32("spin", 1)
    m:run() -- @runaway-guest
end)

bb.test("skipped", {skip = "needs the real board"}, function()
    error("not run")
end)

bb.test("skipped at run time", function()
    bb.skip("no probe attached")
end)

bb.group("a group", function()
    bb.test("inner passes", function()
        bb.log("a note for the report")
        bb.log("raw bytes \1\2\255 <&> end") -- not XML text: the JUnit writer escapes them
    end)
    bb.test("inner fails", function()
        bb.check(false, "inner check") -- @inner
    end)
end)

bb.test("passes after the failures", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf"}
    bb.check_eq(m:run(), "exit")
end)
