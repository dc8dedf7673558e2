namespace Fleet.Sdk.Events;

/// <summary>The Lua scripts behind durable streams: each is one atomic step on the Redis server.</summary>
internal static class DurableStreamScripts
{
    /// <summary>
    /// KEYS: stream, idempotency key. ARGV: payload, max length, idempotency seconds, notify channel,
    /// max age in milliseconds (0: none). An append whose key was seen returns the first append's id
    /// and stores nothing, so a retry after a lost reply never duplicates the event. Events older than
    /// the max age are trimmed (by id, which is the append time in milliseconds).
    /// </summary>
    public const string Append = """
        local prior = redis.call('GET', KEYS[2])
        if prior then return prior end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'p', ARGV[1])
        local age = tonumber(ARGV[5])
        if age > 0 then
          local now = redis.call('TIME')
          local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - age
          if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', oldest)) end
        end
        redis.call('SET', KEYS[2], id, 'EX', ARGV[3])
        redis.call('PUBLISH', ARGV[4], id)
        return id
        """;

    /// <summary>
    /// KEYS: stream. ARGV: group, consumer, count, claim-after milliseconds, own-pending flag. With
    /// the flag, returns first what is pending on this consumer already (delivered, but the reply
    /// was lost, or a previous run of this consumer never acknowledged it). Then takes over events
    /// other consumers left unacknowledged past claim-after, then reads new ones; creates the group
    /// (from the stream's start) when it does not exist, so a Redis that restarted empty heals itself.
    /// Returns { { id, fields, deliveries }... } and the number of pending events found trimmed away.
    /// </summary>
    public const string Read = """
        local function deliveries(id)
          local info = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
          if info[1] then return info[1][4] end
          return 1
        end
        local function read()
          local out = {}
          local trimmed = 0
          if ARGV[5] == '1' then
            local mine = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '0')
            for _, e in ipairs(mine[1][2]) do
              if e[2] then
                out[#out + 1] = { e[1], e[2], deliveries(e[1]) }
              else
                redis.call('XACK', KEYS[1], ARGV[1], e[1])
                trimmed = trimmed + 1
              end
            end
            if #out > 0 then return { out, trimmed } end
          end
          local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[4], '0-0', 'COUNT', ARGV[3])
          if claimed[3] then trimmed = trimmed + #claimed[3] end
          for _, e in ipairs(claimed[2]) do
            out[#out + 1] = { e[1], e[2], deliveries(e[1]) }
          end
          if #out == 0 then
            local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
            if r then
              for _, e in ipairs(r[1][2]) do out[#out + 1] = { e[1], e[2], 1 } end
            end
          end
          return { out, trimmed }
        end
        local ok, res = pcall(read)
        if ok then return res end
        local message = type(res) == 'table' and res.err or tostring(res)
        if string.find(message, 'NOGROUP', 1, true) then
          redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
          return read()
        end
        return redis.error_reply(message)
        """;

    /// <summary>
    /// KEYS: stream. ARGV: group, consumer, id. Acknowledges only while the event is pending on this
    /// consumer: 1 when acknowledged now; 0 when it is pending on another consumer that took it over
    /// (or the group was lost), so a consumer that was too slow learns its work was handed on; 2 when
    /// it is pending nowhere any more: an earlier attempt of this acknowledgement got through.
    /// </summary>
    public const string Ack = """
        local ok, p = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
        if not ok then return 0 end
        if #p == 1 then return redis.call('XACK', KEYS[1], ARGV[1], ARGV[3]) end
        local anywhere = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #anywhere == 0 then return 2 end
        return 0
        """;

    /// <summary>KEYS: stream. ARGV: group. Returns { length, pending, consumers } (0 pending and consumers when the group does not exist).</summary>
    public const string Info = """
        local length = redis.call('XLEN', KEYS[1])
        local ok, summary = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1])
        if not ok then return { length, 0, 0 } end
        local consumers = 0
        local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
        for _, g in ipairs(groups) do
          for i = 1, #g, 2 do
            if g[i] == 'name' and g[i + 1] == ARGV[1] then
              for j = 1, #g, 2 do if g[j] == 'consumers' then consumers = g[j + 1] end end
            end
          end
        end
        return { length, summary[1], consumers }
        """;
}
