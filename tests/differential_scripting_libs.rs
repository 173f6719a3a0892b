//! Differential tests of the libraries Redis 7.0 loads into its Lua scripting
//! environment (cjson, cmsgpack, bit, struct): each line is an `EVAL` of a small script,
//! compared byte for byte, error replies included. The same scripts, with Redis's
//! answers, are unit tests beside the libraries (`lua-host/src/libs/`).
//!
//! Scripts that want binary results readable start with a local `hex` helper; scripts
//! that read a caught error's message start with an identity `errmsg`, which kvdb's unit
//! tests replace with one that unwraps mlua's error value. Settings are only changed on
//! `cjson.new()` instances: the `cjson` table's own settings are shared by every script on
//! a server (and by the tests running in parallel).

mod support;

use support::diff;

/// cjson.encode: arrays, objects, numbers, escaping, sparse arrays, nesting, errors.
#[test]
fn cjson_encode() {
    diff(
        r##"
        EVAL "return cjson.encode({1,2,{a=1}})" 0
        EVAL "return cjson.encode('str')" 0
        EVAL "return cjson.encode(123)" 0
        EVAL "return cjson.encode(true) .. cjson.encode(false)" 0
        EVAL "return cjson.encode(nil)" 0
        EVAL "return cjson.encode(cjson.null)" 0
        EVAL "return cjson.encode({})" 0
        EVAL "return cjson.encode({{}, {{}}, {a={}}})" 0
        EVAL "return cjson.encode({a={b={c={1,2,3}}}})" 0
        EVAL "return cjson.encode({a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8})" 0
        EVAL "return cjson.encode({name='x', tags={'a','b'}, n=1.5, ok=true, none=cjson.null})" 0
        EVAL "return cjson.encode({0.1, 1/3, 100, 1e14, 1e15, -1.5e-7, 2^53, 2^63, -2^63, 1e300, 5e-324})" 0
        EVAL "return cjson.encode({123456789012345678, 0.000123456789012345, 12345.678901234567, 1e-5, 1e21})" 0
        EVAL "return cjson.encode({-0.0, 0, -1})" 0
        EVAL "return cjson.encode({1e-20, -2^-60, {v=1e-300}, {w=-0.0}})" 0
        EVAL "return tostring(cjson.decode('1e-20')) .. ' ' .. cjson.encode(cjson.decode('[-1e-300]'))" 0
        EVAL "return cjson.encode(3.14159265358979)" 0
        EVAL "return cjson.encode(math.huge)" 0
        EVAL "return cjson.encode(-math.huge)" 0
        EVAL "return cjson.encode({0/0})" 0
        EVAL "return cjson.encode({[math.huge]=1})" 0
        EVAL "return cjson.encode({[1.5]=1, [-2]=2})" 0
        EVAL "return cjson.encode({[0]='zero'})" 0
        EVAL "return cjson.encode({[-1]='neg'})" 0
        EVAL "return cjson.encode({[1]=1, [3]=3})" 0
        EVAL "return cjson.encode({1, nil, 3})" 0
        EVAL "return cjson.encode({[1]=1, [2]=2, [4]=4})" 0
        EVAL "return cjson.encode({[10]=1})" 0
        EVAL "return cjson.encode({[11]=1})" 0
        EVAL "return cjson.encode({[1]=1, [20]=2})" 0
        EVAL "return cjson.encode({[1]=1, [2]=2, x=3})" 0
        EVAL "return cjson.encode({[1e300]=1})" 0
        EVAL "return cjson.encode({[2^31]=1})" 0
        EVAL "return cjson.encode({[2^31]=1, [1]=2})" 0
        EVAL "return cjson.encode({[2^33+3]=1})" 0
        EVAL "return cjson.encode({['1']=1, [2]=2})" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cjson.encode(string.char(0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,127)))" 0
        EVAL "return cjson.encode('a/b\"c\\\\d')" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cjson.encode('\\128\\255\\195\\169'))" 0
        EVAL "return cjson.encode({['k\\n']='v\\t'})" 0
        EVAL "return cjson.encode(string.rep('x', 40))" 0
        EVAL "return cjson.encode({string.rep('long key ', 2)})" 0
        EVAL "local t = {} for i = 1, 300 do t[i] = i * 1.5 end local s = cjson.encode(t) return #s .. ' ' .. s:sub(1, 40)" 0
        EVAL "local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return #cjson.encode(t)" 0
        EVAL "local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return cjson.encode(t)" 0
        EVAL "local t = {} local c = t for i = 1, 1000 do c.k = {} c = c.k end return cjson.encode(t)" 0
        EVAL "return cjson.encode({f=function() end})" 0
        EVAL "return cjson.encode(tostring)" 0
        EVAL "return cjson.encode(coroutine.create(function() end))" 0
        EVAL "return cjson.encode({[true]=1})" 0
        EVAL "return cjson.encode({[{}]=1})" 0
        EVAL "return cjson.encode({x=1, [false]=2})" 0
        EVAL "return cjson.encode()" 0
        EVAL "return cjson.encode(1, 2)" 0
        EVAL "return cjson:encode(1)" 0
        EVAL "local e = cjson.encode return e()" 0
        EVAL "local function errmsg(e) return e end return errmsg(select(2, pcall(cjson.encode)))" 0
        EVAL "local function errmsg(e) return e end local ok, e = pcall(cjson.encode, {tostring}) return errmsg(e)" 0
        "##,
    );
}

