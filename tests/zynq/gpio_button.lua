-- gpio_button.lua: the GPIO test of the Zynq firmware (tests/firmware/zynq/gpio_button.c),
-- driven like a person at the board: press a button, look at the LED and the console.
-- The buttons are the GPIO controller's input lines 50 (MIO 50) and 54 (EMIO 0), driven
-- by a small Lua device (a "button panel" in a free corner of the PL address space); the
-- LED is the GPIO's output register, read with a debug access (no side effects).
--   brassboard test gpio_button.lua -- fw=gpio_button.elf expected=gpio_button.txt [jit=interp]
local fw = assert(arg.fw, "give the firmware: -- fw=FILE.elf")
local expected_file = assert(arg.expected, "give the expected output: -- expected=FILE")
local jit = arg.jit or "native"

local GPIO_DATA_0 = 0xE000A040 -- outputs of MIO 0-31
local LED_PIN = 7

local function read_file(path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("a")
    f:close()
    return text
end

local function led(m)
    return (m.phys:read32(GPIO_DATA_0) >> LED_PIN) & 1
end

-- Outputs 0 and 1 of the panel are the two buttons.
local function button_panel(m)
    return m:add_device{name = "buttons", base = 0x7FFFF000, size = 0x1000,
                        irqs = {{controller = "gpio", input = 50},
                                {controller = "gpio", input = 54}},
                        read = function() return 0 end, write = function() end}
end

bb.test("buttons toggle the LED and are reported on UART1", function()
    local m = bb.machine{board = "zynq-7000", image = fw, jit = jit}
    local console = m:uart(0) -- serial0: UART1
    local buttons = button_panel(m)
    console:expect("ready\n")
    bb.check_eq(led(m), 0, "LED before any press")

    buttons:irq(true, 0)  -- press MIO 50
    console:expect("MIO 50 pressed: LED on\n")
    bb.check_eq(led(m), 1, "LED after the first press")
    buttons:irq(false, 0) -- release: no interrupt (rising edge only)
    m:run{time = "1ms"}
    bb.check_eq(led(m), 1, "LED after the release")

    buttons:irq(true, 0)
    console:expect("MIO 50 pressed: LED off\n")
    bb.check_eq(led(m), 0, "LED after the second press")
    buttons:irq(false, 0)

    buttons:irq(true, 1)  -- EMIO 0: both edges interrupt
    console:expect("EMIO 0 pressed\n")
    buttons:irq(false, 1)
    console:expect("EMIO 0 released\n")

    local why, code = m:run()
    bb.check_eq(why, "exit")
    bb.check_eq(code, 0, "exit code")
    bb.check_eq(console:output(), read_file(expected_file), "the whole console output")
end)

bb.test("without a press the firmware waits: the run ends only at its bound", function()
    local m = bb.machine{board = "zynq-7000", image = fw, jit = jit}
    button_panel(m)
    m:uart(0):expect("ready\n")
    local why = m:run{time = "20ms"}
    bb.check_eq(why, "time")
    bb.check_eq(led(m), 0, "LED")
end)
