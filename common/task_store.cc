#include "pidigits/task_store.h"

#include "pidigits/keys.h"
#include "pidigits/log.h"

namespace pidigits {

std::optional<Task> load_task(RedisClient& redis, uint64_t n, std::string* error) {
  error->clear();
  Reply reply = redis.command({"HGETALL", keys::task(n)});
  if (!reply.ok()) {
    *error = reply.error();
    return std::nullopt;
  }
  return Task::from_hash(reply.strings());
}

namespace {
// KEYS: pi:events:seq, pi:events. ARGV: the task's JSON.
constexpr std::string_view kPublishScript = R"lua(
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], '{"type":"task","seq":' .. seq .. ',"task":' .. ARGV[1] .. '}')
return seq
)lua";
}  // namespace

int64_t publish_task(RedisClient& redis, const Task& task) {
  Reply reply = redis.eval(kPublishScript, {std::string(keys::event_seq()), std::string(keys::events())},
                           {to_json(task).dump()});
  if (!reply.ok()) {
    log::warn("cannot publish task ", task.n, ": ", reply.error());
    return 0;
  }
  return reply.integer().value_or(0);
}

std::optional<Task> announce_task(RedisClient& redis, uint64_t n) {
  std::string error;
  auto task = load_task(redis, n, &error);
  if (task) publish_task(redis, *task);
  return task;
}

}  // namespace pidigits
