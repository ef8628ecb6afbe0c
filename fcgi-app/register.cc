#include "register.h"

#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/task_store.h"

namespace pidigits::fcgi {
namespace {
// KEYS: pi:task:<n>, pi:queue, pi:next-id, pi:tasks, pi:digits
// ARGV: n, now (ms), max_queue, fits_memory ("1" | "0")
// Returns {outcome, field, value, ...}: the task's hash after the call
// (empty for "full" and "too_big").
constexpr std::string_view kRegisterScript = R"lua(
local task, queue, next_id, index, digits = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local n, now = ARGV[1], ARGV[2]
local function reply(outcome)
  local fields = redis.call('HGETALL', task)
  table.insert(fields, 1, outcome)
  return fields
end
if redis.call('EXISTS', task) == 1 then return reply('existing') end
local need = tonumber(n) + 2  -- "3." and n decimals
local cached = redis.call('STRLEN', digits) >= need
if not cached then
  if ARGV[4] ~= '1' then return {'too_big'} end
  if redis.call('LLEN', queue) >= tonumber(ARGV[3]) then return {'full'} end
end
if redis.call('HSETNX', task, 'n', n) == 0 then return reply('existing') end
local id = redis.call('INCR', next_id)
redis.call('ZADD', index, id, n)
if cached then
  local digit = redis.call('GETRANGE', digits, need - 1, need - 1)
  redis.call('HSET', task, 'id', id, 'version', 1, 'stage', 'stored', 'digit', digit,
    'source', 'cached',
    'attempts', '0', 'progress', '1', 'created_at', now, 'updated_at', now,
    'registered_at', now, 'scheduled_at', now, 'taken_at', now, 'calculated_at', now,
    'stored_at', now)
  return reply('cached')
end
-- Version 2: version 1 is the "registered" state its first event shows.
redis.call('HSET', task, 'id', id, 'version', 2, 'stage', 'scheduled', 'attempts', '0',
  'progress', '0',
  'created_at', now, 'updated_at', now, 'registered_at', now, 'scheduled_at', now)
redis.call('LPUSH', queue, n)
return reply('created')
)lua";

Registration failed(std::string why) {
  Registration r;
  r.error = std::move(why);
  return r;
}
}  // namespace

Registration register_task(RedisClient& redis, uint64_t n, uint64_t max_queue, bool fits_memory,
                           int64_t now_ms) {
  Reply reply =
      redis.eval(kRegisterScript,
                 {keys::task(n), std::string(keys::queue()), std::string(keys::next_task_id()),
                  std::string(keys::task_index()), std::string(keys::digits())},
                 {std::to_string(n), std::to_string(now_ms), std::to_string(max_queue),
                  fits_memory ? "1" : "0"});
  if (!reply.ok()) return failed(reply.error());
  // PI_REDIS_MIN_REPLICAS: no 201/200 before that many replicas have the task.
  if (std::string error; !redis.wait_for_replicas(&error)) return failed(error);
  std::vector<std::string> fields = reply.strings();
  if (fields.empty()) return failed("registration script returned nothing");
  Registration r;
  const std::string outcome = fields.front();
  if (outcome == "full") {
    r.outcome = Outcome::kQueueFull;
    return r;
  }
  if (outcome == "too_big") {
    r.outcome = Outcome::kTooBig;
    return r;
  }
  fields.erase(fields.begin());
  auto task = Task::from_hash(fields);
  if (!task) return failed("task " + std::to_string(n) + " in Redis is malformed");
  r.task = *task;
  if (outcome == "created") {
    r.outcome = Outcome::kCreated;
  } else if (outcome == "cached") {
    r.outcome = Outcome::kCached;
  } else if (outcome == "existing") {
    r.outcome = Outcome::kExisting;
  } else {
    return failed("registration script returned " + outcome);
  }
  return r;
}

void announce_registration(RedisClient& redis, const Registration& registration) {
  const Task& task = registration.task;
  if (registration.outcome == Outcome::kCreated) {
    Task registered = task;
    registered.stage = Stage::kRegistered;
    registered.version = task.version - 1;
    publish_task(redis, registered);
    publish_task(redis, task);
    log::info("task ", task.n, " registered (id ", task.id, ")");
  } else if (registration.outcome == Outcome::kCached) {
    publish_task(redis, task);
    log::info("task ", task.n, " registered (id ", task.id, "), answered from the stored digits");
  }
}

}  // namespace pidigits::fcgi
