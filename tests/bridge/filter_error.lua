-- filter_error.lua: a filter that fails on some accesses (check_bridge.sh, scenario
-- filter-error, with firmware/filter_error.c): each failing access gets the route's default
-- and a message naming this file and the line; the others reach machine B.
local f = {}

function f.pre(a)
    if a.offset == 0x10 then
        local model = nil
        return model.value -- line 9: attempt to index a nil value
    elseif a.offset == 0x14 then
        return "sideways" -- not a place an access can go
    elseif a.offset == 0x18 then
        error("no model for 0x18")
    elseif a.offset == 0x20 and a.write then
        return a.value.x -- line 15: attempt to index a number value
    end
end

function f.post(a)
    if a.offset == 0x1c then
        a.value = "not a number"
    end
end

return f
