-- k1 k2 | a1 a2 a3
-- every kind of result read off the stack, and argument types redis.call refuses
redis.setresp(3)
local m = redis.call('hgetall', 'nohash')
local results = {
  {ok = 'fine\r\n'}, {double = 1.5}, {big_number = '123'},
  {verbatim_string = {format = 'txt', string = 'hi'}},
  {map = {a = 1, [2] = true}}, {set = {x = true}}, m, true, false, 3.7, -0.0, 0/0,
  setmetatable({}, {__index = function() return 'x' end}),
}
pcall(redis.call, 'set', KEYS[1], {})
pcall(redis.call, 'set', KEYS[1], nil)
pcall(redis.call, 'set', KEYS[2], function() end)
return {KEYS, ARGV, results, {err = 'last'}}
