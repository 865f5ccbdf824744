-- pl_accumulator.lua: the Zynq co-simulation example's PL peripheral as a Lua model (the
-- same peripheral as the SystemC model cosim/systemc/examples/pl_accumulator.cpp; the
-- firmware tests/firmware/zynq/pl_accumulator.c prints the same against both). Placed by
-- pl_lua.dts under &amba_pl at 0x43C00000, its output on IRQ_F2P[0] (GIC ID 61).
--
--   0x00 ID         read-only 0x41434331 ("ACC1")
--   0x04 CTRL       bit 0 IRQ_EN; writing bit 1 (CLEAR) zeroes SUM, COUNT and STATUS
--   0x08 DATA       write: SUM += value, COUNT += 1 (reads 0)
--   0x0C SUM        the 32-bit (wrapping) sum
--   0x10 COUNT      values added since the last clear
--   0x14 THRESHOLD  when not zero, an add that leaves SUM >= THRESHOLD sets STATUS.REACHED
--   0x18 STATUS     bit 0 REACHED; write 1 to clear
-- The interrupt is STATUS.REACHED and CTRL.IRQ_EN, updated at every register write.
local ID_VALUE = 0x41434331
local IRQ_EN, CLEAR, REACHED = 1, 2, 1

local function update_irq(dev)
    dev:irq((dev.status & REACHED) ~= 0 and (dev.ctrl & IRQ_EN) ~= 0)
end

local function clear(dev)
    dev.sum, dev.count, dev.status = 0, 0, 0
end

return {
    init = function(dev)
        dev.ctrl, dev.threshold = 0, 0
        clear(dev)
    end,

    reset = function(dev)
        dev.ctrl, dev.threshold = 0, 0
        clear(dev)
    end,

    read = function(dev, offset, size, debug)
        if offset == 0x00 then return ID_VALUE end
        if offset == 0x04 then return dev.ctrl end
        if offset == 0x0c then return dev.sum end
        if offset == 0x10 then return dev.count end
        if offset == 0x14 then return dev.threshold end
        if offset == 0x18 then return dev.status end
        return 0
    end,

    write = function(dev, offset, value, size)
        if offset == 0x04 then
            dev.ctrl = value & IRQ_EN
            if (value & CLEAR) ~= 0 then clear(dev) end
        elseif offset == 0x08 then
            dev.sum = (dev.sum + value) & 0xffffffff
            dev.count = dev.count + 1
            if dev.threshold ~= 0 and dev.sum >= dev.threshold then
                dev.status = dev.status | REACHED
            end
        elseif offset == 0x14 then
            dev.threshold = value
        elseif offset == 0x18 then
            dev.status = dev.status & ~value
        end
        update_irq(dev)
    end,

    save = function(dev)
        return string.pack("<I4I4I4I4I4", dev.ctrl, dev.sum, dev.count, dev.threshold, dev.status)
    end,

    restore = function(dev, state)
        dev.ctrl, dev.sum, dev.count, dev.threshold, dev.status = string.unpack("<I4I4I4I4I4", state)
    end,
}
