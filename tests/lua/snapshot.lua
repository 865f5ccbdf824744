-- snapshot.lua: a restored snapshot continues exactly as the first run did: the same
-- output, instruction count, virtual time, registers and memory, with timer interrupts
-- landing on the same instructions (fw/ticker.c).
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")
local jit = arg.jit or "native"
local ticker = fw .. "/ticker-arm.elf"

local function state(m)
    return {icount = m:icount(), now = m:now(), regs = m.regs(),
            ram = m.phys:read(0, 0x10000)}
end

bb.test("a restored run continues identically to its end", function()
    local m = bb.machine{image = ticker, jit = jit}
    local u = m:uart(0)
    u:expect("tick 10 ")
    local snap = m:snapshot()
    local at = state(m)
    local mark = #u:output()
    bb.check_eq({m:run()}, {"exit", 0})
    local first, after = u:output():sub(mark + 1), state(m)
    bb.check_match(first, "tick 35 hash %x+\ndone\n$")

    m:restore(snap)
    bb.check_eq(state(m), at, "state right after the restore")
    mark = #u:output()
    bb.check_eq({m:run()}, {"exit", 0})
    bb.check_eq(u:output():sub(mark + 1), first)
    bb.check_eq(state(m), after, "state at the end")
end)

bb.test("the same instruction count gives the same state", function()
    local m = bb.machine{image = ticker, jit = jit}
    bb.check_eq(m:run{insns = 150000}, "insns")
    local snap = m:snapshot()
    local samples = {}
    for i = 1, 5 do
        bb.check_eq(m:run{insns = 12345}, "insns")
        samples[i] = state(m)
    end
    m:restore(snap)
    for i = 1, 5 do
        m:run{insns = 12345}
        bb.check_eq(state(m), samples[i], "sample " .. i)
    end
end)

bb.test("a fresh machine agrees with the restored one", function()
    local a = bb.machine{image = ticker, jit = jit}
    a:run{insns = 200000}
    local snap = a:snapshot()
    a:run()
    local b = bb.machine{image = ticker, jit = jit}
    b:run()
    bb.check_eq(b:uart(0):output(), a:uart(0):output())
    bb.check_eq(b:icount(), a:icount())
    a:restore(snap)
    a:uart(0):clear()
    a:run()
    bb.check_eq(a:icount(), b:icount())
end)

bb.test("restore after the guest exited, and more than once", function()
    local m = bb.machine{image = ticker, jit = jit}
    local snap = m:snapshot() -- at the entry point
    bb.check_eq(m:run(), "exit")
    local icount = m:icount()
    bb.check_error(function() m:run() end, "has exited")
    for _ = 1, 2 do
        m:restore(snap)
        bb.check_eq(m:icount(), 0)
        bb.check_eq(m:run(), "exit")
        bb.check_eq(m:icount(), icount)
    end
end)

bb.test("script timers are restored with the machine", function()
    local m = bb.machine{image = ticker, jit = jit}
    local fired = {}
    m:after("3ms", function() fired[#fired + 1] = m:now() end)
    m:run{time = "1ms"}
    local snap = m:snapshot()
    m:run{time = "5ms"}
    m:restore(snap)
    m:run{time = "5ms"}
    bb.check_eq(fired, {3000000, 3000000})
end)

bb.test("a snapshot belongs to its machine", function()
    local a = bb.machine{image = ticker, jit = jit}
    local b = bb.machine{image = ticker, jit = jit}
    local snap = a:snapshot()
    bb.check_error(function() b:restore(snap) end, "another machine")
    bb.check(snap:size() > 0 and snap:size() < 1 << 20, "zero pages are not stored")
end)