/// cjson's settings, on cjson.new() instances (the shared cjson table is left alone).
#[test]
fn cjson_configuration() {
    diff(
        r##"
        EVAL "local c = cjson.new() return tostring(c.encode_sparse_array(true, 3, 5)) .. ' ' .. c.encode({[1]=1, [20]=2})" 0
        EVAL "local c = cjson.new() local a, b, d = c.encode_sparse_array() return tostring(a) .. ' ' .. b .. ' ' .. d" 0
        EVAL "local c = cjson.new() c.encode_sparse_array('on') return c.encode({[1]=1, [20]=2})" 0
        EVAL "local c = cjson.new() c.encode_sparse_array(false, 0) return #c.encode({[1]=1, [2000]=2})" 0
        EVAL "local c = cjson.new() c.encode_sparse_array(false, 1, 1) return c.encode({[1]=1, [2]=2, [4]=4})" 0
        EVAL "local c = cjson.new() return c.encode_sparse_array(1, 2, 3, 4)" 0
        EVAL "local c = cjson.new() return c.encode_sparse_array(nil, -1)" 0
        EVAL "local c = cjson.new() return c.encode_sparse_array(nil, nil, 'x')" 0
        EVAL "local c = cjson.new() return c.encode_sparse_array('maybe')" 0
        EVAL "local c = cjson.new() return c.encode_sparse_array({})" 0
        EVAL "local c = cjson.new() pcall(c.encode_sparse_array, true, -1) return tostring(c.encode_sparse_array())" 0
        EVAL "local c = cjson.new() return c.encode_max_depth(2) .. ' ' .. c.encode({{1}})" 0
        EVAL "local c = cjson.new() c.encode_max_depth(2) return c.encode({{{1}}})" 0
        EVAL "local c = cjson.new() return c.encode_max_depth()" 0
        EVAL "local c = cjson.new() return c.encode_max_depth(0)" 0
        EVAL "local c = cjson.new() return c.encode_max_depth('x')" 0
        EVAL "local c = cjson.new() return c.encode_max_depth('7')" 0
        EVAL "local c = cjson.new() return c.encode_max_depth(2^32 + 5)" 0
        EVAL "local c = cjson.new() return c.encode_max_depth(3.9)" 0
        EVAL "local c = cjson.new() return c.encode_max_depth(1, 2)" 0
        EVAL "local c = cjson.new() return c.decode_max_depth(2) .. ' ' .. c.encode(c.decode('[[1]]'))" 0
        EVAL "local c = cjson.new() c.decode_max_depth(2) return c.decode('[[[1]]]')" 0
        EVAL "local c = cjson.new() c.decode_max_depth(2) return c.decode('{\"a\":{\"b\":{}}}')" 0
        EVAL "local c = cjson.new() return c.decode_max_depth(-5)" 0
        EVAL "local c = cjson.new() return c.encode_number_precision(3) .. ' ' .. c.encode({1/3, 1234.5, 0.0001234})" 0
        EVAL "local c = cjson.new() c.encode_number_precision(1) return c.encode({2.5, 3.5, 15, 0.05})" 0
        EVAL "local c = cjson.new() return c.encode_number_precision(15)" 0
        EVAL "local c = cjson.new() return c.encode_number_precision(0)" 0
        EVAL "local c = cjson.new() return tostring(c.encode_keep_buffer()) .. tostring(c.encode_keep_buffer(false)) .. c.encode({1})" 0
        EVAL "local c = cjson.new() return tostring(c.encode_keep_buffer('off')) .. tostring(c.encode_keep_buffer('on'))" 0
        EVAL "local c = cjson.new() return c.encode_keep_buffer('yes')" 0
        EVAL "local c = cjson.new() return tostring(c.encode_invalid_numbers()) .. ' ' .. tostring(c.encode_invalid_numbers(true)) .. ' ' .. c.encode({math.huge, -math.huge, 0/0, -(0/0)})" 0
        EVAL "local c = cjson.new() return c.encode_invalid_numbers('null') .. ' ' .. c.encode({math.huge, 0/0, [1.5]=1})" 0
        EVAL "local c = cjson.new() c.encode_invalid_numbers('null') return c.encode({[math.huge]=1})" 0
        EVAL "local c = cjson.new() c.encode_invalid_numbers('on') return c.encode({[math.huge]=1})" 0
        EVAL "local c = cjson.new() return tostring(c.encode_invalid_numbers('off'))" 0
        EVAL "local c = cjson.new() return c.encode_invalid_numbers('nan')" 0
        EVAL "local c = cjson.new() return c.encode_invalid_numbers(1)" 0
        EVAL "local c = cjson.new() return tostring(c.decode_invalid_numbers()) .. tostring(c.decode_invalid_numbers(false))" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('0x10')" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('nan')" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('+1')" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('-inf')" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('01')" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('-0x1')" 0
        EVAL "local c = cjson.new() c.decode_invalid_numbers(false) return tostring(c.decode('-0.5e2'))" 0
        EVAL "local c = cjson.new() return tostring(c.decode_invalid_numbers('on'))" 0
        EVAL "local c = cjson.new() return c.decode_invalid_numbers(0)" 0
        EVAL "local c = cjson.new() local d = c.new() c.encode_max_depth(1) return d.encode({{1}})" 0
        EVAL "local c = cjson.new() c.decode_max_depth(100000) return #c.encode(c.decode(string.rep('[', 900) .. string.rep(']', 900)))" 0
        EVAL "local c = cjson.new() c.decode_max_depth(100000) c.encode_max_depth(100000) local t = c.decode(string.rep('[', 7998) .. string.rep(']', 7998)) local d = 0 while type(t) == 'table' do d = d + 1 t = t[1] end return d .. ''" 0
        EVAL "local c = cjson.new() c.decode_max_depth(100000) return c.decode(string.rep('[', 8000) .. string.rep(']', 8000))" 0
        EVAL "local c = cjson.new() c.decode_max_depth(100000) return c.decode(string.rep('{\"a\":', 5000) .. '1' .. string.rep('}', 5000))" 0
        EVAL "local c = cjson.new() c.decode_max_depth(100000) return c.decode('[' .. string.rep('{\"a\":[', 3000) .. ']')" 0
        EVAL "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 7996 do x[1] = {} x = x[1] end return #c.encode(t) .. ''" 0
        EVAL "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 8000 do x[1] = {} x = x[1] end return c.encode(t)" 0
        EVAL "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 8000 do x.k = {} x = x.k end return c.encode(t)" 0
        EVAL "return cjson._NAME .. ' ' .. cjson._VERSION .. ' ' .. type(cjson.null) .. ' ' .. tostring(cjson.null == cjson.decode('null'))" 0
        EVAL "local c = cjson.new() return c._NAME .. c._VERSION .. type(c.new)" 0
        EVAL "local n = 0 for k, v in pairs(cjson) do n = n + 1 end return tostring(n)" 0
        "##,
    );
}

