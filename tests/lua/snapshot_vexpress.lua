-- snapshot_vexpress.lua: snapshots of a Cortex-A9 on vexpress-a9 (fw/vx_snapshot.c: MMU on
-- with an ASID, user mode, VFP/NEON, IT blocks, LDREX/STREX, WFE, three timers through the
-- GIC, device registers, a LAN9118 frame in flight, an SD card read in progress). A run
-- restored from a snapshot taken anywhere continues exactly as the uninterrupted run: same
-- output, instruction count and virtual time; and right after a restore the CPU, memory
-- and every device register read back as they were when the snapshot was taken (although
-- the machine ran on to the end in between, leaving them all different).
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")
local jit = arg.jit or "native"
local image = fw .. "/vx_snapshot-thumb.elf"

-- The board has an SD card (vexpress_sd.dts): a read-only image of 1 MiB written here.
do
    local blocks = {}
    for block = 0, 2047 do
        local bytes = {}
        for i = 0, 511 do bytes[i + 1] = ((block * 512 + i) * 7 + block) & 255 end
        blocks[block + 1] = string.char(table.unpack(bytes))
    end
    local f = assert(io.open("vx_sd.img", "wb"))
    f:write(table.concat(blocks))
    f:close()
end

local function machine()
    -- The firmware uses the first 64 MiB of RAM: less to go through at each snapshot.
    return bb.machine{board = bb.script_dir .. "/vexpress_sd.dts", image = image, jit = jit,
                      memory = 64 << 20}
end

-- Device registers read with debug accesses (no side effects), by physical address.
local device_registers = {
    gicd_ctlr = 0x1e001000, gicd_enable0 = 0x1e001100, gicd_enable1 = 0x1e001104,
    gicd_pending0 = 0x1e001200, gicd_pending1 = 0x1e001204, gicd_active0 = 0x1e001300,
    gicd_active1 = 0x1e001304, gicd_prio28 = 0x1e00141c, gicd_prio32 = 0x1e001420,
    gicc_ctlr = 0x1e000100, gicc_pmr = 0x1e000104, gicc_rpr = 0x1e000114,
    gicc_hppir = 0x1e000118,
    twd_load = 0x1e000600, twd_counter = 0x1e000604, twd_control = 0x1e000608,
    twd_intstat = 0x1e00060c,
    gt_lo = 0x1e000200, gt_hi = 0x1e000204, gt_control = 0x1e000208, gt_intstat = 0x1e00020c,
    gt_compare = 0x1e000210, gt_autoinc = 0x1e000218,
    scu_control = 0x1e000000, l2c_aux = 0x1e00a104, l2c_prefetch = 0x1e00af60,
    sys_led = 0x10000008, sys_flags = 0x10000030, sys_24mhz = 0x1000005c,
    sp804_load = 0x10011000, sp804_value = 0x10011004, sp804_control = 0x10011008,
    sp804_ris = 0x10011010,
    mci_power = 0x10005000, mci_clock = 0x10005004, mci_mask0 = 0x1000503c,
    mci_status = 0x10005034, mci_datacnt = 0x10005030, mci_fifocnt = 0x10005048,
    mci_response0 = 0x10005014, mci_fifo = 0x10005080, sys_mci = 0x10000048,
    lan_rx_fifo = 0x4e00007c, lan_tx_fifo = 0x4e000080, lan_int_sts = 0x4e000058,
    lan_rx_status = 0x4e000044,
    uart_fr = 0x10009018, uart_cr = 0x10009030,
}

local function state(m)
    local devices = {}
    for name, address in pairs(device_registers) do devices[name] = m.phys:read32(address) end
    return {icount = m:icount(), now = m:now(), regs = m.regs(), devices = devices,
            ram = m.phys:read(0x60000000, 0x80000)}
end

-- The uninterrupted run.
local reference = {}
do
    local m = machine()
    bb.check_eq({m:run()}, {"exit", 0})
    reference.output, reference.icount, reference.now = m:uart(0):output(), m:icount(), m:now()
    m:close()
    bb.check_match(reference.output, "irqs: twd %d+, gt %d+, timer0 %d+, other 0")
    bb.check_match(reference.output, "sd: 512 words, 1a49cf00\n")
    bb.check_match(reference.output, "done\n$")
end

