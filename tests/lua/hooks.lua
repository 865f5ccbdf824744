-- hooks.lua: watching and changing what firmware does (fw/hooks.c, ARM and Thumb builds):
-- memory pokes, execution hooks that count calls, stop, redirect; read hooks that fake a
-- sensor; write hooks that alter or veto; watchpoints; interrupt hooks and timers
-- (fw/ticker.c); the bound on a runaway guest.
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")
local jit = arg.jit or "native"

for _, isa in ipairs{"arm", "thumb"} do
    bb.group(isa, function()
        local image = fw .. "/hooks-" .. isa .. ".elf"

        local function machine()
            return bb.machine{image = image, jit = jit}
        end

        -- Runs the firmware to its end after setup(m); returns its output.
        local function run(setup)
            local m = machine()
            if setup then setup(m) end
            local why, code = m:run()
            bb.check_eq(why, "exit", "why the run ended")
            bb.check_eq(code, 0, "exit code")
            return m:uart(0):output(), m
        end

        bb.test("unchanged", function()
            local out = run()
            bb.check_eq(out, "magic 1234\nwork total 145\ntemperature 0.00 C\nled 0x5a\n" ..
                             "mailbox 7\nself test FAILED\n")
        end)

        bb.test("a memory poke changes the result", function()
            local out = run(function(m)
                m.mem:write32("magic", 4321)   -- virtual, through the MMU
                m.phys:write32("rounds", 3)    -- physical
            end)
            bb.check_match(out, "magic 4321\n")
            bb.check_match(out, "work total 12\n")
        end)

        bb.test("memory reads: bytes, words, strings, symbols", function()
            local m = machine()
            bb.check_eq(m.mem:read32("magic"), 1234)
            local addr, size = m:symbol("magic")
            bb.check_eq(size, 4)
            bb.check_eq(m.phys:read16(addr), 1234)
            bb.check_eq(m.phys:read(addr, 4), string.pack("<I4", 1234))
            m.mem:write(addr, "\1\0\0\0")
            bb.check_eq(m.mem:read8("magic"), 1)
            bb.check_eq((m:symbol_at(addr + 2)), "magic")
            bb.check_error(function() m.phys:read32(0xf0000000) end, "nothing is mapped")
        end)

        bb.test("an exec hook counts calls and reads arguments", function()
            local args = {}
            run(function(m)
                m:on_exec("work", function(pc)
                    bb.check_eq(pc, (m:symbol("work")))
                    args[#args + 1] = m.regs.r0
                end)
            end)
            bb.check_eq(args, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
        end)

        bb.test("a read hook fakes a sensor register", function()
            local reads = 0
            local out = run(function(m)
                m:on_read(0x101f8000, function(addr, size)
                    reads = reads + 1
                    bb.check_eq(size, 4)
                    return 2150 -- hundredths of a degree
                end)
            end)
            bb.check_match(out, "temperature 21.50 C\n")
            bb.check_eq(reads, 1)
        end)

        bb.test("a write hook alters a register write", function()
            local out = run(function(m)
                m:on_write(0x10000008, function(addr, size, value) return value ~ 0xff end)
            end)
            bb.check_match(out, "led 0xa5\n")
        end)

        bb.test("a write hook vetoes a write", function()
            local seen
            local out = run(function(m)
                m:on_write("mailbox", function(addr, size, value)
                    seen = value
                    return false
                end)
            end)
            bb.check_match(out, "mailbox 1\n")
            bb.check_eq(seen, 7)
        end)

        bb.test("an exec hook stubs a function out (redirect)", function()
            local out = run(function(m)
                m:on_exec("self_test", function()
                    m.regs.r0 = 1
                    m.regs.pc = m.regs.lr
                end)
            end)
            bb.check_match(out, "self test passed\n")
        end)

        bb.test("a hook stops the run before the instruction; the run resumes", function()
            local m = machine()
            local work = m:symbol("work")
            local hook = m:on_exec("work", function() return "stop" end)
            bb.check_eq(m:run(), "stop")
            bb.check_eq(m.regs.pc, work)
            local icount = m:icount()
            bb.check_eq(m:run(), "stop") -- the next call
            bb.check(m:icount() > icount, "the stopped instruction ran on resuming")
            hook:remove()
            bb.check(not hook:active())
            bb.check_eq(m:run(), "exit")
        end)

        bb.test("a watchpoint stops after the write", function()
            local m = machine()
            m:on_write("mailbox", function() return "stop" end)
            bb.check_eq(m:run(), "stop")
            bb.check_eq(m.mem:read32("mailbox"), 7)
            bb.check_eq(m:run(), "exit")
        end)

        bb.test("run_until an address and a condition", function()
            local m = machine()
            bb.check_eq(m:run_until("self_test"), true)
            bb.check_eq(m.regs.pc, (m:symbol("self_test")))
            m:reset()
            m:uart(0):clear()
            local function led_shown() return m:uart(0):output():find("led 0x5a\n") end
            bb.check_eq(m:run_until(led_shown, {poll = 100}), true)
            bb.check_eq(m:exit_code(), nil, "the guest runs on")
        end)
    end)
end

bb.test("interrupt hooks see the timer interrupts", function()
    local m = bb.machine{image = fw .. "/ticker-arm.elf", jit = jit}
    local irqs, others = 0, {}
    m:on_interrupt(function(name, pc)
        if name == "irq" then irqs = irqs + 1 end
    end)
    m:on_exception(function(name) others[name] = (others[name] or 0) + 1 end)
    bb.check_eq(m:run(), "exit")
    bb.check(irqs >= 40 and irqs <= 41, "40 ticks (one more may land before the end)")
    bb.check_eq(others, {irq = irqs}) -- semihosting calls are not exceptions
end)

bb.test("timers on virtual time", function()
    local m = bb.machine{image = fw .. "/ticker-arm.elf", jit = jit}
    local once, every = nil, {}
    m:after("1ms", function() once = m:now() end)
    local t = m:every("500us", function()
        every[#every + 1] = m:now()
        if #every == 4 then return end
    end)
    bb.check_eq(m:run{time = "2200us"}, "time")
    bb.check_eq(m:now(), 2200000)
    bb.check_eq(once, 1000000)
    bb.check_eq(every, {500000, 1000000, 1500000, 2000000})
    t:cancel()
    bb.check_eq(m:run{time = "1ms"}, "time")
    bb.check_eq(#every, 4)
    bb.check_eq(m:run{insns = 1000}, "insns")
end)

bb.test("a runaway guest is bounded", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf", jit = jit}
    m.mem:write32("spin", 1)
    bb.check_eq(m:run{insns = 100000}, "insns")
    local limit = bb.limits.insns
    bb.limits.insns = 2000000
    local err = bb.check_error(function() m:run() end, "runaway guest")
    bb.limits.insns = limit
    bb.check_match(err, "hooks.lua:%d+:")
end)
