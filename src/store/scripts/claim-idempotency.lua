-- Claims an Idempotency-Key for a rollout about to be created, or finds who holds it.
-- KEYS[1] idempotency key
-- ARGV[1] "<id>|<fingerprint>", ARGV[2] ttl s, ARGV[3] a stale holder to take over from ('' for none)
-- Returns false when claimed, or the holder's "<id>|<fingerprint>".
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[3] then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return false
