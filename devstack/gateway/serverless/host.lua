-- The dev gateway's Lua VM for kong.yml's serverless functions (pre-function, post-function), run by LuaJIT as
-- Kong runs them: Lua 5.1 semantics, Kong's sandbox globals (kong/tools/kong-lua-sandbox.lua, untrusted_lua =
-- sandbox), Kong's first-run rule (kong/plugins/pre-function/_handler.lua compile_phase_array). Every kong.* call
-- goes to the gateway, which answers it with the same PDK as the JavaScript plugins get.
--
-- Protocol, one JSON object per line, after the VM's {op="ready"}. Gateway -> VM: {op="load", id, name, code} and {op="run", id}.
-- VM -> gateway: {op="loaded", id, error?}; during a run {op="call", method, args} answered by
-- {kind="value", value?} | {kind="error", message} (a (nil, err) result) | {kind="raise", message} (a Lua error)
-- | {kind="terminal"} (kong.response.exit); then {op="done"} | {op="exit"} | {op="error", message}.
local cjson = require "cjson"

local function send(message)
  io.stdout:write(cjson.encode(message), "\n")
  io.stdout:flush()
end

local function receive()
  local line = io.stdin:read("*l")
  if not line then os.exit(0) end -- the gateway closed: stop with it
  return cjson.decode(line)
end

local function lua_value(value)
  if value == cjson.null then return nil end
  return value
end

-- kong.response.exit in the access phase yields the plugin's coroutine and Kong never resumes it
-- (kong/pdk/response.lua, exit with ctx.delay_response).
local EXITED = {}

local function pdk_call(method, ...)
  local args = {}
  for i = 1, select("#", ...) do
    local arg = select(i, ...)
    if arg == nil then args[i] = cjson.null else args[i] = arg end
  end
  send({ op = "call", method = method, args = args })
  local reply = receive()
  if reply.kind == "value" then return lua_value(reply.value) end
  if reply.kind == "error" then return nil, reply.message end
  if reply.kind == "raise" then error(reply.message, 2) end
  coroutine.yield(EXITED)
end

-- kong.request.get_header, kong.log.err, kong.log itself: every name under kong is callable and a namespace.
local function namespace(name)
  return setmetatable({}, {
    __index = function(self, key)
      local child = namespace(name .. "." .. key)
      rawset(self, key, child)
      return child
    end,
    __call = function(_, ...) return pdk_call(name, ...) end,
  })
end

local SAFE = [[
_VERSION assert error ipairs next pairs pcall select tonumber tostring type unpack xpcall
coroutine.create coroutine.resume coroutine.running coroutine.status coroutine.wrap coroutine.yield
math.abs math.acos math.asin math.atan math.atan2 math.ceil math.cos math.cosh math.deg math.exp math.fmod
math.floor math.frexp math.huge math.ldexp math.log math.log10 math.max math.min math.modf math.pi math.pow
math.rad math.random math.sin math.sinh math.sqrt math.tan math.tanh
os.clock os.date os.difftime os.time
string.byte string.char string.find string.format string.gmatch string.gsub string.len string.lower
string.match string.rep string.reverse string.sub string.upper
table.concat table.insert table.maxn table.remove table.sort
]]

local base = { kong = namespace("kong") }
for id in SAFE:gmatch("%S+") do
  local module, field = id:match("([^%.]+)%.([^%.]+)")
  if module then
    base[module] = base[module] or {}
    base[module][field] = _G[module][field]
  else
    base[id] = _G[id]
  end
end

local functions = {}

local function load_function(message)
  local chunk, err = loadstring(message.code, "=" .. message.name)
  if not chunk then return send({ op = "loaded", id = message.id, error = err }) end
  setfenv(chunk, setmetatable({}, { __index = base }))
  functions[message.id] = { fn = chunk, first_run = true }
  send({ op = "loaded", id = message.id })
end

-- Kong's rule: the chunk runs on the first request; if it returns a function, that function is the handler from
-- then on (and runs for this request too); otherwise the chunk itself runs on every request.
local function run_entry(entry)
  if entry.first_run then
    entry.first_run = false
    local result = entry.fn()
    if type(result) == "function" then
      entry.fn = result
      entry.fn()
    end
  else
    entry.fn()
  end
end

local function run_function(message)
  local co = coroutine.create(run_entry)
  local ok, yielded = coroutine.resume(co, functions[message.id])
  if not ok then return send({ op = "error", message = tostring(yielded) }) end
  if yielded == EXITED then return send({ op = "exit" }) end
  if coroutine.status(co) ~= "dead" then return send({ op = "error", message = "the function yielded" }) end
  send({ op = "done" })
end

send({ op = "ready" }) -- lua-cjson loaded: the gateway can start
while true do
  local message = receive()
  if message.op == "load" then load_function(message) else run_function(message) end
end
