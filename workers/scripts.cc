#include "scripts.h"

#include <string_view>

#include "pidigits/config.h"
#include "pidigits/keys.h"

namespace pidigits::worker {
namespace {

// Take: the first step on an n just moved into our processing list.
// KEYS[1] pi:task:<n>, KEYS[2] pi:processing:<worker>, KEYS[3] pi:digits.
// ARGV[1] n, ARGV[2] worker id, ARGV[3] now (ms),
// ARGV[4] max attempts, ARGV[5] heartbeat key prefix ("pi:worker:").
// -> {'taken', attempts, cached 0|1} | {'missing'} | {'finished', stage}
//    | {'busy', worker} | {'gave_up', attempts, message}
// Reads the heartbeat of the task's current worker, a key not in KEYS: fine
// on one Redis (the design's), not on Cluster.
constexpr std::string_view kTake = R"lua(
local stage = redis.call('HGET', KEYS[1], 'stage')
if not stage then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'missing'}
end
if stage == 'stored' or stage == 'error' then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'finished', stage}
end
local last = redis.call('HGET', KEYS[1], 'worker') or ''
if (stage == 'taken' or stage == 'calculated') and last ~= ARGV[2]
    and redis.call('EXISTS', ARGV[5] .. last) == 1 then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'busy', last}
end
local max = tonumber(ARGV[4])
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > max then
  if last == '' then last = 'unknown' end
  local message = 'gave up after ' .. max ..
      ' attempts: the worker computing it stopped each time (last: ' .. last .. ')'
  redis.call('HSET', KEYS[1], 'attempts', max, 'stage', 'error', 'error', message,
             'error_at', ARGV[3], 'updated_at', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'gave_up', max, message}
end
redis.call('HDEL', KEYS[1], 'calculated_at', 'stored_at', 'error_at', 'error', 'phase', 'digit', 'source')
redis.call('HSET', KEYS[1], 'stage', 'taken', 'taken_at', ARGV[3], 'worker', ARGV[2],
           'progress', '0', 'updated_at', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
local cached = 0
if redis.call('STRLEN', KEYS[3]) >= tonumber(ARGV[1]) + 2 then cached = 1 end
return {'taken', attempts, cached}
)lua";

// KEYS[1] pi:task:<n>. ARGV[1] worker id, ARGV[2] now, ARGV[3] source. -> 1 | 0 (not ours)
constexpr std::string_view kCalculated = R"lua(
if redis.call('HGET', KEYS[1], 'stage') ~= 'taken'
    or redis.call('HGET', KEYS[1], 'worker') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'stage', 'calculated', 'calculated_at', ARGV[2], 'source', ARGV[3],
           'progress', '1', 'updated_at', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1
)lua";

// KEYS[1] pi:task:<n>, KEYS[2] pi:processing:<worker>, KEYS[3] pi:digits.
// ARGV[1] n, ARGV[2] worker id, ARGV[3] now, ARGV[4] "3." + decimals, or ''
// to answer from pi:digits. -> {'stored', digit} | {'lost'} | {'short'}
// pi:digits only grows, and its prefixes never change, so a shorter result
// never replaces it and a digit read from it later is the same digit.
constexpr std::string_view kStore = R"lua(
local n = tonumber(ARGV[1])
local digit
if ARGV[4] ~= '' then
  if #ARGV[4] > redis.call('STRLEN', KEYS[3]) then redis.call('SET', KEYS[3], ARGV[4]) end
  digit = string.sub(ARGV[4], n + 2, n + 2)
else
  digit = redis.call('GETRANGE', KEYS[3], n + 1, n + 1)
end
if redis.call('HGET', KEYS[1], 'stage') ~= 'calculated'
    or redis.call('HGET', KEYS[1], 'worker') ~= ARGV[2] then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return {'lost'}
end
if digit == '' then return {'short'} end
redis.call('HSET', KEYS[1], 'stage', 'stored', 'digit', digit, 'stored_at', ARGV[3],
           'progress', '1', 'updated_at', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('LREM', KEYS[2], 1, ARGV[1])
return {'stored', digit}
)lua";

