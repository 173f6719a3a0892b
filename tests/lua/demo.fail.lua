-- Fails on purpose: the caller receives the error reply as Redis's own error.
return redis.error_reply('MYERR something went wrong')
