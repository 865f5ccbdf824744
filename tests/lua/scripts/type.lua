-- type.lua (brassboard run --script): types commands into the dialogue firmware, the
-- second one 1 ms of virtual time after the first.
local u = machine:uart(0)
u:send("add 20 22\r")
machine:after("1ms", function() u:send("quit\r") end)
