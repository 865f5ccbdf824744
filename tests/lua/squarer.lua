-- squarer.lua: a peripheral model written in Lua, used by the periph firmware (fw/periph.c)
-- both when a script places it (m:add_device{model = ".../squarer.lua"}) and when a board
-- DTS does (lua_board.dts: compatible = "brassboard,lua"). Writing 1 to CTRL starts a
-- computation that ends 10 us of virtual time later with an interrupt.
--   0x00 ID   0x04 OPERAND   0x08 CTRL   0x0c RESULT   0x10 STATUS (write 1: acknowledge)
--   0x14 the length of the node's brassboard,greeting, 0x18 its interrupt (0 when the
--   script placed the device: there is no node)
local model = {}

local ID = 0x4c554121

function model.init(dev)
    dev.operand, dev.result, dev.done, dev.starts = 0, 0, false, 0
    dev.greeting = dev:prop("brassboard,greeting") or ""
    dev.interrupt = dev:prop("interrupts") or 0
end

function model.reset(dev)
    model.init(dev)
end

function model.read(dev, offset, size, debug)
    if offset == 0x00 then return ID end
    if offset == 0x04 then return dev.operand end
    if offset == 0x0c then return dev.result end
    if offset == 0x10 then return dev.done and 1 or 0 end
    if offset == 0x14 then return #dev.greeting end
    if offset == 0x18 then return dev.interrupt end
    return 0
end

function model.write(dev, offset, value, size)
    if offset == 0x04 then
        dev.operand = value
    elseif offset == 0x08 and value & 1 == 1 then
        dev.starts = dev.starts + 1
        dev.machine:after("10us", function()
            dev.result = dev.operand * dev.operand
            dev.done = true
            dev:irq(true)
        end)
    elseif offset == 0x10 and value & 1 == 1 then
        dev.done = false
        dev:irq(false)
    end
end

-- Snapshots: the model's registers travel with the machine's state.
function model.save(dev)
    return string.pack("<I4I4BI4", dev.operand, dev.result, dev.done and 1 or 0, dev.starts)
end

function model.restore(dev, state)
    local done
    dev.operand, dev.result, done, dev.starts = string.unpack("<I4I4BI4", state)
    dev.done = done == 1
end

return model
