-- k1 | a1
-- redis.call's reply pushed and its error raised deep in nested pcalls and C calls
local function dive(n)
  if n == 0 then
    redis.call('rpush', KEYS[1], ARGV[1], 1.5, 2^62)
    local r = redis.call('lrange', KEYS[1], 0, -1)
    local ok, e = pcall(redis.call, 'incr', KEYS[1])
    return {r, ok, e, redis.pcall('nosuchcommand'), xpcall(function() return redis.call() end, function(x) return x end)}
  end
  return select(2, pcall(dive, n - 1))
end
return dive(190)
