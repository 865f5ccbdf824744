-- runaway.lua: a hook that never returns (line 4).
bb.limits.script = 1000000
machine:on_read(0x101f8000, function()
    while true do end
end)
