-- filter_b_device.lua: machine B's --script in the filter tests: a Lua device at
-- 0x30000000 (memory that reads 0 until written, and an ID register at 0x10 and 0x14)
-- that prints every access it gets on stderr, so the test sees what reached B.
local bytes = {}

local function log(kind, offset, size, value)
    io.stderr:write(string.format("b-device %s%d 0x%03x 0x%x\n", kind, size, offset, value))
end

machine:add_device{
    name = "filter-target",
    base = 0x30000000,
    size = 0x1000,
    read = function(dev, offset, size, debug)
        local v = 0
        if offset == 0x10 or offset == 0x14 then
            v = 0xb0b0b0b0
        else
            for i = size - 1, 0, -1 do
                v = (v << 8) | (bytes[offset + i] or 0)
            end
        end
        if not debug then log("R", offset, size, v) end
        return v
    end,
    write = function(dev, offset, value, size)
        for i = 0, size - 1 do
            bytes[offset + i] = (value >> (8 * i)) & 0xff
        end
        log("W", offset, size, value)
    end,
}