/// cjson.decode: values, numbers through strtod, escapes, syntax errors, depth.
#[test]
fn cjson_decode() {
    diff(
        r##"
        EVAL "return cjson.encode(cjson.decode('[1,2,3]'))" 0
        EVAL "return cjson.encode(cjson.decode(' { \"a\" : [ true , false , null ] } '))" 0
        EVAL "return cjson.encode(cjson.decode('{\"a\":{\"b\":{\"c\":[1,{\"d\":[]}]}}}'))" 0
        EVAL "return cjson.encode(cjson.decode('{}')) .. cjson.encode(cjson.decode('[]'))" 0
        EVAL "return cjson.decode('\"hi\"')" 0
        EVAL "return tostring(cjson.decode('true'))" 0
        EVAL "return tostring(cjson.decode('null') == cjson.null)" 0
        EVAL "local t = cjson.decode('[null, 1]') return tostring(t[1] == cjson.null) .. #t" 0
        EVAL "local t = cjson.decode('{\"a\":null}') return tostring(t.a == cjson.null)" 0
        EVAL "local t = cjson.decode('{\"a\":1,\"a\":2}') return tostring(t.a)" 0
        EVAL "local out = {} for _, s in ipairs({'1e5', '-0', '0x10', '+1', 'inf', '-Infinity', 'nan', '-nan', 'NaN', '1.5E+3', '01', '1.', '9007199254740993', '1e400', '-1e-400', '0x1p4', '0X.8', '123456789012345678901234567890', '2.2250738585072014e-308', '4.9e-324'}) do out[#out + 1] = tostring(cjson.decode(s)) end return table.concat(out, ' ')" 0
        EVAL "return tostring(cjson.decode('nan(123)'))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>d', cjson.decode('nan(0x123)')))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>d', cjson.decode('-nan')))" 0
        EVAL "return cjson.decode('.5')" 0
        EVAL "return cjson.decode('1e')" 0
        EVAL "return cjson.decode('-')" 0
        EVAL "return cjson.decode('- 1')" 0
        EVAL "return cjson.decode('0x')" 0
        EVAL "return cjson.decode('infinit')" 0
        EVAL "return cjson.decode('+')" 0
        EVAL "return cjson.decode('\"\\\\n\\\\t\\\\\"\\\\\\\\\\\\/\\\\b\\\\f\\\\r\"') == '\\n\\t\"\\\\/\\b\\f\\r' and 'same' or 'different'" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cjson.decode('\"\\\\u0041\\\\u00e9\\\\u20ac\\\\ud83d\\\\ude00\\\\u0000\"'))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cjson.decode('\"\\\\uD83D\\\\uDE00\\\\uFFFF\"'))" 0
        EVAL "return cjson.decode('\"\\\\x\"')" 0
        EVAL "return cjson.decode('\"ab\\\\u12\"')" 0
        EVAL "return cjson.decode('\"\\\\udc00\"')" 0
        EVAL "return cjson.decode('\"\\\\ud800\"')" 0
        EVAL "return cjson.decode('\"\\\\ud800\\\\u0041\"')" 0
        EVAL "return cjson.decode('\"\\\\ud800x\"')" 0
        EVAL "return cjson.decode('\"\\\\uzzzz\"')" 0
        EVAL "return cjson.decode('\"abc')" 0
        EVAL "return cjson.decode('\"abc\\\\')" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cjson.decode('\"a\\tb\\1\\255\"'))" 0
        EVAL "return cjson.decode('')" 0
        EVAL "return cjson.decode('   ')" 0
        EVAL "return cjson.decode('[1,]')" 0
        EVAL "return cjson.decode('{\"a\":1,}')" 0
        EVAL "return cjson.decode('{\"a\" 1}')" 0
        EVAL "return cjson.decode('{1:2}')" 0
        EVAL "return cjson.decode('[1 2]')" 0
        EVAL "return cjson.decode('{\"a\":1 \"b\":2}')" 0
        EVAL "return cjson.decode('[1] x')" 0
        EVAL "return cjson.decode('[1]]')" 0
        EVAL "return cjson.decode('tru')" 0
        EVAL "return cjson.decode('nul')" 0
        EVAL "return cjson.decode('falsey')" 0
        EVAL "return cjson.decode('[')" 0
        EVAL "return cjson.decode('{')" 0
        EVAL "return cjson.decode('{\"a\"')" 0
        EVAL "return cjson.decode(':')" 0
        EVAL "return cjson.decode('@')" 0
        EVAL "return cjson.decode('\\0abc')" 0
        EVAL "return cjson.decode('1\\0')" 0
        EVAL "return tostring(cjson.decode('12\\0junk'))" 0
        EVAL "return cjson.encode(cjson.decode('[1]\\0garbage'))" 0
        EVAL "return cjson.decode('\"a\\0b\"')" 0
        EVAL "return cjson.decode()" 0
        EVAL "return cjson.decode(nil)" 0
        EVAL "return cjson.decode({})" 0
        EVAL "return tostring(cjson.decode(123))" 0
        EVAL "return cjson.decode('1', '2')" 0
        EVAL "return #cjson.encode(cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)))" 0
        EVAL "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))" 0
        EVAL "return cjson.decode(string.rep('{\"a\":', 1001) .. '1' .. string.rep('}', 1001))" 0
        EVAL "return #cjson.encode(cjson.decode('[' .. string.rep('{\"a\":', 999) .. '1' .. string.rep('}', 999) .. ']'))" 0
        EVAL "local t = cjson.decode('[' .. string.rep('\"x\",', 9999) .. '\"y\"]') return #t .. t[10000]" 0
        EVAL "local t = cjson.decode('{\"b\":1,\"a\":2,\"c\":3,\"d\":4,\"e\":5}') return cjson.encode(t)" 0
        EVAL "return cjson.encode(cjson.decode('{\"k\":[1,2,{\"x\":\"y\"}],\"n\":-0.0,\"e\":1E2}'))" 0
        EVAL "local function errmsg(e) return e end local ok, e = pcall(cjson.decode, '{') return errmsg(e)" 0
        EVAL "local function errmsg(e) return e end return errmsg(select(2, pcall(cjson.decode, '[')))" 0
        EVAL "local x = 1\nreturn cjson.decode('[1,')" 0
        "##,
    );
}

/// cmsgpack.pack: integer and float encodings, strings, arrays versus maps, nesting.
#[test]
fn cmsgpack_pack() {
    diff(
        r##"
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(0))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(127))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(128))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(255))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(256))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(65535))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(65536))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^32-1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^32))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^53))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^53+1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^63-1024))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^63))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2^64))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-32))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-33))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-128))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-129))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-32768))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-32769))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-2^31))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-2^31-1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-2^63))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-2^63-2048))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(1.5))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(0.1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-0.25))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(3.25))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(1e300))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-1e300))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(1e38))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(3.4028235677973366e38))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(1e39))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(math.huge))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-math.huge))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(0/0))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(-0.0))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(2.5e-7))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(123456.789))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({0, 1, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32, 2^53, 2^53+1, 2^63-1024, 2^63, 2^64, -1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1, -2^63, -2^63-2048, 1.5, 0.1, -0.25, 3.25, 1e300, -1e300, 1e38, 3.4028235677973366e38, 1e39, 2^-149, 1e-46, math.huge, -math.huge, 0/0, -0.0, 2.5e-7, 123456.789, 2.5e-20, -2^-60}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({v=2^-149})) .. ' ' .. hex(cmsgpack.pack({v=-2^-60}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(''))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack('a'))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack('\\0\\255'))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local s = cmsgpack.pack(string.rep('x', 31)) return hex(s:sub(1, 3)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local s = cmsgpack.pack(string.rep('x', 32)) return hex(s:sub(1, 3)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local s = cmsgpack.pack(string.rep('x', 255)) return hex(s:sub(1, 3)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local s = cmsgpack.pack(string.rep('x', 256)) return hex(s:sub(1, 4)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local s = cmsgpack.pack(string.rep('x', 65535)) return hex(s:sub(1, 4)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local s = cmsgpack.pack(string.rep('x', 65536)) return hex(s:sub(1, 6)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(true, false, nil))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(tostring, cjson.null, coroutine.create(function() end)))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({1, 2, 3}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({'a', {'b', {}}, true}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({a=1}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({a=1, b=2, c=3, d={e='f'}}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({1, 2, nil, 4}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[1]=1, [3]=3}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[0]=1}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[1.5]=1}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[-1]=1}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[2^31]=1}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[2^31]=1, [1]=2}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[1]='x', [2]='y', n=2}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[true]=false, [{}]={}}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[math.huge]=1}))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} for i = 1, 15 do t[i] = i end return hex(cmsgpack.pack(t):sub(1, 3))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t):sub(1, 3))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} for i = 1, 65536 do t[i] = 0 end local s = cmsgpack.pack(t) return hex(s:sub(1, 6)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} for i = 1, 16 do t['k' .. i] = i end local s = cmsgpack.pack(t) return hex(s:sub(1, 3)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} for i = 1, 65536 do t['k' .. i] = true end local s = cmsgpack.pack(t) return hex(s:sub(1, 5)) .. ' ' .. #s" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} local c = t for i = 1, 20 do c.k = {} c = c.k end return hex(cmsgpack.pack(t))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} t[1] = t return hex(cmsgpack.pack(t))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} local c = t for i = 1, 15 do c[1] = {} c = c[1] end c[1] = 5 return hex(cmsgpack.pack(t))" 0
        EVAL "local t = {} for i = 1, 4000 do t[i] = i end return #cmsgpack.pack(unpack(t)) .. ''" 0
        EVAL "local t = {} for i = 1, 3999 do t[i] = i end t[4000] = {} return cmsgpack.pack(unpack(t))" 0
        EVAL "local t = {} for i = 1, 3999 do t[i] = i end t[4000] = 'x' return #cmsgpack.pack(unpack(t)) .. ''" 0
        EVAL "local t = {} for i = 1, 4001 do t[i] = i end return cmsgpack.pack(unpack(t))" 0
        EVAL "return cmsgpack.pack()" 0
        EVAL "return cmsgpack:pack() and 'packed self' or ''" 0
        EVAL "local function errmsg(e) return e end return errmsg(select(2, pcall(cmsgpack.pack)))" 0
        EVAL "return cmsgpack._NAME .. '|' .. cmsgpack._VERSION .. '|' .. cmsgpack._COPYRIGHT .. '|' .. cmsgpack._DESCRIPTION" 0
        EVAL "local n = {} for k in pairs(cmsgpack) do n[#n + 1] = k end return table.concat(n, ',')" 0
        "##,
    );
}

