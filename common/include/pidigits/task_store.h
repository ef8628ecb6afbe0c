// Reading tasks from Redis and announcing their changes on pi:events.
// Shared by pi-fcgi (registration, API) and pi-worker (every later stage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pidigits/redis.h"
#include "pidigits/task.h"

namespace pidigits {

// Loads pi:task:<n>. nullopt with *error empty: no such task; with *error set:
// Redis failed.
std::optional<Task> load_task(RedisClient& redis, uint64_t n, std::string* error);

// Publishes {"type":"task","seq":S,"task":<to_json(task)>} on pi:events, where
// S comes from INCR pi:events:seq in the same script, so sequence numbers
// follow publication order. Returns S, or 0 when Redis failed (the change itself
// is already stored; a browser that misses it resynchronises on the next gap).
int64_t publish_task(RedisClient& redis, const Task& task);

// Loads and publishes; the usual step after a stage change. Returns the task.
std::optional<Task> announce_task(RedisClient& redis, uint64_t n);

}  // namespace pidigits