-- A machine that keeps track of the output of the guest's current history (the UART
-- capture is host-side: a restore does not take it back).
local function tracked()
    local t = {m = machine(), output = ""}
    t.u = t.m:uart(0)
    function t.run(bound)
        local why = t.m:run(bound)
        t.output = t.output .. t.u:output()
        t.u:clear()
        return why
    end
    return t
end

-- Takes a snapshot where `t` stands, runs to the end (which must agree with the reference),
-- restores, checks the state came back, and runs to the end again. Leaves the machine
-- restored to the snapshot.
local function check_continuation(t, where)
    local snap = t.m:snapshot()
    local at, output = state(t.m), t.output
    bb.check_eq(t.run(), "exit", where)
    bb.check_eq(t.output, reference.output, where .. ": output")
    bb.check_eq({t.m:icount(), t.m:now()}, {reference.icount, reference.now}, where .. ": end")
    t.m:restore(snap)
    t.output = output
    local seen = state(t.m)
    for _, part in ipairs{"regs", "devices"} do
        for name, value in pairs(at[part]) do
            bb.check_eq(seen[part][name], value, where .. ": " .. name .. " after the restore")
        end
    end
    bb.check_eq(seen, at, where .. ": state right after the restore")
    return snap
end

bb.test("snapshots anywhere continue identically", function()
    local t = tracked()
    local points, seed = {}, 12345
    for i = 1, 12 do
        seed = (seed * 1103515245 + 12345) % 2147483648
        points[i] = 1000 + seed % (reference.icount - 2000)
    end
    table.sort(points)
    for _, point in ipairs(points) do
        bb.check_eq(t.run{insns = point - t.m:icount()}, "insns")
        check_continuation(t, "at instruction " .. point)
    end
    bb.check_eq(t.run(), "exit")
    bb.check_eq(t.output, reference.output)
end)

bb.test("a timer interrupt pending across the snapshot is taken where it was", function()
    local t = tracked()
    local hook = t.m:on_exec("pending_point", function() return "stop" end)
    bb.check_eq(t.run(), "stop")
    hook:remove()
    -- IRQs masked (CPSR.I), the private timer's interrupt pending in the GIC.
    bb.check_eq(t.m.regs.cpsr & 0x80, 0x80, "CPSR.I")
    bb.check_eq(t.m.phys:read32(0x1e000118) & 0x3ff, 29, "GICC_HPPIR")
    local taken = {}
    t.m:on_interrupt(function(name, pc)
        if #taken < 2 then taken[#taken + 1] = {name, pc, t.m:icount()} end
    end)
    local snap = check_continuation(t, "pending interrupt")
    local first = taken
    bb.check_eq(#first, 2)
    taken = {}
    bb.check_eq(t.m.phys:read32(0x1e000118) & 0x3ff, 29, "GICC_HPPIR after the restore")
    bb.check_eq(t.run(), "exit")
    bb.check_eq(t.output, reference.output)
    bb.check_eq(taken, first, "the interrupts after the restore")
    t.m:restore(snap)
end)

bb.test("inside an IT block, with ITSTATE in the CPSR", function()
    local t = tracked()
    bb.check_eq(t.run{insns = reference.icount // 3}, "insns")
    local steps = 0
    while (t.m.regs.cpsr & 0x0600fc00) == 0 do
        steps = steps + 1
        bb.check(steps < 100000, "no IT block within 100000 instructions")
        bb.check_eq(t.run{insns = 1}, "insns")
    end
    local itstate = t.m.regs.cpsr & 0x0600fc00
    check_continuation(t, "in an IT block")
    bb.check_eq(t.m.regs.cpsr & 0x0600fc00, itstate, "ITSTATE after the restore")
    bb.check_eq(t.run(), "exit")
    bb.check_eq(t.output, reference.output)
end)

bb.test("asleep in WFE, and with the event register set", function()
    local t = tracked()
    local hook = t.m:on_exec("wfe_phase", function() return "stop" end)
    bb.check_eq(t.run(), "stop")
    hook:remove()
    -- Instruction by instruction through the SEV and the WFE that finds the event set.
    for i = 1, 12 do
        check_continuation(t, "instruction " .. i .. " of wfe_phase")
        bb.check_eq(t.run{insns = 1}, "insns")
    end
    local before = t.m:icount()
    bb.check_eq(t.run{time = "25us"}, "time")
    bb.check(t.m:icount() - before < 20000, "the CPU slept through most of 25 us")
    check_continuation(t, "in WFE")
    bb.check_eq(t.run(), "exit")
    bb.check_eq(t.output, reference.output)
end)
