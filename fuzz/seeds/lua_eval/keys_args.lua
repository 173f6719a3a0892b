-- k1 k2 | a1
return {KEYS[1], KEYS[2], ARGV[1]}