// KEYS[1] pi:task:<n>. ARGV[1] worker id, ARGV[2] now, ARGV[3] progress, ARGV[4] phase.
// -> 1 | 0 (not ours)
constexpr std::string_view kProgress = R"lua(
if redis.call('HGET', KEYS[1], 'stage') ~= 'taken'
    or redis.call('HGET', KEYS[1], 'worker') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'progress', ARGV[3], 'phase', ARGV[4], 'updated_at', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1
)lua";

// KEYS[1] pi:task:<n>, KEYS[2] pi:processing:<worker>.
// ARGV[1] n, ARGV[2] worker id, ARGV[3] now, ARGV[4] message. -> 1 | 0 (not ours)
constexpr std::string_view kFail = R"lua(
redis.call('LREM', KEYS[2], 1, ARGV[1])
local stage = redis.call('HGET', KEYS[1], 'stage')
if (stage ~= 'taken' and stage ~= 'calculated')
    or redis.call('HGET', KEYS[1], 'worker') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'stage', 'error', 'error', ARGV[4], 'error_at', ARGV[3],
           'updated_at', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1
)lua";

// KEYS[1] pi:task:<n>, KEYS[2] pi:processing:<worker>, KEYS[3] pi:queue.
// ARGV[1] n, ARGV[2] worker id, ARGV[3] now, ARGV[4] '1' for a requested stop
// (the attempt is given back) or '0' for a crash, ARGV[5] max attempts,
// ARGV[6] the error message when a crash used up the attempts.
// -> 'requeued' | 'gave_up' | 'dropped' | 'lost'
// RPUSH: pi:queue is taken from the right, so a returned task is taken next.
// An n taken off the queue but not yet taken (stage scheduled) goes back as is.
constexpr std::string_view kRelease = R"lua(
if redis.call('LREM', KEYS[2], 1, ARGV[1]) == 0 then return 'lost' end
local stage = redis.call('HGET', KEYS[1], 'stage')
if not stage or stage == 'stored' or stage == 'error' then return 'dropped' end
local ours = (stage == 'taken' or stage == 'calculated')
    and redis.call('HGET', KEYS[1], 'worker') == ARGV[2]
if ours then
  local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') or 0
  if ARGV[4] ~= '1' and attempts >= tonumber(ARGV[5]) then
    redis.call('HSET', KEYS[1], 'stage', 'error', 'error', ARGV[6], 'error_at', ARGV[3],
               'updated_at', ARGV[3])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    return 'gave_up'
  end
  if ARGV[4] == '1' and attempts > 0 then
    redis.call('HSET', KEYS[1], 'attempts', attempts - 1)
  end
  redis.call('HDEL', KEYS[1], 'phase', 'taken_at', 'calculated_at', 'source')
  redis.call('HSET', KEYS[1], 'stage', 'scheduled', 'scheduled_at', ARGV[3], 'progress', '0',
             'updated_at', ARGV[3])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
end
redis.call('RPUSH', KEYS[3], ARGV[1])
return 'requeued'
)lua";

// KEYS[1] pi:worker:<id>, KEYS[2] pi:workers. ARGV[1] JSON, ARGV[2] TTL (ms), ARGV[3] id.
constexpr std::string_view kHeartbeat = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1
)lua";

// KEYS[1] pi:workers, KEYS[2] pi:worker:<id>. ARGV[1] id.
constexpr std::string_view kUnregister = R"lua(
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
)lua";