/// cmsgpack.unpack of what cmsgpack.pack made.
#[test]
fn cmsgpack_round_trips() {
    diff(
        r##"
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(0)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(1)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(127)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(128)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(255)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(256)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(65535)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(65536)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^32-1)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^32)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^53)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^53+1)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^63-1024)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^63)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2^64)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-1)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-32)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-33)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-128)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-129)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-32768)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-32769)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^31)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^31-1)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^63)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-2^63-2048)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(1.5)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-0.25)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(3.25)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(1e300)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-1e300)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(1e38)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(3.4028235677973366e38)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(1e39)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(math.huge)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-math.huge)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(0/0)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(-0.0)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(2.5e-7)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack(123456.789)))" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack({2^-149}))[1])" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack({1e-46}))[1])" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack({2.5e-20}))[1])" 0
        EVAL "return tostring(cmsgpack.unpack(cmsgpack.pack({-2^-60}))[1])" 0
        EVAL "return cjson.encode(cmsgpack.unpack(cmsgpack.pack({1, 'two', {three=3}, {}, true})))" 0
        EVAL "return cjson.encode({cmsgpack.unpack(cmsgpack.pack(1, 'a', {2}, false))})" 0
        EVAL "return tostring(select('#', cmsgpack.unpack('')))" 0
        EVAL "return tostring(select('#', cmsgpack.unpack(cmsgpack.pack(nil, nil))))" 0
        EVAL "local s = string.rep('x', 70000) return tostring(cmsgpack.unpack(cmsgpack.pack(s)) == s)" 0
        EVAL "local t = {} for i = 1, 65536 do t['k' .. i] = i end local u = cmsgpack.unpack(cmsgpack.pack(t)) return u.k1 .. ' ' .. u.k65536" 0
        "##,
    );
}

/// cmsgpack.unpack of hand-made streams, malformed input, stack limits.
#[test]
fn cmsgpack_unpack() {
    diff(
        r##"
        EVAL "return tostring(cmsgpack.unpack('\\204\\255'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\208\\128'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\205\\1\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\209\\255\\128'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\209\\128\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\206\\255\\255\\255\\255'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\210\\128\\0\\0\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\207\\128\\0\\0\\0\\0\\0\\0\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\207\\0\\32\\0\\0\\0\\0\\0\\1'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\211\\255\\255\\255\\255\\255\\255\\255\\254'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\202\\127\\128\\0\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\202\\255\\192\\0\\0'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\203\\63\\241\\153\\153\\153\\153\\153\\154'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\192'))" 0
        EVAL "return tostring(cmsgpack.unpack('\\194')) .. tostring(cmsgpack.unpack('\\195'))" 0
        EVAL "return cmsgpack.unpack('\\217\\3abc')" 0
        EVAL "return cmsgpack.unpack('\\218\\0\\3abc')" 0
        EVAL "return cmsgpack.unpack('\\219\\0\\0\\0\\3abc')" 0
        EVAL "return cmsgpack.unpack('\\163xyz')" 0
        EVAL "return '[' .. cmsgpack.unpack('\\160') .. ']'" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\220\\0\\2\\1\\2'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\221\\0\\0\\0\\2\\1\\2'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\222\\0\\1\\161a\\1'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\223\\0\\0\\0\\1\\161a\\1'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\147\\1\\192\\3'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\130\\1\\161a\\2\\192'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\129\\145\\1\\2'))" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\144')) .. cjson.encode(cmsgpack.unpack('\\128'))" 0
        EVAL "return cjson.encode({cmsgpack.unpack('\\127\\255\\224\\0')})" 0
        EVAL "return cmsgpack.unpack('\\193')" 0
        EVAL "return cmsgpack.unpack('\\196\\1a')" 0
        EVAL "return cmsgpack.unpack('\\199\\1\\1a')" 0
        EVAL "return cmsgpack.unpack('\\212\\1\\1')" 0
        EVAL "return cmsgpack.unpack('\\216\\1')" 0
        EVAL "return cmsgpack.unpack('\\1\\2\\193')" 0
        EVAL "return cmsgpack.unpack('\\205\\1')" 0
        EVAL "return cmsgpack.unpack('\\217\\5ab')" 0
        EVAL "return cmsgpack.unpack('\\219\\0\\0\\0')" 0
        EVAL "return cmsgpack.unpack('\\145')" 0
        EVAL "return cmsgpack.unpack('\\146\\1')" 0
        EVAL "return cmsgpack.unpack('\\129\\1')" 0
        EVAL "return cmsgpack.unpack('\\221\\255\\255\\255\\255\\1')" 0
        EVAL "return cmsgpack.unpack('\\145\\193')" 0
        EVAL "return cmsgpack.unpack('\\129\\192\\1')" 0
        EVAL "return cmsgpack.unpack('\\129\\192')" 0
        EVAL "return cmsgpack.unpack('\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1')" 0
        EVAL "return cjson.encode(cmsgpack.unpack('\\129\\1\\192'))" 0
        EVAL "return cmsgpack.unpack()" 0
        EVAL "return cmsgpack.unpack(nil)" 0
        EVAL "return cmsgpack.unpack({})" 0
        EVAL "return tostring(cmsgpack.unpack(5))" 0
        EVAL "local function errmsg(e) return e end local ok, e = pcall(cmsgpack.unpack, '\\193') return errmsg(e)" 0
        EVAL "return select('#', cmsgpack.unpack(string.rep('\\1', 7900))) .. ''" 0
        EVAL "return select('#', cmsgpack.unpack(string.rep('\\1', 8000))) .. ''" 0
        EVAL "return select('#', cmsgpack.unpack(string.rep('\\1', 7900), 'extra arg')) .. ''" 0
        EVAL "local d = 0 local t = cmsgpack.unpack(string.rep('\\145', 3999) .. '\\1') while type(t) == 'table' do d = d + 1 t = t[1] end return d .. ''" 0
        EVAL "return cmsgpack.unpack(string.rep('\\145', 4000) .. '\\1')" 0
        EVAL "local d = 0 local t = cmsgpack.unpack(string.rep('\\129\\1', 3999) .. '\\1') while type(t) == 'table' do d = d + 1 t = t[1] end return d .. ''" 0
        EVAL "return cmsgpack.unpack(string.rep('\\129\\1', 4000) .. '\\1')" 0
        EVAL "return cmsgpack.unpack(string.rep('\\129\\145', 3000) .. '\\1')" 0
        "##,
    );
}

