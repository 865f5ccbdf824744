-- peripheral.lua: peripherals written in Lua (squarer.lua) that firmware drives
-- (fw/periph.c), interrupts included: placed from the script and from a board DTS.
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")
local jit = arg.jit or "native"
local image = fw .. "/periph-arm.elf"
local board = bb.script_dir .. "/lua_board.dts"

local expected = "device id 0x4c554121\n7 squared is 49\n14 squared is 196\n" ..
                 "21 squared is 441\n28 squared is 784\n35 squared is 1225\ninterrupts 5\n"

local function place_squarer(m)
    return m:add_device{name = "squarer", base = 0x101f5000, size = 0x1000, irqs = {19},
                        model = bb.script_dir .. "/squarer.lua"}
end

bb.test("a Lua peripheral placed by the script raises interrupts the firmware handles",
        function()
    local m = bb.machine{image = image, jit = jit}
    local dev = place_squarer(m)
    local irqs = 0
    m:on_interrupt(function() irqs = irqs + 1 end)
    local why, code = m:run()
    bb.check_eq(why, "exit")
    bb.check_eq(code, 0)
    bb.check_eq(m:uart(0):output(), expected)
    bb.check_eq(dev.starts, 5)
    bb.check_eq(irqs, 5)
    bb.check_eq(m:device("squarer"), dev)
    bb.check_eq(dev.base, 0x101f5000)
    -- A debug read reaches the model with debug = true.
    bb.check_eq(m.phys:read32(0x101f5000), 0x4c554121)
end)

bb.test("a Lua peripheral placed by a board DTS node", function()
    local m = bb.machine{board = board, image = image, jit = jit}
    local why, code = m:run()
    bb.check_eq(why, "exit")
    bb.check_eq(code, 0)
    bb.check_eq(m:uart(0):output(), expected)
    bb.check_eq(m.phys:read32(0x101f5000), 0x4c554121)
end)

bb.test("handlers given inline, and the device's own fields", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf", jit = jit}
    local dev = m:add_device{
        base = 0x101f8000, size = 0x100,
        read = function(dev, offset, size, debug)
            if not debug then dev.reads = (dev.reads or 0) + 1 end
            return 1999 -- the sensor of fw/hooks.c, in hundredths of a degree
        end,
    }
    bb.check_eq(dev.name, "lua@101f8000")
    bb.check_eq(m:run(), "exit")
    bb.check_match(m:uart(0):output(), "temperature 19.99 C\n")
    bb.check_eq(dev.reads, 1)
    bb.check_error(function() m:add_device{base = 0x101f8000, read = function() end} end,
                   "overlaps")
end)

bb.test("an error in a model fails the run with its file and line", function()
    local m = bb.machine{image = image, jit = jit}
    m:add_device{base = 0x101f5000, irqs = {19},
                 read = function() error("the model is broken") end}
    bb.check_error(function() m:run() end, "peripheral.lua:%d+: the model is broken")
end)

bb.test("a model's state is part of snapshots", function()
    local m = bb.machine{image = image, jit = jit}
    local dev = place_squarer(m)
    local u = m:uart(0)
    u:expect("14 squared is 196\n")
    local snap = m:snapshot()
    local starts = dev.starts
    bb.check_eq(m:run(), "exit")
    local first = u:output()
    m:restore(snap)
    bb.check_eq(dev.starts, starts)
    u:clear()
    bb.check_eq(m:run(), "exit")
    bb.check_eq("device id 0x4c554121\n7 squared is 49\n14 squared is 196\n" .. u:output(), first)
end)

bb.test("DTS properties reach the model", function()
    local m = bb.machine{board = board, image = image, jit = jit}
    -- The DTS-placed model runs in a Lua state of its own: the script sees the bus only.
    bb.check_eq(m:device("squarer@101f5000"), nil)
    bb.check_eq(m.phys:read32(0x101f5014), #"hello from the DTS")
    bb.check_eq(m.phys:read32(0x101f5018), 19)
    local placed = bb.machine{image = image, jit = jit}
    place_squarer(placed)
    bb.check_eq(placed.phys:read32(0x101f5014), 0)
end)
