-- filter.lua: the Lua filter of the bridge tests (check_bridge.sh, scenarios filter*), on
-- the route 0x30000000+0x1000 of firmware/filter_routed.c to machine B.
local f = {}
local kept = 0 -- the model's register at 0x50

function f.pre(a)
    local o = a.offset
    if o == 0x10 and not a.write then
        return 0x1f11e500 -- answered here: B never sees it
    elseif o == 0x20 and a.write then
        a.value = a.value * 2 -- altered on its way to B
    elseif o == 0x30 then
        a.addr = a.addr + 4 -- moved
    elseif o == 0x40 then
        a.addr = 0x101f1000 -- A's own UART0 data register
        return "bus"
    elseif o == 0x50 then
        if a.write then
            kept = a.value
        else
            a.value = kept * 6
        end
        return "model"
    elseif o == 0x60 then
        a.addr, a.size = a.addr - 0x3c, 4 -- a word read of 0x24
    end
end

function f.post(a)
    if not a.write and a.offset == 0x24 then
        a.value = a.value + 0x1000 -- B's answer altered
    end
end

return f