/// cmsgpack.unpack_one and unpack_limit: offsets, limits, errors.
#[test]
fn cmsgpack_unpack_one_and_limit() {
    diff(
        r##"
        EVAL "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_one('')})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack('a'), nil)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1.9)})" 0
        EVAL "return cmsgpack.unpack_one('abc', -1)" 0
        EVAL "return cmsgpack.unpack_one('abc', 4)" 0
        EVAL "return cmsgpack.unpack_one('abc', 2^40)" 0
        EVAL "return cmsgpack.unpack_one('abc', 0/0)" 0
        EVAL "return cmsgpack.unpack_one('abc', 'x')" 0
        EVAL "return cmsgpack.unpack_one()" 0
        EVAL "return cmsgpack.unpack_one(nil, 'x')" 0
        EVAL "return cmsgpack.unpack_one('\\205')" 0
        EVAL "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 2)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)})" 0
        EVAL "return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, nil, 3), 2)})" 0
        EVAL "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)" 0
        EVAL "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, -5)" 0
        EVAL "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, 7)" 0
        EVAL "return cmsgpack.unpack_limit('x')" 0
        EVAL "return cmsgpack.unpack_limit()" 0
        EVAL "return cmsgpack.unpack_limit(nil, 1, 'z')" 0
        EVAL "return cmsgpack.unpack_limit({}, 1)" 0
        EVAL "return cmsgpack.unpack_limit('\\1\\193', 5)" 0
        EVAL "return select('#', cmsgpack.unpack_limit(string.rep('\\1', 7900), 9000)) .. ''" 0
        EVAL "return select('#', cmsgpack.unpack_limit(string.rep('\\1', 7999), 9000)) .. ''" 0
        EVAL "return select('#', cmsgpack.unpack_limit(string.rep('\\1', 7900), 9000, 1)) .. ''" 0
        "##,
    );
}

