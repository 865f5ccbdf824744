-- dialogue.lua: a UART dialogue with the dialogue firmware (fw/dialogue.c), driven by
-- input injection and expect. Run: brassboard test dialogue.lua -- fw=DIR [jit=interp]
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")
local jit = arg.jit or "native"

local function boot()
    local m = bb.machine{image = fw .. "/dialogue-arm.elf", jit = jit}
    local u = m:uart(0)
    u:expect("dialogue ready\r\n")
    u:expect("> ")
    return m, u
end

bb.group("commands", function()
    bb.test("add", function()
        local _, u = boot()
        u:send("add 2 40\r")
        bb.check_eq(u:expect_match("= (%d+)\r\n"), "42")
        u:expect("> ")
    end)

    bb.test("the firmware echoes what it reads", function()
        local _, u = boot()
        u:send("hello there\r")
        local echoed = u:expect("\r\n")
        bb.check_eq(echoed, "hello there\r\n")
        bb.check_eq(u:expect_match("%? ([%w ]+)\r\n"), "hello there")
    end)

    bb.test("a session, line by line, to the end", function()
        local m, u = boot()
        local lines = {}
        -- Lines from now on: the prompt already printed is not part of the first one.
        u:on_line(function(line) lines[#lines + 1] = line end)
        for _, command in ipairs{"name", "add 1 2", "count"} do
            u:send(command .. "\r")
            u:expect("> ")
        end
        u:send("quit\r")
        u:expect("bye")
        local why, code = m:run()
        bb.check_eq(why, "exit")
        bb.check_eq(code, 0)
        bb.check_eq(lines, {"name", "brassboard", "> add 1 2", "= 3", "> count", "3",
                            "> quit", "bye"})
    end)
end)

bb.test("input typed later, from a timer on virtual time", function()
    local m, u = boot()
    local start = m:now()
    m:after("2ms", function() u:send("add 1 1\r") end)
    u:expect("= 2", "10ms")
    local waited = m:now() - start
    bb.check(waited >= 2000000 and waited < 3000000, "the answer came between 2 and 3 ms")
end)

bb.test("bytes are hooked as they come", function()
    local _, u = boot()
    local bytes = {}
    u:on_output(function(s) bytes[#bytes + 1] = s end)
    u:send("name\r")
    u:expect("brassboard\r\n")
    bb.check_eq(table.concat(bytes), "name\r\nbrassboard\r\n")
end)
