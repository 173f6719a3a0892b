-- Returns a table: Redis turns it into an array reply, nested tables into nested
-- arrays, {ok=...} into a status and numbers into integers (3.7 becomes 3).
return {1, 'two', 3.7, {'nested', 4}, {ok = 'fine'}, redis.status_reply('STATUS')}