/// bit (LuaBitOp): normalisation, every function, argument errors.
#[test]
fn bit() {
    diff(
        r##"
        EVAL "return tostring(bit.tobit(0)) .. ' ' .. tostring(bit.tobit(1)) .. ' ' .. tostring(bit.tobit(-1)) .. ' ' .. tostring(bit.tobit(2^31)) .. ' ' .. tostring(bit.tobit(2^31-1)) .. ' ' .. tostring(bit.tobit(-2^31)) .. ' ' .. tostring(bit.tobit(2^32)) .. ' ' .. tostring(bit.tobit(2^32+5)) .. ' ' .. tostring(bit.tobit(-2^32-1)) .. ' ' .. tostring(bit.tobit(2^52)) .. ' ' .. tostring(bit.tobit(2^53+2)) .. ' ' .. tostring(bit.tobit(1e20)) .. ' ' .. tostring(bit.tobit(-1e20)) .. ' ' .. tostring(bit.tobit(1.5)) .. ' ' .. tostring(bit.tobit(2.5)) .. ' ' .. tostring(bit.tobit(-1.5)) .. ' ' .. tostring(bit.tobit(-2.5)) .. ' ' .. tostring(bit.tobit(0.49999999999999994)) .. ' ' .. tostring(bit.tobit(3.7)) .. ' ' .. tostring(bit.tobit(math.huge)) .. ' ' .. tostring(bit.tobit(-math.huge)) .. ' ' .. tostring(bit.tobit(0/0)) .. ' ' .. tostring(bit.tobit('12')) .. ' ' .. tostring(bit.tobit(' 0x1F ')) .. ' ' .. tostring(bit.tobit('1e3')) .. ' ' .. tostring(bit.tobit(2^51)) .. ' ' .. tostring(bit.tobit(2^51+0.5)) .. ' ' .. tostring(bit.tobit(-2^51-0.5)) .. ' ' .. tostring(bit.tobit(0xdeadbeef))" 0
        EVAL "return tostring(bit.bnot(0)) .. ' ' .. tostring(bit.bnot(1)) .. ' ' .. tostring(bit.bnot(-1)) .. ' ' .. tostring(bit.bnot(2^31)) .. ' ' .. tostring(bit.bnot(2^31-1)) .. ' ' .. tostring(bit.bnot(-2^31)) .. ' ' .. tostring(bit.bnot(2^32)) .. ' ' .. tostring(bit.bnot(2^32+5)) .. ' ' .. tostring(bit.bnot(-2^32-1)) .. ' ' .. tostring(bit.bnot(2^52)) .. ' ' .. tostring(bit.bnot(2^53+2)) .. ' ' .. tostring(bit.bnot(1e20)) .. ' ' .. tostring(bit.bnot(-1e20)) .. ' ' .. tostring(bit.bnot(1.5)) .. ' ' .. tostring(bit.bnot(2.5)) .. ' ' .. tostring(bit.bnot(-1.5)) .. ' ' .. tostring(bit.bnot(-2.5)) .. ' ' .. tostring(bit.bnot(0.49999999999999994)) .. ' ' .. tostring(bit.bnot(3.7)) .. ' ' .. tostring(bit.bnot(math.huge)) .. ' ' .. tostring(bit.bnot(-math.huge)) .. ' ' .. tostring(bit.bnot(0/0)) .. ' ' .. tostring(bit.bnot('12')) .. ' ' .. tostring(bit.bnot(' 0x1F ')) .. ' ' .. tostring(bit.bnot('1e3')) .. ' ' .. tostring(bit.bnot(2^51)) .. ' ' .. tostring(bit.bnot(2^51+0.5)) .. ' ' .. tostring(bit.bnot(-2^51-0.5)) .. ' ' .. tostring(bit.bnot(0xdeadbeef))" 0
        EVAL "return tostring(bit.bswap(0)) .. ' ' .. tostring(bit.bswap(1)) .. ' ' .. tostring(bit.bswap(-1)) .. ' ' .. tostring(bit.bswap(2^31)) .. ' ' .. tostring(bit.bswap(2^31-1)) .. ' ' .. tostring(bit.bswap(-2^31)) .. ' ' .. tostring(bit.bswap(2^32)) .. ' ' .. tostring(bit.bswap(2^32+5)) .. ' ' .. tostring(bit.bswap(-2^32-1)) .. ' ' .. tostring(bit.bswap(2^52)) .. ' ' .. tostring(bit.bswap(2^53+2)) .. ' ' .. tostring(bit.bswap(1e20)) .. ' ' .. tostring(bit.bswap(-1e20)) .. ' ' .. tostring(bit.bswap(1.5)) .. ' ' .. tostring(bit.bswap(2.5)) .. ' ' .. tostring(bit.bswap(-1.5)) .. ' ' .. tostring(bit.bswap(-2.5)) .. ' ' .. tostring(bit.bswap(0.49999999999999994)) .. ' ' .. tostring(bit.bswap(3.7)) .. ' ' .. tostring(bit.bswap(math.huge)) .. ' ' .. tostring(bit.bswap(-math.huge)) .. ' ' .. tostring(bit.bswap(0/0)) .. ' ' .. tostring(bit.bswap('12')) .. ' ' .. tostring(bit.bswap(' 0x1F ')) .. ' ' .. tostring(bit.bswap('1e3')) .. ' ' .. tostring(bit.bswap(2^51)) .. ' ' .. tostring(bit.bswap(2^51+0.5)) .. ' ' .. tostring(bit.bswap(-2^51-0.5)) .. ' ' .. tostring(bit.bswap(0xdeadbeef))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return tostring(bit.tohex(0)) .. ' ' .. tostring(bit.tohex(1)) .. ' ' .. tostring(bit.tohex(-1)) .. ' ' .. tostring(bit.tohex(2^31)) .. ' ' .. tostring(bit.tohex(2^31-1)) .. ' ' .. tostring(bit.tohex(-2^31)) .. ' ' .. tostring(bit.tohex(2^32)) .. ' ' .. tostring(bit.tohex(2^32+5)) .. ' ' .. tostring(bit.tohex(-2^32-1)) .. ' ' .. tostring(bit.tohex(2^52)) .. ' ' .. tostring(bit.tohex(2^53+2)) .. ' ' .. tostring(bit.tohex(1e20)) .. ' ' .. tostring(bit.tohex(-1e20)) .. ' ' .. tostring(bit.tohex(1.5)) .. ' ' .. tostring(bit.tohex(2.5)) .. ' ' .. tostring(bit.tohex(-1.5)) .. ' ' .. tostring(bit.tohex(-2.5)) .. ' ' .. tostring(bit.tohex(0.49999999999999994)) .. ' ' .. tostring(bit.tohex(3.7)) .. ' ' .. tostring(bit.tohex(math.huge)) .. ' ' .. tostring(bit.tohex(-math.huge)) .. ' ' .. tostring(bit.tohex(0/0)) .. ' ' .. tostring(bit.tohex('12')) .. ' ' .. tostring(bit.tohex(' 0x1F ')) .. ' ' .. tostring(bit.tohex('1e3')) .. ' ' .. tostring(bit.tohex(2^51)) .. ' ' .. tostring(bit.tohex(2^51+0.5)) .. ' ' .. tostring(bit.tohex(-2^51-0.5)) .. ' ' .. tostring(bit.tohex(0xdeadbeef))" 0
        EVAL "return tostring(bit.band(0xff00, 0x0ff0)) .. ' ' .. tostring(bit.band(-1, 2^32+7)) .. ' ' .. tostring(bit.band(1)) .. ' ' .. tostring(bit.band(7, 3, 6)) .. ' ' .. tostring(bit.bor(1, 2, 4, 8)) .. ' ' .. tostring(bit.bor(2^31)) .. ' ' .. tostring(bit.bxor(0xf0f0, 0xff00)) .. ' ' .. tostring(bit.bxor(-1, 1, 2)) .. ' ' .. tostring(bit.band('7', '0x3'))" 0
        EVAL "return tostring(bit.lshift(1, 0)) .. ' ' .. tostring(bit.lshift(1, 31)) .. ' ' .. tostring(bit.lshift(1, 32)) .. ' ' .. tostring(bit.lshift(1, 33)) .. ' ' .. tostring(bit.lshift(1, -1)) .. ' ' .. tostring(bit.lshift(0x7fffffff, 1)) .. ' ' .. tostring(bit.rshift(-1, 0)) .. ' ' .. tostring(bit.rshift(-1, 1)) .. ' ' .. tostring(bit.rshift(-1, 31)) .. ' ' .. tostring(bit.rshift(-256, 4)) .. ' ' .. tostring(bit.rshift(1, 32)) .. ' ' .. tostring(bit.arshift(-256, 4)) .. ' ' .. tostring(bit.arshift(-1, 31)) .. ' ' .. tostring(bit.arshift(2^31, 1)) .. ' ' .. tostring(bit.arshift(256, 36))" 0
        EVAL "return tostring(bit.rol(0x12345678, 0)) .. ' ' .. tostring(bit.rol(0x12345678, 4)) .. ' ' .. tostring(bit.rol(0x12345678, 32)) .. ' ' .. tostring(bit.rol(0x12345678, 36)) .. ' ' .. tostring(bit.rol(-1, 7)) .. ' ' .. tostring(bit.ror(0x12345678, 0)) .. ' ' .. tostring(bit.ror(0x12345678, 4)) .. ' ' .. tostring(bit.ror(0x12345678, 36)) .. ' ' .. tostring(bit.ror(1, 1)) .. ' ' .. tostring(bit.ror(0x12345678, -4))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return tostring(bit.tohex(255)) .. ' ' .. tostring(bit.tohex(255, 2)) .. ' ' .. tostring(bit.tohex(255, -2)) .. ' ' .. tostring(bit.tohex(-1, 4)) .. ' ' .. tostring(bit.tohex(0x12345678, 0)) .. ' ' .. tostring(bit.tohex(0x12345678, 12)) .. ' ' .. tostring(bit.tohex(0x12345678, -12)) .. ' ' .. tostring(bit.tohex(1, 2^31)) .. ' ' .. tostring(bit.tohex(0xABCDEF12, -2^31)) .. ' ' .. tostring(bit.tohex(0xABCDEF12, 2^31)) .. ' ' .. tostring(bit.tohex(0x1f, 1.6)) .. ' ' .. tostring(bit.tohex(0x1f, '3')) .. ' ' .. tostring(bit.tohex(-2^31))" 0
        EVAL "return bit.tobit()" 0
        EVAL "return bit.tobit(nil)" 0
        EVAL "return bit.tobit('x')" 0
        EVAL "return bit.tobit({})" 0
        EVAL "return bit.tobit(true)" 0
        EVAL "return bit.bnot(cjson.null)" 0
        EVAL "return bit.band(1, 2, 'x', {})" 0
        EVAL "return bit.band(1, 'x', 3)" 0
        EVAL "return bit.bor()" 0
        EVAL "return bit.bxor(1, nil)" 0
        EVAL "return bit.lshift(1)" 0
        EVAL "return bit.lshift('a', 1)" 0
        EVAL "return bit.rshift(1, {})" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return bit.tohex(1, nil)" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return bit.tohex(1, 'z')" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return bit.tohex('z')" 0
        EVAL "return bit.bswap()" 0
        EVAL "local b = bit.band return b(1, 'x')" 0
        EVAL "return bit:band(1)" 0
        EVAL "return bit:tobit()" 0
        EVAL "local function errmsg(e) return e end return errmsg(select(2, pcall(bit.band, 'x')))" 0
        EVAL "local n = {} for k in pairs(bit) do n[#n + 1] = k end return table.concat(n, ',')" 0
        EVAL "return tostring(bit.tobit(0)) .. ' ' .. tostring(bit.tobit('0')) .. ' ' .. tostring(bit.tobit(2^32))" 0
        EVAL "return tostring(bit.band(2^32, 5))" 0
        "##,
    );
}

