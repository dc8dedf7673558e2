namespace Fleet.Sdk.Discovery;

/// <summary>
/// The registry's Lua scripts. Each runs atomically in Redis and reads the Redis clock, so that
/// expiry never depends on the clocks of the machines. Key layout (prefix <c>fleet:{name}:</c>):
/// <c>instance:{service}:{id}</c> (JSON, PX = TTL), <c>service:{service}</c> (sorted set of ids by
/// expiry), <c>services</c> (set of names), channel <c>changes</c> (service names).
/// </summary>
internal static class RedisScripts
{
    // KEYS: instance, index, services, changes-channel. ARGV: record json, owner, ttl ms, service, id.
    public const string Register = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local current = redis.call('GET', KEYS[1])
        local changed = true
        local expires = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[5]) or '0') or 0
        if current and expires <= now then
          current = nil
        end
        if current then
          local ok, old = pcall(cjson.decode, current)
          if ok and type(old) == 'table' then
            if old.owner ~= nil and old.owner ~= ARGV[2] then
              return {'conflict', tostring(old.machine or '?'), tostring(old.pid or '?'), redis.call('PTTL', KEYS[1])}
            end
            changed = old.fingerprint ~= cjson.decode(ARGV[1]).fingerprint
          end
        end
        local record = cjson.decode(ARGV[1])
        record.owner = ARGV[2]
        record.heartbeat = now
        redis.call('SET', KEYS[1], cjson.encode(record), 'PX', ARGV[3])
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[5])
        redis.call('SADD', KEYS[3], ARGV[4])
        if changed then
          redis.call('PUBLISH', KEYS[4], ARGV[4])
        end
        return {'ok', tostring(now)}
        """;

    // KEYS: instance, index, changes-channel. ARGV: owner, service, id.
    public const string Deregister = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local current = redis.call('GET', KEYS[1])
        local expires = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[3]) or '0') or 0
        if current and expires > now then
          local ok, old = pcall(cjson.decode, current)
          if ok and type(old) == 'table' and old.owner ~= nil and old.owner ~= ARGV[1] then
            return {'conflict', tostring(old.machine or '?'), tostring(old.pid or '?'), redis.call('PTTL', KEYS[1])}
          end
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[3])
        redis.call('PUBLISH', KEYS[3], ARGV[2])
        return {'ok'}
        """;

    // KEYS: index. ARGV: instance key prefix for the service. Returns live records.
    public const string Fetch = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
        local result = {}
        for i, id in ipairs(ids) do
          local value = redis.call('GET', ARGV[1] .. id)
          if value then
            result[#result + 1] = value
          end
        end
        return result
        """;

    // KEYS: services. ARGV: key prefix. Returns live records of every service, dropping empty services.
    public const string FetchAll = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local result = {}
        for _, service in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local index = ARGV[1] .. 'service:' .. service
          redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
          local ids = redis.call('ZRANGEBYSCORE', index, now, '+inf')
          if #ids == 0 then
            redis.call('SREM', KEYS[1], service)
          end
          for _, id in ipairs(ids) do
            local value = redis.call('GET', ARGV[1] .. 'instance:' .. service .. ':' .. id)
            if value then
              result[#result + 1] = value
            end
          end
        end
        return result
        """;
}
