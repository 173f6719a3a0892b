-- Stores ARGV[1] under KEYS[1], pushes the other arguments onto the list KEYS[2],
-- and answers what is stored with how many keys and arguments it got.
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
return {
    redis.call('GET', KEYS[1]),
    redis.call('LRANGE', KEYS[2], 0, -1),
    #KEYS,
    #ARGV,
}
