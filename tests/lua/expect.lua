-- expect.lua: waiting for UART output with a timeout in virtual time: passing, timing out
-- (a failed check that names what was expected and what was seen), output that arrived
-- before the guest exited, and Lua patterns with captures.
local fw = assert(arg.fw, "give the firmware folder: -- fw=DIR")
local jit = arg.jit or "native"

local function dialogue()
    local m = bb.machine{image = fw .. "/dialogue-arm.elf", jit = jit}
    return m, m:uart(0)
end

bb.test("expect passes and returns the output up to the match", function()
    local _, u = dialogue()
    bb.check_eq(u:expect("ready"), "dialogue ready")
    bb.check_eq(u:expect("> "), "\r\n> ")
end)

bb.test("expect times out after exactly its virtual time", function()
    local m, u = dialogue()
    u:expect("> ")
    local start = m:now()
    local ok, failure = pcall(u.expect, u, "never printed", "1ms")
    bb.check_eq(ok, false)
    bb.check_eq(m:now() - start, 1000000, "virtual time waited")
    bb.check_eq(getmetatable(failure) ~= nil, true)
    bb.check_eq(failure.kind, "fail")
    bb.check_match(failure.message, "^UART0 did not show the expected text within 1 ms")
    bb.check_eq(failure.expected, '"never printed"')
    bb.check_eq(failure.seen, '""') -- everything before was consumed by the last expect
    bb.check_match(failure.where, "expect%.lua:%d+$")
    bb.check_match(tostring(failure), "expect%.lua:%d+: UART0 did not show")
end)

bb.test("the timeout failure shows what the UART printed", function()
    local _, u = dialogue()
    local err = bb.check_error(function() u:expect("nope", "100us") end, "did not show")
    bb.check_match(err, 'seen "dialogue ready\\r\\n> "')
end)

bb.test("output that arrived before the guest exited is found", function()
    local m = bb.machine{image = fw .. "/hooks-arm.elf", jit = jit}
    local u = m:uart(0)
    bb.check_eq(m:run(), "exit")
    bb.check_eq(u:expect_match("work total (%d+)"), "145")
    local err = bb.check_error(function() u:expect("never") end, "before the guest exited")
    bb.check_match(err, "code 0")
end)

bb.test("patterns with several captures", function()
    local _, u = dialogue()
    u:expect("> ")
    u:send("add 17 25\r")
    -- A pattern sees output as it arrives: end it where the text ends ("add 17 2" would
    -- match "add (%d+) (%d+)" before the 5 is printed).
    local a, b = u:expect_match("add (%d+) (%d+)\r\n")
    bb.check_eq({a, b}, {"17", "25"})
    bb.check_eq(u:expect_match("= %d+\r"), "= 42\r")
end)

bb.test("the default timeout is bb.limits.timeout", function()
    local m, u = dialogue()
    u:expect("> ")
    local saved = bb.limits.timeout
    bb.limits.timeout = "300us"
    local start = m:now()
    pcall(u.expect, u, "never")
    bb.limits.timeout = saved
    bb.check_eq(m:now() - start, 300000)
end)

bb.test("a bad pattern is an error, and the machine stays usable", function()
    local m, u = dialogue()
    bb.check_error(function() u:expect_match("ready%") end, "malformed pattern")
    u:expect("> ")
    u:send("add 1 2\r")
    -- This one only fails when output reaches the open capture, during the run.
    bb.check_error(function() u:expect_match("= (%d", "5ms") end, "unfinished capture")
    bb.check_eq(u:expect("> "), "add 1 2\r\n= 3\r\n> ")
    u:send("quit\r")
    bb.check_eq(m:run(), "exit")
end)
