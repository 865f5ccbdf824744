-- stop.lua (brassboard run --script): stops the run when self_test() is called.
machine:on_exec("self_test", function() return "stop" end)
