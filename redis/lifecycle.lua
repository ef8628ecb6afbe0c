#!lua name=pidigits
--[[
The task life cycle of pidigits: every change of a task, and its event, in one place.

Loaded by every pidigits process at start-up (FUNCTION LOAD REPLACE; the build embeds this file).
Operators can call any function with redis-cli, for example:
  redis-cli -p 6390 FCALL pi_get 0 1000
  redis-cli -p 6390 FCALL pi_cancel 0 1000 '' 1
  redis-cli -p 6390 FUNCTION LIST LIBRARYNAME pidigits

Stages and the status people see:
  registered, scheduled -> queued      taken, calculated -> running      stored -> done
  error -> error                       cancelled -> cancelled

Transitions (function: from -> to, caller). Each one changes the task, bumps its version by one,
takes the next event sequence number and PUBLISHes the event on pi:events, atomically; a refused
transition changes nothing and publishes nothing.
  pi_register    (none) -> scheduled, or stored when pi:digits holds n decimals      pi-fcgi
  pi_take        scheduled -> taken (attempts + 1), or error when attempts run out   worker
  pi_progress    taken -> taken (progress, phase)                                     owning worker
  pi_calculated  taken -> calculated (source, cpu_ms, peak_rss_bytes)                 owning worker
  pi_store       calculated -> stored (digit; commits staged digits)                 owning worker
                 (pi_stage, called by the worker's compute child, stages the digits first)
  pi_fail        taken | calculated -> error                                          owning worker
  pi_release     taken | calculated -> scheduled (stop or crash), or error            owning worker
  pi_reap        taken | calculated of a dead worker -> scheduled                     any worker
  pi_cancel      scheduled | taken | calculated -> cancelled                          owner, operator
  pi_retry       error | cancelled -> scheduled, or stored when cached                anyone
  pi_delete      any -> (gone; event {"type":"deleted"}, and n on pi:events:deleted)  operator
The owning worker is the one named in the task's `worker` field while the stage is taken or
calculated; any other caller is refused ('lost'), so a worker that was presumed dead (its task
reaped and given to another) can neither overwrite the result nor publish a stale event.

Events: {"type":"task","seq":S,"hash":{<the task hash without owner and client>},
"queue":{"position":P,"ahead_ms":A}} (queue only while queued), or {"type":"deleted","seq":S,
"n":N,"version":V}. pi-relay turns "hash" into the task JSON the API serves before browsers see it.
seq grows by exactly one per event, so a gap means a missed event.

Bookkeeping kept by every transition (change_stage): pi:counts (tasks per status),
pi:tasks:<status> (index per status), pi:client:<client>:active (the client's queued and running
tasks). Fair queueing: a queued task carries a virtual start tag; pi:queue is kept ordered by
tag (the right end, taken next, has the smallest), so a client's k-th waiting task waits behind
every other client's earlier ones (start-time fair queueing, see enqueue()).

All names are built here from the same prefixes as common/include/pidigits/keys.h; the functions
take no KEYS (single Redis or a replicated primary, not Redis Cluster). Times come from the
server's clock (TIME), so hosts with skewed clocks still agree.
]]

local STATUS = {
  registered = 'queued', scheduled = 'queued', taken = 'running', calculated = 'running',
  stored = 'done', error = 'error', cancelled = 'cancelled',
}
local ACTIVE = {queued = true, running = true}
local STATUSES = {'queued', 'running', 'done', 'error', 'cancelled'}

-- Redis names (keys.h spells the same).
local function task_key(n) return 'pi:task:' .. n end
local INDEX = 'pi:tasks'
local function status_index(status) return 'pi:tasks:' .. status end
local COUNTS = 'pi:counts'
local NEXT_ID = 'pi:next-id'
local QUEUE = 'pi:queue'
local CLOCK = 'pi:queue:clock'
local PACE = 'pi:eta:pace'
local function processing_key(worker) return 'pi:processing:' .. worker end
local WORKERS = 'pi:workers'
local function heartbeat_key(worker) return 'pi:worker:' .. worker end
local EVENTS = 'pi:events'
local SEQ = 'pi:events:seq'
-- The n of each deleted task: pi-fcgi caches done tasks, and deleting is the only change a done
-- task can undergo (no transition leaves 'stored'); keep it so, or announce the new way here too.
local DELETED_EVENTS = 'pi:events:deleted'
local DIGITS_INFO = 'pi:digits:info'
local function chunk_key(k) if k == 0 then return 'pi:digits' end return 'pi:digits:' .. k end
local function staging_key(worker, k) return 'pi:staging:' .. worker .. ':' .. k end
local function staged_key(worker) return 'pi:staged:' .. worker end
local function client_active_key(client) return 'pi:client:' .. client .. ':active' end
local function client_today_key(client) return 'pi:client:' .. client .. ':today' end
local METRICS = 'pi:metrics'

-- Fields a task hash may hold beside <stage>_at; cleared when a task starts over.
local RUN_FIELDS = {'phase', 'source', 'digit', 'error', 'cpu_ms', 'peak_rss_bytes',
  'taken_at', 'calculated_at', 'stored_at', 'error_at', 'cancelled_at'}

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function to_table(flat)
  local task = {}
  for i = 1, #flat, 2 do task[flat[i]] = flat[i + 1] end
  return task
end

local function load(n)
  local flat = redis.call('HGETALL', task_key(n))
  if #flat == 0 then return nil end
  return to_table(flat)
end

-- Service-wide figures of GET /metrics, kept here so that any number of workers add up:
-- tasks_computed_total and the compute_seconds histogram (pi_calculated, from taken_at; fields
-- compute_seconds_bucket|<le>, cumulative, all written by the first observation, _count, _sum),
-- tasks_failed_total (change_stage, on entering error).
local COMPUTE_BOUNDS = {'0.1', '1', '10', '60', '600', '3600', '14400'}
local function observe_compute(seconds)
  redis.call('HINCRBY', METRICS, 'tasks_computed_total', 1)
  redis.call('HINCRBY', METRICS, 'compute_seconds_count', 1)
  redis.call('HINCRBYFLOAT', METRICS, 'compute_seconds_sum', seconds)
  for _, le in ipairs(COMPUTE_BOUNDS) do
    redis.call('HINCRBY', METRICS, 'compute_seconds_bucket|' .. le, seconds <= tonumber(le) and 1 or 0)
  end
end

local function hash_reply(n)
  return redis.call('HGETALL', task_key(n))
end

-- ---------------------------------------------------------------------------------------------
-- The stored digits: "3." and the decimals of the longest pi computed, in chunks of chunk_bytes
-- (pi:digits is chunk 0, pi:digits:<k> chunk k), with pi:digits:info {length, chunk_bytes}.
-- Bytes below `length` never change (pi's prefix is pi's prefix), so a reader that reads below
-- the length it read is never disturbed by a commit.

local function digits_length()
  local info = redis.call('HMGET', DIGITS_INFO, 'length', 'chunk_bytes')
  if info[1] then return tonumber(info[1]), tonumber(info[2]) end
  return 0, nil
end

-- The n-th decimal as a one-character string, or false when not stored.
local function stored_digit(n)
  local length, chunk = digits_length()
  local offset = n + 1  -- "3." takes bytes 0 and 1
  if offset >= length then return false end
  local k = math.floor(offset / chunk)
  local digit = redis.call('GETRANGE', chunk_key(k), offset - k * chunk, offset - k * chunk)
  return digit ~= '' and digit
end

-- Promotes a worker's staged chunks (pi:staging:<worker>:<k>, k = first..last) to the stored
-- digits when they are longer. Staged chunks hold the full chunk, including bytes already stored.
-- Deletes every staging key a worker wrote (its result was committed, refused, or the worker is gone).
local function drop_staging(worker)
  local set = staged_key(worker)
  for _, key in ipairs(redis.call('SMEMBERS', set)) do redis.call('DEL', key) end
  redis.call('DEL', set)
end

local function commit_digits(worker, length, chunk, first)
  local current, stored_chunk = digits_length()
  local last = math.floor((length - 1) / chunk)
  local function drop() drop_staging(worker) end
  if length <= current then
    drop()
    return current
  end
  if stored_chunk and stored_chunk ~= chunk then
    drop()
    return redis.error_reply('staged with ' .. chunk .. '-byte chunks, stored with ' .. stored_chunk)
  end
  local from = math.floor(current / chunk)
  if from < first then
    drop()
    return redis.error_reply('staging starts at chunk ' .. first .. ', needed from ' .. from)
  end
  for k = from, last do
    local want = chunk
    if k == last then want = length - k * chunk end
    if redis.call('STRLEN', staging_key(worker, k)) ~= want then
      drop()
      return redis.error_reply('staged chunk ' .. k .. ' is incomplete')
    end
  end
  for k = from, last do
    redis.call('RENAME', staging_key(worker, k), chunk_key(k))
    redis.call('PERSIST', chunk_key(k))
    redis.call('SREM', staged_key(worker), staging_key(worker, k))
  end
  drop()
  redis.call('HSET', DIGITS_INFO, 'length', length, 'chunk_bytes', chunk)
  return length
end

-- ---------------------------------------------------------------------------------------------
-- The queue: pi:queue, LPUSHed on the left, taken (BLMOVE) from the right.

-- Position (1 = next) of each queued n, and the estimated wait before it starts: the estimates
-- of the tasks ahead plus what the running ones still need, shared by the live workers.
local function queue_positions()
  local entries = redis.call('LRANGE', QUEUE, 0, -1)
  local workers = redis.call('SMEMBERS', WORKERS)
  local running_ms = 0
  for _, worker in ipairs(workers) do
    local n = redis.call('LINDEX', processing_key(worker), 0)
    if n then
      local f = redis.call('HMGET', task_key(n), 'estimate_ms', 'progress')
      running_ms = running_ms + (tonumber(f[1]) or 0) * (1 - (tonumber(f[2]) or 0))
    end
  end
  local share = math.max(1, #workers)
  local info, ahead = {}, running_ms
  for i = #entries, 1, -1 do
    local n = entries[i]
    if not info[n] then
      info[n] = {position = #entries - i + 1, ahead_ms = math.floor(ahead / share)}
      ahead = ahead + (tonumber(redis.call('HGET', task_key(n), 'estimate_ms')) or 0)
    end
  end
  return info
end

-- ---------------------------------------------------------------------------------------------
-- Estimates. The engine's model (model_ms, passed by pi-fcgi and the worker) is the time on an
-- idle machine; pi:eta:pace is how much longer computations have really taken lately (a moving
-- average of taken -> calculated time over model_ms, updated by pi_calculated), so that a busy or
-- slower machine gets estimates that match it. estimate_ms = model_ms * pace.
local PACE_WEIGHT = 0.3    -- of the newest computation in the average
local PACE_MIN_MS = 200    -- shorter computations are mostly noise and are not counted

local function pace()
  return tonumber(redis.call('GET', PACE)) or 1
end

local function paced(model_ms)
  return tostring(math.floor((tonumber(model_ms) or 0) * pace() + 0.5))
end

local function learn_pace(task, now)
  local model, taken = tonumber(task.model_ms), tonumber(task.taken_at)
  if not model or not taken or model < PACE_MIN_MS then return end
  local ratio = math.min(50, math.max(0.1, (now - taken) / model))
  local old = pace()
  redis.call('SET', PACE, tostring(old + PACE_WEIGHT * (ratio - old)))
end

local function with_queue(n, hash, positions)
  local q = positions[tostring(n)]
  if q then return {hash, tostring(q.position), tostring(q.ahead_ms)} end
  return {hash, false, false}
end

-- A task as the functions return it: {<hash...>, queue position|nil, ahead_ms|nil}.
local function task_reply(n)
  local positions = {}
  if STATUS[redis.call('HGET', task_key(n), 'stage')] == 'queued' then
    positions = queue_positions()
  end
  return with_queue(n, hash_reply(n), positions)
end

local function tag_of(n)
  return tonumber(redis.call('HGET', task_key(n), 'tag')) or 0
end

-- Start-time fair queueing: puts n in pi:queue and returns its tag, for the caller to write in
-- the task's hash. A task's tag is max(clock, 1 + the largest tag among its client's
-- other queued or running tasks), where clock is the tag of the last task taken; pi:queue stays
-- ordered by tag, ties in arrival order. So a client with k tasks ahead waits behind every other
-- client's first, ..., k-th task, and a newcomer's first task is next after the tasks already
-- started. Returned tasks (requeue) go to the right end unchanged.
local function enqueue(n, client)
  local clock = tonumber(redis.call('GET', CLOCK)) or 0
  local last = -1
  for _, m in ipairs(redis.call('SMEMBERS', client_active_key(client))) do
    if m ~= n then last = math.max(last, tag_of(m)) end
  end
  local tag = math.max(clock, last + 1)
  -- Insert left of the leftmost entry whose tag is not larger (entries left of it are larger).
  local head = redis.call('LINDEX', QUEUE, 0)
  if not head or tag_of(head) <= tag then
    redis.call('LPUSH', QUEUE, n)
    return tostring(tag)
  end
  local entries = redis.call('LRANGE', QUEUE, 0, -1)
  for i = 2, #entries do
    if tag_of(entries[i]) <= tag then
      redis.call('LINSERT', QUEUE, 'BEFORE', entries[i], n)
      return tostring(tag)
    end
  end
  redis.call('RPUSH', QUEUE, n)
  return tostring(tag)
end

-- ---------------------------------------------------------------------------------------------
-- Events and the one place a stage changes.

-- Publishes task n's event and returns the task as the functions return it (task_reply), from
-- the same reads; `flat` (HGETALL's form), when given, is the whole hash, already known.
local function publish_task(n, flat)
  local seq = redis.call('INCR', SEQ)
  flat = flat or hash_reply(n)
  local hash = to_table(flat)
  hash.owner = nil   -- the creator's secret token
  hash.client = nil  -- a person's address is not everyone's business
  local event = {type = 'task', seq = seq, hash = hash}
  local positions = {}
  if STATUS[hash.stage] == 'queued' then
    positions = queue_positions()
    event.queue = positions[tostring(n)]
  end
  redis.call('PUBLISH', EVENTS, cjson.encode(event))
  return with_queue(n, flat, positions)
end

-- The mark of a task table that pi_register is creating. A table as key: no field read from a
-- hash (always a string key) can be mistaken for it.
local CREATED = {}

-- Moves task n (loaded as `task`, or being created: task[CREATED]) to `stage`, with `fields`
-- (a flat list) set too: one version, one updated_at, the <stage>_at time, the per-status counts
-- and indexes, and the client's set of active tasks. Then publishes the event, and returns the
-- task (task_reply). The only function that writes the stage field. A new task (no stage yet)
-- is in no index nor set.
local function change_stage(n, task, stage, fields, now)
  local key = task_key(n)
  local at = tostring(now)
  local args = {'stage', stage, stage .. '_at', at, 'updated_at', at,
    'version', tostring((tonumber(task.version) or 0) + 1)}
  for _, v in ipairs(fields or {}) do args[#args + 1] = v end
  redis.call('HSET', key, unpack(args))
  local before, after = STATUS[task.stage], STATUS[stage]
  if before ~= after then
    if before then
      redis.call('HINCRBY', COUNTS, before, -1)
      redis.call('ZREM', status_index(before), n)
    end
    redis.call('HINCRBY', COUNTS, after, 1)
    redis.call('ZADD', status_index(after), task.id, n)
    if after == 'error' then redis.call('HINCRBY', METRICS, 'tasks_failed_total', 1) end
    local client = task.client
    if client and client ~= '' then
      if ACTIVE[after] then
        redis.call('SADD', client_active_key(client), n)
      elseif before then
        redis.call('SREM', client_active_key(client), n)
      end
    end
  end
  task.stage = stage
  if task[CREATED] then  -- the hash holds what was just written: no need to read it back
    local flat = {}
    for i, v in ipairs(args) do flat[i] = tostring(v) end  -- as HGETALL: strings
    return publish_task(n, flat)
  end
  return publish_task(n)
end

-- A change within a stage (progress): version and event, no bookkeeping.
local function update_fields(n, fields, now)
  local key = task_key(n)
  fields[#fields + 1] = 'updated_at'
  fields[#fields + 1] = now
  redis.call('HSET', key, unpack(fields))
  redis.call('HINCRBY', key, 'version', 1)
  return publish_task(n)
end

local function is_running_on(task, worker)
  return task and (task.stage == 'taken' or task.stage == 'calculated') and task.worker == worker
end

-- A running task goes back to the queue's taking end (its work restarts from scratch).
local function requeue(n, task, now, fields)
  local f = {'progress', '0'}
  for _, v in ipairs(fields or {}) do f[#f + 1] = v end
  redis.call('HDEL', task_key(n), 'phase', 'taken_at', 'calculated_at', 'source')
  redis.call('RPUSH', QUEUE, n)
  return change_stage(n, task, 'scheduled', f, now)
end

-- ---------------------------------------------------------------------------------------------
-- Admission: the limits shared by pi_register and pi_retry. Returns nil when n may be queued,
-- or the refusal reply.

local function today_count(client)
  return tonumber(redis.call('GET', client_today_key(client))) or 0
end

-- Counts one more task created by client today (UTC day).
local function count_today(client, now)
  local key = client_today_key(client)
  if redis.call('INCR', key) == 1 then
    local day_end = (math.floor(now / 86400000) + 1) * 86400
    redis.call('EXPIREAT', key, day_end)
  end
end

local function day_limit_reply(client, max_day)
  local ttl = redis.call('TTL', client_today_key(client))
  if ttl < 1 then ttl = 1 end
  return {'day_full', tostring(max_day), tostring(ttl)}
end

-- a: admission(); cached: n would be answered from the stored digits.
local function refuse(a, cached)
  if a.max_day > 0 and today_count(a.client) >= a.max_day then
    return day_limit_reply(a.client, a.max_day)
  end
  if cached then return nil end
  if a.fits ~= '1' then return {'too_big'} end
  if a.max_active > 0 and redis.call('SCARD', client_active_key(a.client)) >= a.max_active then
    return {'client_full', tostring(a.max_active)}
  end
  if redis.call('LLEN', QUEUE) >= a.max_queue then return {'queue_full', tostring(a.max_queue)} end
  return nil
end

-- The admission arguments, from args[from]: client fits('1'|'0') max_queue max_active max_day
-- (0: no limit, for max_active and max_day).
local function admission(args, from)
  return {
    client = args[from], fits = args[from + 1], max_queue = tonumber(args[from + 2]),
    max_active = tonumber(args[from + 3]), max_day = tonumber(args[from + 4]),
  }
end

-- Queues n (stage scheduled), or answers it from the stored digits (stage stored, cached) when
-- `digit` (stored_digit(n)) is one; `fields` (a flat list) are written with the stage. The
-- admitting client becomes the task's client (its active set counts the task).
-- Returns 'cached' or 'queued', and the task (task_reply).
local function admit(n, task, a, estimate_ms, now, digit, fields)
  if a.max_day > 0 then count_today(a.client, now) end
  local function add(...)
    for _, v in ipairs({...}) do fields[#fields + 1] = v end
  end
  add('client', a.client)
  task.client = a.client
  if digit then  -- done at once: no estimate to keep
    local at = tostring(now)
    add('digit', digit, 'source', 'cached', 'progress', '1',
        'scheduled_at', at, 'taken_at', at, 'calculated_at', at)
    return 'cached', change_stage(n, task, 'stored', fields, now)
  end
  add('model_ms', estimate_ms, 'estimate_ms', paced(estimate_ms), 'progress', '0',
      'tag', enqueue(n, a.client))
  return 'queued', change_stage(n, task, 'scheduled', fields, now)
end

-- ---------------------------------------------------------------------------------------------
-- pi-fcgi

-- FCALL pi_register 0 n owner client fits max_queue max_active max_day estimate_ms
-- -> {'created'|'cached'|'existing', <task>} | {'too_big'} | {'queue_full', max}
--    | {'client_full', max} | {'day_full', max, retry_after_s}
-- <task> is {<hash...>, queue position|nil, ahead_ms|nil}. A function runs alone: nothing can
-- come between the EXISTS and the hash's first write, so a task is created exactly once.
local function pi_register(_, args)
  local n, owner = args[1], args[2]
  local a = admission(args, 3)
  if redis.call('EXISTS', task_key(n)) == 1 then return {'existing', task_reply(n)} end
  local digit = stored_digit(n)
  local refusal = refuse(a, digit)
  if refusal then return refusal end
  local now = now_ms()
  local id = tostring(redis.call('INCR', NEXT_ID))
  redis.call('ZADD', INDEX, id, n)
  local task = {n = n, id = id, [CREATED] = true}
  local at = tostring(now)
  local outcome, reply = admit(n, task, a, args[8], now, digit, {'id', id,
      'n', n, 'owner', owner, 'attempts', '0', 'created_at', at, 'registered_at', at})
  return {outcome == 'cached' and 'cached' or 'created', reply}
end

-- FCALL pi_cancel 0 n owner admin('1'|'0')
-- -> {'cancelled', <task>} | {'not_found'} | {'forbidden'} | {'conflict', status}
-- A running task's worker learns it at its next pi_progress ('lost') and kills its computation.
local function pi_cancel(_, args)
  local n, owner, admin = args[1], args[2], args[3] == '1'
  local task = load(n)
  if not task then return {'not_found'} end
  if not admin and (owner == '' or task.owner ~= owner) then return {'forbidden'} end
  local status = STATUS[task.stage]
  if not ACTIVE[status] then return {'conflict', status} end
  if status == 'queued' then redis.call('LREM', QUEUE, 0, n) end
  return {'cancelled', change_stage(n, task, 'cancelled', {}, now_ms())}
end

-- FCALL pi_retry 0 n client fits max_queue max_active max_day estimate_ms
-- -> {'queued'|'cached', <task>} | {'not_found'} | {'conflict', status} | refusals as register
-- The retrying client becomes the task's client (its limits apply); attempts start over.
local function pi_retry(_, args)
  local n = args[1]
  local a = admission(args, 2)
  local task = load(n)
  if not task then return {'not_found'} end
  local status = STATUS[task.stage]
  if status ~= 'error' and status ~= 'cancelled' then return {'conflict', status} end
  local digit = stored_digit(n)
  local refusal = refuse(a, digit)
  if refusal then return refusal end
  redis.call('HDEL', task_key(n), unpack(RUN_FIELDS))
  local outcome, reply = admit(n, task, a, args[7], now_ms(), digit, {'attempts', 0})
  return {outcome, reply}
end

-- FCALL pi_delete 0 n -> 'deleted' | 'not_found'
-- The task leaves every list; a worker computing it finds it gone at its next step.
local function pi_delete(_, args)
  local n = args[1]
  local task = load(n)
  if not task then return 'not_found' end
  local status = STATUS[task.stage]
  if status then
    redis.call('HINCRBY', COUNTS, status, -1)
    redis.call('ZREM', status_index(status), n)
  end
  if task.client then redis.call('SREM', client_active_key(task.client), n) end
  redis.call('LREM', QUEUE, 0, n)
  redis.call('ZREM', INDEX, n)
  redis.call('DEL', task_key(n))
  local seq = redis.call('INCR', SEQ)
  redis.call('PUBLISH', EVENTS, cjson.encode(
      {type = 'deleted', seq = seq, n = tonumber(n), version = (tonumber(task.version) or 0) + 1}))
  redis.call('PUBLISH', DELETED_EVENTS, n)
  return 'deleted'
end

-- ---------------------------------------------------------------------------------------------
-- pi-worker

-- FCALL pi_take 0 n worker max_attempts estimate_ms
-- -> {'taken', attempts, cached 0|1} | {'not_listed'} | {'missing'} | {'finished', stage}
--    | {'busy', worker} | {'gave_up', attempts, message}
-- The caller has just moved n into its processing list (BLMOVE); every answer but 'taken' and
-- 'not_listed' removes it from there. 'not_listed': n is not in the caller's list any more (the
-- reaper gave it back to the queue while the BLMOVE reply was late): nothing is changed.
local function pi_take(_, args)
  local n, worker, max_attempts = args[1], args[2], tonumber(args[3])
  local list = processing_key(worker)
  if not redis.call('LPOS', list, n) then return {'not_listed'} end
  local task = load(n)
  if not task then
    redis.call('LREM', list, 0, n)
    return {'missing'}
  end
  local status = STATUS[task.stage]
  if status ~= 'queued' and status ~= 'running' then
    redis.call('LREM', list, 0, n)
    return {'finished', task.stage}
  end
  if status == 'running' and task.worker == worker then
    -- Ours already: a repeated call (the first reply was lost). No second attempt.
    return {'taken', task.attempts, stored_digit(n) and '1' or '0'}
  end
  if status == 'running' and redis.call('EXISTS', heartbeat_key(task.worker or '')) == 1 then
    redis.call('LREM', list, 0, n)
    return {'busy', task.worker}
  end
  local now = now_ms()
  local attempts = (tonumber(task.attempts) or 0) + 1
  if attempts > max_attempts then
    local message = 'gave up after ' .. max_attempts ..
        ' attempts: the worker computing it stopped each time (last: ' .. (task.worker or 'unknown') .. ')'
    redis.call('LREM', list, 0, n)
    change_stage(n, task, 'error', {'attempts', max_attempts, 'error', message}, now)
    return {'gave_up', tostring(max_attempts), message}
  end
  local clock = tonumber(redis.call('GET', CLOCK)) or 0
  local tag = tonumber(task.tag) or 0
  if tag > clock then redis.call('SET', CLOCK, tag) end
  local cached = stored_digit(n)
  redis.call('HDEL', task_key(n), unpack(RUN_FIELDS))
  change_stage(n, task, 'taken', {'worker', worker, 'attempts', attempts, 'progress', '0',
      'model_ms', args[4], 'estimate_ms', paced(args[4])}, now)
  return {'taken', tostring(attempts), cached and '1' or '0'}
end

-- FCALL pi_progress 0 n worker progress phase -> 'ok' | 'lost'
-- Unchanged values write nothing and publish nothing: a worker calls this at least every second
-- to learn whether its task is still its own (cancelled, deleted, reaped: 'lost'). Once the task
-- is calculated (its digits being stored), only the check is made.
local function pi_progress(_, args)
  local n, worker = args[1], args[2]
  local task = load(n)
  if not is_running_on(task, worker) then return 'lost' end
  if task.stage == 'calculated' then return 'ok' end
  if task.progress == args[3] and (task.phase or '') == args[4] then return 'ok' end
  update_fields(n, {'progress', args[3], 'phase', args[4]}, now_ms())
  return 'ok'
end

-- FCALL pi_calculated 0 n worker source cpu_ms peak_rss_bytes -> 'ok' | 'lost'
local function pi_calculated(_, args)
  local n, worker = args[1], args[2]
  local task = load(n)
  if not (task and task.stage == 'taken' and task.worker == worker) then return 'lost' end
  local fields = {'source', args[3], 'progress', '1', 'phase', 'storing'}
  if args[4] ~= '' then
    fields[#fields + 1] = 'cpu_ms'
    fields[#fields + 1] = args[4]
  end
  if args[5] ~= '' then
    fields[#fields + 1] = 'peak_rss_bytes'
    fields[#fields + 1] = args[5]
  end
  local now = now_ms()
  if args[3] == 'computed' then
    learn_pace(task, now)
    observe_compute(math.max(0, now - (tonumber(task.taken_at) or now)) / 1000)
  end
  change_stage(n, task, 'calculated', fields, now)
  return 'ok'
end

-- FCALL pi_store 0 n worker length chunk_bytes first_staged_chunk
-- -> {'stored', digit} | {'lost'} | {'short'}
-- length > 0: the worker staged "3." and length - 2 decimals from chunk first_staged_chunk on;
-- they are committed when longer than the stored digits (even when the task is no longer this
-- worker's: good digits are kept). length 0: answer from the stored digits.
local function pi_store(_, args)
  local n, worker, length = args[1], args[2], tonumber(args[3])
  if length > 0 then
    local committed = commit_digits(worker, length, tonumber(args[4]), tonumber(args[5]))
    if type(committed) == 'table' then return committed end  -- an error reply
  end
  local task = load(n)
  local list = processing_key(worker)
  if task and task.stage == 'stored' and task.worker == worker then
    redis.call('LREM', list, 0, n)
    return {'stored', task.digit}  -- a repeated call: the first reply was lost
  end
  if not (task and task.stage == 'calculated' and task.worker == worker) then
    redis.call('LREM', list, 0, n)
    return {'lost'}
  end
  local digit = stored_digit(n)
  if not digit then return {'short'} end
  redis.call('HDEL', task_key(n), 'phase')  -- the engine's phase: only while running
  change_stage(n, task, 'stored', {'digit', digit, 'progress', '1'}, now_ms())
  redis.call('LREM', list, 0, n)
  return {'stored', digit}
end

-- FCALL pi_fail 0 n worker message -> 'ok' | 'lost'
local function pi_fail(_, args)
  local n, worker = args[1], args[2]
  redis.call('LREM', processing_key(worker), 0, n)
  local task = load(n)
  if not is_running_on(task, worker) then return 'lost' end
  change_stage(n, task, 'error', {'error', args[3]}, now_ms())
  return 'ok'
end

-- FCALL pi_release 0 n worker stopped('1'|'0') max_attempts crash_message
-- -> 'requeued' | 'gave_up' | 'dropped' | 'lost'
-- Gives n back: a requested stop returns the attempt; a crash keeps it, and ends the task in
-- error when attempts are used up. An n moved off the queue but not yet taken goes back as is.
local function pi_release(_, args)
  local n, worker, stopped = args[1], args[2], args[3] == '1'
  if redis.call('LREM', processing_key(worker), 0, n) == 0 then return 'lost' end
  local task = load(n)
  if not task or not ACTIVE[STATUS[task.stage]] then return 'dropped' end
  if task.stage == 'scheduled' or task.stage == 'registered' then
    redis.call('RPUSH', QUEUE, n)
    return 'requeued'
  end
  if task.worker ~= worker then return 'dropped' end
  local attempts = tonumber(task.attempts) or 0
  local now = now_ms()
  if not stopped and attempts >= tonumber(args[4]) then
    change_stage(n, task, 'error', {'error', args[5]}, now)
    return 'gave_up'
  end
  if stopped and attempts > 0 then attempts = attempts - 1 end
  requeue(n, task, now, {'attempts', attempts})
  return 'requeued'
end

-- FCALL pi_reap 0 also_reap ['only'] [not_after_ms] -> {worker, n, worker, n, ...} requeued
-- Every member of pi:workers without a heartbeat (and also_reap, alive or not: a worker process
-- that died and whose id is known; with 'only', just that one) has its processing list returned
-- to the queue's taking end.
-- Its running tasks go back to scheduled with the attempt kept (a crash counts); entries of
-- tasks that finished or run elsewhere are dropped. Atomic, so any number of reapers is safe.
-- A call that runs after not_after_ms (server time) does nothing: it was sent before a stall
-- of Redis (its client gave up on it long ago), when every heartbeat has just expired.
local function pi_reap(_, args)
  local also = args[1] or ''
  local not_after = tonumber(args[3] or '') or 0
  if not_after > 0 and now_ms() > not_after then return {} end
  local ids = {}
  if args[2] ~= 'only' then ids = redis.call('SMEMBERS', WORKERS) end
  if also ~= '' and (args[2] == 'only' or redis.call('SISMEMBER', WORKERS, also) == 0) then
    ids[#ids + 1] = also
  end
  local moved = {}
  local now = now_ms()
  for _, id in ipairs(ids) do
    if id == also or redis.call('EXISTS', heartbeat_key(id)) == 0 then
      local list = processing_key(id)
      for _, n in ipairs(redis.call('LRANGE', list, 0, -1)) do
        local task = load(n)
        if task and ACTIVE[STATUS[task.stage]] then
          if STATUS[task.stage] == 'queued' then
            redis.call('RPUSH', QUEUE, n)
            moved[#moved + 1] = id
            moved[#moved + 1] = n
          elseif task.worker == id then
            requeue(n, task, now)
            moved[#moved + 1] = id
            moved[#moved + 1] = n
          end
        end
      end
      redis.call('DEL', list)
      redis.call('SREM', WORKERS, id)
      drop_staging(id)
    end
  end
  return moved
end

-- FCALL pi_stage 0 worker k piece first('1'|'0') ttl_ms -> chunk k's staged length
-- The compute child stages its digits piece by piece (first: the chunk's first piece, which
-- replaces an older staging of it); a staging left behind expires after ttl_ms.
local function pi_stage(_, args)
  local key = staging_key(args[1], tonumber(args[2]))
  if args[4] == '1' then
    redis.call('SADD', staged_key(args[1]), key)
    redis.call('DEL', key)
  end
  local length = redis.call('APPEND', key, args[3])
  redis.call('PEXPIRE', key, args[5])
  return length
end

-- FCALL pi_heartbeat 0 worker json ttl_ms -> the server's time (ms): the worker is alive for
-- ttl_ms more.
local function pi_heartbeat(_, args)
  redis.call('SET', heartbeat_key(args[1]), args[2], 'PX', args[3])
  redis.call('SADD', WORKERS, args[1])
  return now_ms()
end

-- FCALL pi_unregister 0 worker: a clean stop (the caller has released its task first).
local function pi_unregister(_, args)
  redis.call('SREM', WORKERS, args[1])
  redis.call('DEL', heartbeat_key(args[1]))
  drop_staging(args[1])
  return 1
end

-- ---------------------------------------------------------------------------------------------
-- Reads (no writes: they work on a full Redis, and on replicas with FCALL_RO).

-- FCALL_RO pi_get 0 n -> <task> | nil
local function pi_get(_, args)
  if redis.call('EXISTS', task_key(args[1])) == 0 then return false end
  return task_reply(args[1])
end

-- FCALL_RO pi_list 0 status before limit [known_seq]
-- -> {seq, {status, count, ...}, {n, id, version, stage, n, id, ...}} newest first, limit + 1 rows
-- (one more than asked: it says whether there are more). status '' lists every task; before (a
-- task id, 0: from the newest) pages. Rows are references: pi-fcgi renders each task version
-- once and loads (pi_get_many) only those it has not rendered. The seq is read with the rows, so
-- events with a larger seq are newer than the page. SORT_RO ... BY nosort keeps the index's order
-- and reads each task's fields in the same native command (about 4x less Redis time than HMGET
-- from Lua per task). -> {seq} alone when known_seq (a caller's listing) is the current seq:
-- every change of any task moves seq, so that listing is still right.
local function pi_list(_, args)
  local status, before, limit = args[1], tonumber(args[2]), tonumber(args[3])
  local seq = tonumber(redis.call('GET', SEQ)) or 0
  if seq > 0 and seq == tonumber(args[4]) then return {seq} end
  local index = INDEX
  if status ~= '' then index = status_index(status) end
  local offset = 0
  if before > 0 then offset = redis.call('ZCOUNT', index, before, '+inf') end
  local rows = redis.call('SORT_RO', index, 'BY', 'nosort', 'DESC', 'LIMIT', offset, limit + 1,
      'GET', '#', 'GET', 'pi:task:*->id', 'GET', 'pi:task:*->version', 'GET', 'pi:task:*->stage')
  local counts = {}
  for _, s in ipairs(STATUSES) do
    counts[#counts + 1] = s
    counts[#counts + 1] = redis.call('HGET', COUNTS, s) or '0'
  end
  return {seq, counts, rows}
end

-- FCALL_RO pi_get_many 0 n... -> {<task> | nil, ...} in the same order.
local function pi_get_many(_, args)
  local out, positions = {}, nil
  for i, n in ipairs(args) do
    local hash = hash_reply(n)
    if #hash == 0 then
      out[i] = false
    else
      if not positions and STATUS[redis.call('HGET', task_key(n), 'stage')] == 'queued' then
        positions = queue_positions()
      end
      out[i] = with_queue(n, hash, positions or {})
    end
  end
  return out
end

-- FCALL_RO pi_health 0 -> {queue length, workers, stored digits length}
local function pi_health()
  local length = digits_length()
  return {redis.call('LLEN', QUEUE), redis.call('SCARD', WORKERS), length}
end

-- FCALL_RO pi_digits_info 0 -> {length, chunk_bytes (0: nothing stored yet)}
local function pi_digits_info()
  local length, chunk = digits_length()
  return {length, chunk or 0}
end

-- ---------------------------------------------------------------------------------------------
-- FCALL pi_upgrade 0 chunk_bytes: brings data written by an older pidigits up to date; run by
-- every process at start-up, cheap when there is nothing to do.
--  * per-status counts and indexes, built from the tasks when pi:counts is missing;
--  * the digits as chunks with pi:digits:info, from a single pi:digits string.
local function pi_upgrade(_, args)
  local chunk = tonumber(args[1])
  local changed = 0
  if redis.call('EXISTS', COUNTS) == 0 and redis.call('EXISTS', INDEX) == 1 then
    for _, s in ipairs(STATUSES) do redis.call('HSET', COUNTS, s, 0) end
    for _, n in ipairs(redis.call('ZRANGE', INDEX, 0, -1)) do
      local task = load(n)
      if task and STATUS[task.stage] then
        local status = STATUS[task.stage]
        redis.call('HINCRBY', COUNTS, status, 1)
        redis.call('ZADD', status_index(status), task.id or 0, n)
        changed = changed + 1
      else
        redis.call('ZREM', INDEX, n)
      end
    end
  end
  if redis.call('EXISTS', DIGITS_INFO) == 0 then
    local length = redis.call('STRLEN', chunk_key(0))
    if length > 0 then
      local last = math.floor((length - 1) / chunk)
      for k = last, 1, -1 do
        redis.call('SET', chunk_key(k),
            redis.call('GETRANGE', chunk_key(0), k * chunk, math.min((k + 1) * chunk, length) - 1))
      end
      if last > 0 then redis.call('SET', chunk_key(0), redis.call('GETRANGE', chunk_key(0), 0, chunk - 1)) end
      redis.call('HSET', DIGITS_INFO, 'length', length, 'chunk_bytes', chunk)
      changed = changed + 1
    end
  end
  return changed
end

-- FCALL_RO pi_version 0 -> the library's version; processes reload a library that differs.
local function pi_version() return '11' end

-- Redis full (maxmemory with noeviction, README "Memory"): new work (pi_register, pi_retry,
-- pi_upgrade) is refused with an OOM error, while the work already accepted goes on to its end
-- (allow-oom): its writes are bounded by the tasks in flight.
redis.register_function('pi_register', pi_register)
redis.register_function('pi_retry', pi_retry)
redis.register_function('pi_upgrade', pi_upgrade)
local function register_accepted(name, callback)
  redis.register_function{function_name = name, callback = callback, flags = {'allow-oom'}}
end
register_accepted('pi_cancel', pi_cancel)
register_accepted('pi_delete', pi_delete)
register_accepted('pi_take', pi_take)
register_accepted('pi_progress', pi_progress)
register_accepted('pi_calculated', pi_calculated)
register_accepted('pi_stage', pi_stage)
register_accepted('pi_store', pi_store)
register_accepted('pi_fail', pi_fail)
register_accepted('pi_release', pi_release)
register_accepted('pi_reap', pi_reap)
register_accepted('pi_heartbeat', pi_heartbeat)
register_accepted('pi_unregister', pi_unregister)
redis.register_function{function_name = 'pi_get', callback = pi_get, flags = {'no-writes'}}
redis.register_function{function_name = 'pi_list', callback = pi_list, flags = {'no-writes'}}
redis.register_function{function_name = 'pi_get_many', callback = pi_get_many, flags = {'no-writes'}}
redis.register_function{function_name = 'pi_health', callback = pi_health, flags = {'no-writes'}}
redis.register_function{function_name = 'pi_digits_info', callback = pi_digits_info, flags = {'no-writes'}}
redis.register_function{function_name = 'pi_version', callback = pi_version, flags = {'no-writes'}}
