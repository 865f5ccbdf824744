-- load_error.lua: fails while loading (line 3).
local speed = nil
local doubled = speed * 2
