-- Allows ARGV[1] calls per ARGV[2] seconds on the counter KEYS[1]: 1 allowed, 0 not.
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
if count > tonumber(ARGV[1]) then
  return 0
end
return 1