// The reaper. KEYS[1] pi:workers, KEYS[2] pi:queue. ARGV[1] processing list
// prefix, ARGV[2] heartbeat prefix, ARGV[3] task hash prefix, ARGV[4] now,
// ARGV[5] an id to reap even if alive, or ''. -> {id, n, id, n, ...} requeued.
// It reads and writes keys built from those prefixes, not passed in KEYS:
// fine on one Redis (the design's), not on Redis Cluster.
// The worker field is kept: it names the last worker in a later error.
constexpr std::string_view kReap = R"lua(
local ids = redis.call('SMEMBERS', KEYS[1])
if ARGV[5] ~= '' and redis.call('SISMEMBER', KEYS[1], ARGV[5]) == 0 then
  ids[#ids + 1] = ARGV[5]
end
local moved = {}
for _, id in ipairs(ids) do
  if id == ARGV[5] or redis.call('EXISTS', ARGV[2] .. id) == 0 then
    local list = ARGV[1] .. id
    for _, n in ipairs(redis.call('LRANGE', list, 0, -1)) do
      local task = ARGV[3] .. n
      local stage = redis.call('HGET', task, 'stage')
      local running = stage == 'taken' or stage == 'calculated'
      -- Running on another worker: a duplicate entry; that worker owns it.
      if stage and stage ~= 'stored' and stage ~= 'error'
          and (not running or redis.call('HGET', task, 'worker') == id) then
        redis.call('RPUSH', KEYS[2], n)
        if running then
          redis.call('HDEL', task, 'phase', 'taken_at', 'calculated_at', 'source')
          redis.call('HSET', task, 'stage', 'scheduled', 'scheduled_at', ARGV[4], 'progress', '0',
                     'updated_at', ARGV[4])
          redis.call('HINCRBY', task, 'version', 1)
        end
        moved[#moved + 1] = id
        moved[#moved + 1] = n
      end
    end
    redis.call('DEL', list)
    redis.call('SREM', KEYS[1], id)
  end
end
return moved
)lua";

// Runs a script; nullopt with *error on failure.
std::optional<Reply> run(RedisClient& redis, std::string_view lua, std::vector<std::string> keys,
                         std::vector<std::string> args, std::string* error) {
  Reply reply = redis.eval(lua, keys, args);
  if (!reply.ok()) {
    *error = reply.error();
    return std::nullopt;
  }
  return reply;
}

std::optional<int64_t> run_integer(RedisClient& redis, std::string_view lua,
                                   std::vector<std::string> keys, std::vector<std::string> args,
                                   std::string* error) {
  auto reply = run(redis, lua, std::move(keys), std::move(args), error);
  if (!reply) return std::nullopt;
  auto value = reply->integer();
  if (!value) *error = "unexpected reply from a worker script";
  return value;
}

std::string task_prefix() {
  std::string key = keys::task(0);
  key.pop_back();  // keys.h builds "pi:task:<n>"; the reaper appends n itself
  return key;
}

std::string str(int64_t v) { return std::to_string(v); }
std::string str(uint64_t v) { return std::to_string(v); }

}  // namespace

std::optional<TakeResult> take_task(RedisClient& redis, const std::string& worker, uint64_t n,
                                    int64_t now, std::string* error) {
  auto reply =
      run(redis, kTake, {keys::task(n), keys::processing(worker), std::string(keys::digits())},
          {str(n), worker, str(now), std::to_string(kMaxAttempts), keys::heartbeat("")}, error);
  if (!reply) return std::nullopt;
  std::vector<std::string> parts = reply->strings();
  TakeResult result;
  uint64_t number = 0;
  if (parts.size() == 3 && parts[0] == "taken") {
    result.status = TakeStatus::kTaken;
    result.attempts = parse_uint(parts[1], 0, 1000, &number) ? static_cast<int>(number) : 0;
    result.cached = parts[2] == "1";
  } else if (parts.size() == 1 && parts[0] == "missing") {
    result.status = TakeStatus::kMissing;
  } else if (parts.size() == 2 && parts[0] == "finished") {
    result.status = TakeStatus::kFinished;
    result.detail = parts[1];
  } else if (parts.size() == 2 && parts[0] == "busy") {
    result.status = TakeStatus::kBusy;
    result.detail = parts[1];
  } else if (parts.size() == 3 && parts[0] == "gave_up") {
    result.status = TakeStatus::kGaveUp;
    result.attempts = parse_uint(parts[1], 0, 1000, &number) ? static_cast<int>(number) : 0;
    result.detail = parts[2];
  } else {
    *error = "unexpected reply from the take script";
    return std::nullopt;
  }
  return result;
}

std::optional<bool> mark_calculated(RedisClient& redis, const std::string& worker, uint64_t n,
                                    const std::string& source, int64_t now, std::string* error) {
  auto value = run_integer(redis, kCalculated, {keys::task(n)}, {worker, str(now), source}, error);
  if (!value) return std::nullopt;
  return *value == 1;
}

std::optional<StoreResult> store_result(RedisClient& redis, const std::string& worker, uint64_t n,
                                        const std::string& digits, int64_t now,
                                        std::string* error) {
  auto reply =
      run(redis, kStore, {keys::task(n), keys::processing(worker), std::string(keys::digits())},
          {str(n), worker, str(now), digits}, error);
  if (!reply) return std::nullopt;
  std::vector<std::string> parts = reply->strings();
  StoreResult result;
  if (parts.size() == 2 && parts[0] == "stored" && parts[1].size() == 1 && parts[1][0] >= '0' &&
      parts[1][0] <= '9') {
    result.status = StoreStatus::kStored;
    result.digit = parts[1][0] - '0';
  } else if (parts.size() == 1 && parts[0] == "lost") {
    result.status = StoreStatus::kLost;
  } else if (parts.size() == 1 && parts[0] == "short") {
    result.status = StoreStatus::kShort;
  } else {
    *error = "unexpected reply from the store script";
    return std::nullopt;
  }
  return result;
}

std::optional<bool> set_progress(RedisClient& redis, const std::string& worker, uint64_t n,
                                 double progress, const std::string& phase, int64_t now,
                                 std::string* error) {
  auto value = run_integer(redis, kProgress, {keys::task(n)},
                           {worker, str(now), std::to_string(progress), phase}, error);
  if (!value) return std::nullopt;
  return *value == 1;
}

std::optional<bool> fail_task(RedisClient& redis, const std::string& worker, uint64_t n,
                              const std::string& message, int64_t now, std::string* error) {
  auto value = run_integer(redis, kFail, {keys::task(n), keys::processing(worker)},
                           {str(n), worker, str(now), message}, error);
  if (!value) return std::nullopt;
  return *value == 1;
}

std::optional<ReleaseStatus> release_task(RedisClient& redis, const std::string& worker, uint64_t n,
                                          bool stopped, const std::string& crash_message,
                                          int64_t now, std::string* error) {
  auto reply = run(
      redis, kRelease, {keys::task(n), keys::processing(worker), std::string(keys::queue())},
      {str(n), worker, str(now), stopped ? "1" : "0", std::to_string(kMaxAttempts), crash_message},
      error);
  if (!reply) return std::nullopt;
  std::string status = reply->string().value_or("");
  if (status == "requeued") return ReleaseStatus::kRequeued;
  if (status == "gave_up") return ReleaseStatus::kGaveUp;
  if (status == "dropped") return ReleaseStatus::kDropped;
  if (status == "lost") return ReleaseStatus::kLost;
  *error = "unexpected reply from the release script";
  return std::nullopt;
}

bool send_heartbeat(RedisClient& redis, const std::string& worker, const std::string& json,
                    int64_t ttl_ms, std::string* error) {
  return run_integer(redis, kHeartbeat, {keys::heartbeat(worker), std::string(keys::workers())},
                     {json, str(ttl_ms), worker}, error)
      .has_value();
}

bool unregister_worker(RedisClient& redis, const std::string& worker, std::string* error) {
  return run_integer(redis, kUnregister, {std::string(keys::workers()), keys::heartbeat(worker)},
                     {worker}, error)
      .has_value();
}

std::optional<std::vector<Requeued>> reap_dead_workers(RedisClient& redis,
                                                       const std::string& also_reap, int64_t now,
                                                       std::string* error) {
  auto reply =
      run(redis, kReap, {std::string(keys::workers()), std::string(keys::queue())},
          {keys::processing(""), keys::heartbeat(""), task_prefix(), str(now), also_reap}, error);
  if (!reply) return std::nullopt;
  std::vector<std::string> flat = reply->strings();
  std::vector<Requeued> moved;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    Requeued r{flat[i], 0};
    if (parse_uint(flat[i + 1], 1, UINT64_MAX, &r.n)) moved.push_back(std::move(r));
  }
  return moved;
}

}  // namespace pidigits::worker
