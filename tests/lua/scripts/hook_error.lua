-- hook_error.lua: a hook that fails during the run (line 4).
machine:on_exec("work", function(pc)
    if machine.regs.r0 == 3 then
        error(string.format("work(3) called from 0x%x", machine.regs.lr))
    end
end)
