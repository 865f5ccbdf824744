-- drive.lua (brassboard run --script): runs the guest itself, with checks on the way.
local u = machine:uart(0)
u:expect("dialogue ready")
u:send("name\r")
u:expect("brassboard")
u:send("quit\r")
local why, code = machine:run()
assert(why == "exit" and code == 0)
io.stderr:write("driven to the end\n")