/// struct.pack: every format, alignment, byte order, C cast results, errors.
#[test]
fn struct_pack() {
    diff(
        r##"
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('b', -1)) .. ' ' .. hex(struct.pack('B', 255)) .. ' ' .. hex(struct.pack('b', 128)) .. ' ' .. hex(struct.pack('B', -2))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('h', -2)) .. ' ' .. hex(struct.pack('>h', -2)) .. ' ' .. hex(struct.pack('<H', 0x1234)) .. ' ' .. hex(struct.pack('>H', 0x1234))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('l', -2)) .. ' ' .. hex(struct.pack('>L', 2^40 + 3)) .. ' ' .. hex(struct.pack('T', 17)) .. ' ' .. hex(struct.pack('>T', 17))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('i', -2)) .. ' ' .. hex(struct.pack('>I', 0xdeadbeef)) .. ' ' .. hex(struct.pack('i1', 300)) .. ' ' .. hex(struct.pack('>i3', -2)) .. ' ' .. hex(struct.pack('<I5', 2^33 + 1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>i0', 5)) .. '|' .. hex(struct.pack('<i12', -2)) .. '|' .. hex(struct.pack('>I16', 2^63 + 2^62)) .. '|' .. hex(struct.pack('>i32', -1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('i33', 1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('i99999999999', 1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('c2147483648', 'x'))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local out = {} for _, v in ipairs({'2^64', '2^63', '2^63+2^62', '1e30', '0/0', 'math.huge', '-math.huge', '-1', '-2^63', '-2^64', '-1e30', '2^64-2048', '1.9', '-1.9', '0.5', '-0.5'}) do out[#out + 1] = hex(struct.pack('>L', loadstring('return ' .. v)())) end return table.concat(out, ' ')" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>l', 2^63)) .. ' ' .. hex(struct.pack('>i', 2^32 + 7)) .. ' ' .. hex(struct.pack('>B', 1.99)) .. ' ' .. hex(struct.pack('>b', -1.99))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('f', 1.5)) .. ' ' .. hex(struct.pack('>f', 1.5)) .. ' ' .. hex(struct.pack('>f', 0.1)) .. ' ' .. hex(struct.pack('>f', 1e300)) .. ' ' .. hex(struct.pack('>f', 1e-50)) .. ' ' .. hex(struct.pack('>f', 0/0))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('d', 1.5)) .. ' ' .. hex(struct.pack('>d', -0.1)) .. ' ' .. hex(struct.pack('>d', math.huge)) .. ' ' .. hex(struct.pack('>d', '2.5'))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('c', 'abc')) .. ' ' .. hex(struct.pack('c3', 'abcdef')) .. ' ' .. hex(struct.pack('c0', 'abc')) .. ' ' .. hex(struct.pack('c0', '')) .. ' ' .. hex(struct.pack('c1', 7))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('s', 'ab')) .. ' ' .. hex(struct.pack('s', '')) .. ' ' .. hex(struct.pack('s', 'a\\0b')) .. ' ' .. hex(struct.pack('s', 1.5)) .. ' ' .. hex(struct.pack('s', 1e100))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('x')) .. ' ' .. hex(struct.pack('bxb', 1, 2)) .. ' ' .. hex(struct.pack('  b  ', 3))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('!4 b i', 1, 2)) .. ' ' .. hex(struct.pack('!b d', 1, 2)) .. ' ' .. hex(struct.pack('!2 b h b i', 1, 2, 3, 4)) .. ' ' .. hex(struct.pack('!8 b T', 1, 2))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('!4 b c3 i', 1, 'xyz', 2)) .. ' ' .. hex(struct.pack('!4 b s i', 1, 'xy', 2)) .. ' ' .. hex(struct.pack('!4 b i3 b i', 1, 2, 3, 4)) .. ' ' .. hex(struct.pack('!8 b i6 b i12', 1, 2, 3, 4))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('!1 b i', 1, 2)) .. ' ' .. hex(struct.pack('!16 b d', 1, 2)) .. ' ' .. hex(struct.pack('b!4i!1b', 1, 2, 3))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>!4 b h <i', 1, 2, 3)) .. ' ' .. hex(struct.pack('>i<i', 1, 1))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('b\\0b', 1, 2))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack(''))" 0
        EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack(12, 1))" 0
        EVAL "return struct.pack('!3 b', 1)" 0
        EVAL "return struct.pack('!0 b', 1)" 0
        EVAL "return struct.pack('=i', 1)" 0
        EVAL "return struct.pack('q', 1)" 0
        EVAL "return struct.pack('5', 1)" 0
        EVAL "return struct.pack('\\255', 1)" 0
        EVAL "return struct.pack('b')" 0
        EVAL "return struct.pack('b', 'x')" 0
        EVAL "return struct.pack('b', {})" 0
        EVAL "return struct.pack('bb', 1)" 0
        EVAL "return struct.pack('d', nil)" 0
        EVAL "return struct.pack('c5', 'ab')" 0
        EVAL "return struct.pack('bc5', 1, 'ab')" 0
        EVAL "return struct.pack('s', {})" 0
        EVAL "return struct.pack('c')" 0
        EVAL "return struct.pack()" 0
        EVAL "return struct.pack({})" 0
        EVAL "return struct:pack('b', 1)" 0
        EVAL "local function errmsg(e) return e end return errmsg(select(2, pcall(struct.pack, 'b')))" 0
        EVAL "local n = {} for k in pairs(struct) do n[#n + 1] = k end return table.concat(n, ',')" 0
        "##,
    );
}

