-- kvdb's Lua sandbox: Redis 7.0's scripting environment on stock Lua 5.1.
--
-- Redis patches its Lua VM with read-only tables; kvdb emulates them with proxies: an
-- empty table whose metatable reads through to the real one and refuses writes with
-- Redis's message. Scripts see the proxy of the globals (`P`); reading a global that
-- does not exist raises Redis's error. Runs once, with the real globals (`G`) as its
-- environment; `K` holds the raw Rust functions and per-run slots, out of scripts'
-- reach. Errors Redis raises as tables (`{err=...}`) are raised here with `error`,
-- since a Rust function can only raise strings; the error handler skips this chunk's
-- frames so positions read as in Redis.
local G, K = ...

local error, type, tostring = error, type, tostring
local setmetatable, setfenv = setmetatable, setfenv
local loadstring, pcall = loadstring, pcall

local readonly = setmetatable({}, { __mode = 'k' })
-- The real table behind each proxy, for iteration.
local real_of = setmetatable({}, { __mode = 'k' })

local function refuse_write()
    error('Attempt to modify a readonly table', 2)
end

-- A read-only view of `real`; `getmetatable` of it answers `apparent`.
local function protect(real, apparent)
    local proxy = {}
    setmetatable(proxy, { __index = real, __newindex = refuse_write, __metatable = apparent })
    readonly[proxy] = true
    real_of[proxy] = real
    return proxy
end

-- Reading a missing global: Redis's `luaProtectedTableError`.
local function missing_global(_, name)
    if type(name) ~= 'string' and type(name) ~= 'number' then
        error('Second argument to luaProtectedTableError must be a string or number', 2)
    end
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end
setmetatable(G, { __index = missing_global })

-- The proxy scripts see as their globals.
local P = protect(G, protect({ __index = missing_global }, false))
K.globals = P

-- Redis 7's pcall hands back an error table's message rather than the table.
local unwrap = K.unwrap
local function pcall_result(ok, ...)
    if ok then
        return true, ...
    end
    local e = ...
    if type(e) == 'userdata' then
        e = unwrap(e) or e
    end
    if type(e) == 'table' then
        local message = e.err
        if type(message) == 'string' or type(message) == 'number' then
            return false, message
        end
    end
    return false, e
end
G.pcall = function(f, ...)
    return pcall_result(pcall(f, ...))
end

-- `rawset`, `setmetatable`, `next` and `pairs` are replaced in Rust (see
-- `install_natives`): they must stay C functions for error positions to read as in
-- Redis, and they need these two tables.
K.readonly = readonly
K.real_of = real_of

-- Code loaded by a script runs with the script's globals; precompiled chunks are
-- refused (Redis 7.0 refuses to load bytecode).
local function load_text(code, name)
    if type(code) == 'string' and code:byte(1) == 27 then
        return nil, 'binary chunks are not allowed'
    end
    local f, message = loadstring(code, name)
    if f then
        setfenv(f, P)
    end
    return f, message
end
G.loadstring = load_text
G.load = function(reader, name)
    if type(reader) == 'string' then
        return load_text(reader, name)
    end
    local pieces = {}
    while true do
        local piece = reader()
        if piece == nil or piece == '' then
            break
        end
        pieces[#pieces + 1] = piece
    end
    return load_text(table.concat(pieces), name or '=(load)')
end

-- Redis 7.0.15 leaves these out (getfenv, setfenv and newproxy since its CVE fixes).
G.dofile, G.loadfile, G.print = nil, nil, nil
G.getfenv, G.setfenv, G.newproxy = nil, nil, nil

for _, name in ipairs({ 'redis', 'string', 'math', 'table', 'coroutine', 'cjson', 'bit', 'struct', 'cmsgpack' }) do
    local real = rawget(G, name)
    if real ~= nil then
        rawset(G, name, protect(real, false))
    end
end
-- The strings' metatable is read-only too, as in Redis 7.0.15: writable, one script
-- could break string methods for every later script, or keep values in it between
-- runs. `getmetatable('')` answers a read-only view of what Redis's holds (`__index`).
local string_meta = getmetatable('')
string_meta.__index = G.string
string_meta.__metatable = protect({ __index = G.string }, false)
G._G = P

-- The functions interpreter (`K.functions` set) also gets the environment libraries
-- and their functions run in: an empty read-only table whose metatable reads through
-- to the globals, or, while a library loads, to the library API (Redis swaps its
-- globals' `__index` the same way). The API has only `redis` with register_function,
-- log, the log levels and the version; reading anything else raises Redis's error.
if K.functions then
    local function with_missing_error(t)
        setmetatable(t, { __index = missing_global })
        return t
    end
    local api = with_missing_error({
        register_function = K.register_function,
        log = rawget(G, 'redis').log,
        LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
        REDIS_VERSION = rawget(G, 'redis').REDIS_VERSION,
        REDIS_VERSION_NUM = rawget(G, 'redis').REDIS_VERSION_NUM,
    })
    K.library_api = protect(with_missing_error({ redis = protect(api, false) }), false)
    K.function_env_meta = { __index = P, __newindex = refuse_write, __metatable = false }
    K.function_env = setmetatable({}, K.function_env_meta)
    readonly[K.function_env] = true
    -- A library body runs under Lua's own pcall: its errors are reported as raised.
    K.raw_pcall = pcall
end

return P
