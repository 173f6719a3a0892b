-- The ARGV[1] most viewed of the pages KEYS[...] (counters views:<page>), as
-- page, views pairs, most viewed first.
local views = {}
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  table.insert(views, {string.sub(key, 7), count})
end
table.sort(views, function(a, b) return a[2] > b[2] end)
local top = {}
for i = 1, math.min(tonumber(ARGV[1]), #views) do
  table.insert(top, views[i][1])
  table.insert(top, views[i][2])
end
return top
