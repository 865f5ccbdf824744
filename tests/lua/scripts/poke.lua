-- poke.lua (brassboard run --script): changes a variable before the run, counts calls to
-- work() and reports UART lines on stderr as they come.
local calls = 0
machine.mem:write32("magic", 777)
machine:on_exec("work", function() calls = calls + 1 end)
machine:uart(0):on_line(function(line)
    io.stderr:write(string.format("line: %s (calls so far: %d)\n", line, calls))
end)