/// struct.unpack: every format, c0, offsets, errors.
#[test]
fn struct_unpack() {
    diff(
        r##"
        EVAL "return table.concat({struct.unpack('bBhHlLTiI', struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 5, -4, 2^32 - 1))}, ' ')" 0
        EVAL "return table.concat({struct.unpack('>bBhHlLTiI', struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 5, -4, 2^32 - 1))}, ' ')" 0
        EVAL "return table.concat({struct.unpack('<i3>i3', '\\255\\255\\127\\127\\255\\255')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('>L>l', '\\255\\255\\255\\255\\255\\255\\255\\255\\128\\0\\0\\0\\0\\0\\0\\0')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('>L', '\\0\\32\\0\\0\\0\\0\\0\\1')}, ' ')" 0
        EVAL "return tostring(struct.unpack('>i9', string.rep('\\255', 9))) .. ' ' .. tostring(struct.unpack('>i9', '\\0\\0\\0\\0\\0\\0\\0\\0\\128')) .. ' ' .. tostring(struct.unpack('>i16', string.rep('\\255', 16))) .. ' ' .. tostring(struct.unpack('>i12', '\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\128')) .. ' ' .. tostring(struct.unpack('>I9', string.rep('\\255', 9))) .. ' ' .. tostring(struct.unpack('<i10', '\\1\\0\\0\\0\\0\\0\\0\\0\\0\\128'))" 0
        EVAL "return table.concat({struct.unpack('>i0', '')}, ' ') .. ' ' .. table.concat({struct.unpack('i0i0', 'x')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('>f>d', struct.pack('>f>d', 1.5, -0.1))}, ' ')" 0
        EVAL "return table.concat({struct.unpack('<f<d', struct.pack('<f<d', 0.1, 1e300))}, ' ')" 0
        EVAL "return tostring(struct.unpack('>f', '\\127\\192\\0\\0')) .. ' ' .. tostring(struct.unpack('>d', '\\255\\240\\0\\0\\0\\0\\0\\0')) .. ' ' .. tostring(struct.unpack('>f', '\\0\\0\\0\\1'))" 0
        EVAL "return table.concat({struct.unpack('c3', 'abcdef')}, ' ') .. '|' .. table.concat({struct.unpack('c', 'abc')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('bc0', '\\3abcdef')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('c1c0', '3abcd')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('bc0', '\\0abc')}, '|')" 0
        EVAL "return struct.unpack('c0', 'abc')" 0
        EVAL "return struct.unpack('c1c0', 'xabc')" 0
        EVAL "return struct.unpack('bc0', '\\9abc')" 0
        EVAL "return struct.unpack('bc0', '\\255abc')" 0
        EVAL "return table.concat({struct.unpack('s', 'ab\\0cd\\0')}, ' ') .. '|' .. table.concat({struct.unpack('ss', 'ab\\0cd\\0')}, ' ') .. '|' .. table.concat({struct.unpack('s', '\\0')}, ' ')" 0
        EVAL "return struct.unpack('s', 'abc')" 0
        EVAL "return table.concat({struct.unpack('bxb', '\\1\\2\\3')}, ' ') .. '|' .. table.concat({struct.unpack('x', 'a')}, ' ')" 0
        EVAL "return table.concat({struct.unpack('!4 b i', struct.pack('!4 b i', 1, 2))}, ' ') .. '|' .. table.concat({struct.unpack('!b d', struct.pack('!b d', 7, 2.5))}, ' ')" 0
        EVAL "return table.concat({struct.unpack('!4 b i3 b i', struct.pack('!4 b i3 b i', 1, 2, 3, 4))}, ' ')" 0
        EVAL "return table.concat({struct.unpack('b', 'abc', 2)}, ' ') .. '|' .. table.concat({struct.unpack('b', 'abc', 3)}, ' ') .. '|' .. table.concat({struct.unpack('', 'abc', 10)}, ' ')" 0
        EVAL "return table.concat({struct.unpack('!4 i', '\\0\\0\\0\\0\\1\\0\\0\\0', 2)}, ' ')" 0
        EVAL "return table.concat({struct.unpack('b', 'abc', 1.9)}, ' ') .. '|' .. table.concat({struct.unpack('b', 'abc', '2')}, ' ')" 0
        EVAL "return struct.unpack('b', 'abc', 0)" 0
        EVAL "return struct.unpack('b', 'abc', -1)" 0
        EVAL "return struct.unpack('b', 'abc', 4)" 0
        EVAL "return struct.unpack(' ', 'abc', 10)" 0
        EVAL "return struct.unpack('b', 'abc', 'x')" 0
        EVAL "return struct.unpack('i', 'abc')" 0
        EVAL "return struct.unpack('bbbb', 'abc')" 0
        EVAL "return struct.unpack('d', '')" 0
        EVAL "return struct.unpack('c4', 'abc')" 0
        EVAL "return table.concat({struct.unpack('b', 5)}, ' ')" 0
        EVAL "return struct.unpack('b')" 0
        EVAL "return struct.unpack(nil, 'a')" 0
        EVAL "return struct.unpack('q', 'a')" 0
        EVAL "return struct.unpack('!5', 'a')" 0
        EVAL "return struct.unpack('i40', 'a')" 0
        EVAL "return table.concat({struct.unpack('>b\\0junk', '\\255')}, ' ')" 0
        EVAL "return select('#', struct.unpack(string.rep('b', 7900), string.rep('x', 7900))) .. ''" 0
        EVAL "return select('#', struct.unpack(string.rep('b', 8000), string.rep('x', 8000))) .. ''" 0
        EVAL "local function errmsg(e) return e end return errmsg(select(2, pcall(struct.unpack, 'i', '')))" 0
        "##,
    );
}

/// struct.size.
#[test]
fn struct_size() {
    diff(
        r##"
        EVAL "return table.concat({struct.size(''), struct.size('b'), struct.size('bBhHlLTiIfd'), struct.size('i3'), struct.size('c10'), struct.size('x'), struct.size('>!4 b i'), struct.size('!b d'), struct.size('!2 b d'), struct.size('!4 b i3 b i')}, ' ')" 0
        EVAL "return table.concat({struct.size('z'), struct.size('q5'), struct.size('5'), struct.size('bzb'), struct.size(12), struct.size('i0')}, ' ')" 0
        EVAL "return tostring(struct.size('c2147483647c2147483647'))" 0
        EVAL "return struct.size('s')" 0
        EVAL "return struct.size('bs')" 0
        EVAL "return struct.size('c0')" 0
        EVAL "return struct.size('=')" 0
        EVAL "return struct.size('!3')" 0
        EVAL "return struct.size('i33')" 0
        EVAL "return struct.size()" 0
        EVAL "return struct.size({})" 0
        EVAL "return struct.size('b\\255')" 0
        "##,
    );
}
