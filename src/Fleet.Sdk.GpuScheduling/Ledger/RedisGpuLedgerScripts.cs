namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// The Redis ledger's Lua scripts. Each runs atomically; expiry uses the Redis clock (TIME), so
/// machines' clocks never decide whether a lease is live. A GPU's entries are one hash
/// (<c>gpu:{machine}:{index}:leases</c>, lease id -> JSON), its fencing counter a string that never
/// expires (<c>:fence</c>), its reported usage a string with a TTL (<c>:usage</c>).
/// </summary>
internal static class RedisGpuLedgerScripts
{
    private const string Prelude = """
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function live(key, now)
          local raw = redis.call('HGETALL', key)
          local entries = {}
          for i = 1, #raw, 2 do
            local e = cjson.decode(raw[i + 1])
            if e.x <= now then redis.call('HDEL', key, raw[i]) else entries[raw[i]] = e end
          end
          return entries
        end

        """;

    /// <summary>KEYS: leases, fence, index. ARGV: id, leasable, size, priority, ttl ms, workload, variant, holder, pending id or '', index member. Returns {granted, token, expires, reserved}.</summary>
    public const string Reserve = Prelude + """
        local now = now_ms()
        local entries = live(KEYS[1], now)
        local reserved = 0
        for id, e in pairs(entries) do
          if id ~= ARGV[9] then reserved = reserved + e.m end
        end
        local size = tonumber(ARGV[3])
        if entries[ARGV[1]] or reserved + size > tonumber(ARGV[2]) then
          return {0, 0, 0, reserved}
        end
        if ARGV[9] ~= '' then redis.call('HDEL', KEYS[1], ARGV[9]) end
        local token = redis.call('INCR', KEYS[2])
        local expires = now + tonumber(ARGV[5])
        redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({s = 'A', m = size, p = tonumber(ARGV[4]), x = expires, t = token, w = ARGV[6], v = ARGV[7], h = ARGV[8]}))
        redis.call('SADD', KEYS[3], ARGV[10])
        return {1, token, expires, reserved + size}
        """;

    /// <summary>KEYS: leases. ARGV: id, token, ttl ms. Returns {1 renewed | 2 revoking | 0 lost, expires, now}.</summary>
    public const string Renew = Prelude + """
        local now = now_ms()
        local e = live(KEYS[1], now)[ARGV[1]]
        if not e or e.t ~= tonumber(ARGV[2]) or e.s == 'P' then return {0, 0, now} end
        if e.s == 'R' then return {2, e.x, now} end
        e.x = now + tonumber(ARGV[3])
        redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(e))
        return {1, e.x, now}
        """;

    /// <summary>KEYS: leases. ARGV: id, token. Returns 1 when removed.</summary>
    public const string Release = Prelude + """
        local e = live(KEYS[1], now_ms())[ARGV[1]]
        if e and e.t == tonumber(ARGV[2]) then
          redis.call('HDEL', KEYS[1], ARGV[1])
          return 1
        end
        return 0
        """;

    /// <summary>KEYS: leases, index. ARGV: pending id, grace ms, pending ttl ms, size, priority, workload, variant, holder, index member, victims... Returns how many were marked.</summary>
    public const string Preempt = Prelude + """
        local now = now_ms()
        local entries = live(KEYS[1], now)
        local priority = tonumber(ARGV[5])
        local marked = 0
        for i = 10, #ARGV do
          local e = entries[ARGV[i]]
          if e and e.s == 'A' and e.p < priority then
            e.s = 'R'
            e.x = math.min(e.x, now + tonumber(ARGV[2]))
            redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(e))
            marked = marked + 1
          end
        end
        redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({s = 'P', m = tonumber(ARGV[4]), p = priority, x = now + tonumber(ARGV[3]), t = 0, w = ARGV[6], v = ARGV[7], h = ARGV[8]}))
        redis.call('SADD', KEYS[2], ARGV[9])
        return marked
        """;

    /// <summary>KEYS: leases, fence. ARGV: id, token. Returns {state or '', fence, expires}.</summary>
    public const string Validate = Prelude + """
        local e = live(KEYS[1], now_ms())[ARGV[1]]
        local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
        if e and e.t == tonumber(ARGV[2]) then return {e.s, fence, e.x} end
        return {'', fence, 0}
        """;

    /// <summary>KEYS: (leases, fence, usage) per GPU. Returns {now, {fence, usage or '', {id, json, ...}}...}.</summary>
    public const string Snapshot = Prelude + """
        local now = now_ms()
        local out = {now}
        for i = 1, #KEYS, 3 do
          live(KEYS[i], now)
          out[#out + 1] = {tonumber(redis.call('GET', KEYS[i + 1]) or '0'), redis.call('GET', KEYS[i + 2]) or '', redis.call('HGETALL', KEYS[i])}
        end
        return out
        """;

    /// <summary>KEYS: index. Returns its members (<c>machine/index</c>).</summary>
    public const string Members = "return redis.call('SMEMBERS', KEYS[1])";

    /// <summary>KEYS: usage. ARGV: used MiB, ttl ms.</summary>
    public const string Usage = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1";
}
