// Registering a task for n: one Lua script decides and writes atomically, so
// that any number of pi-fcgi threads and processes racing on the same n create
// exactly one task and one queue entry.
#pragma once

#include <cstdint>
#include <string>

#include "pidigits/redis.h"
#include "pidigits/task.h"

namespace pidigits::fcgi {

enum class Outcome {
  kCreated,    // new task, queued (stage scheduled)
  kCached,     // new task answered at once from pi:digits (stage stored)
  kExisting,   // a task for n already existed; nothing written
  kQueueFull,  // pi:queue holds max_queue entries; nothing written
  kTooBig,     // n needs more memory than a worker may use; nothing written
  kFailed,     // Redis failed (error says why)
};

struct Registration {
  Outcome outcome = Outcome::kFailed;
  Task task;          // set for kCreated, kCached, kExisting
  std::string error;  // set for kFailed
};

// Registers n:
//   pi:task:<n> exists                      -> kExisting (the stored task)
//   pi:digits has >= n decimals             -> kCached: task stored with digit,
//                                              source "cached", every <stage>_at = now
//   !fits_memory                            -> kTooBig
//   LLEN pi:queue >= max_queue              -> kQueueFull
//   else INCR pi:next-id, HSET the task (stage scheduled), ZADD pi:tasks, LPUSH pi:queue
// The hash's "n" field is written with HSETNX: the guard that a task is created once.
Registration register_task(RedisClient& redis, uint64_t n, uint64_t max_queue, bool fits_memory,
                           int64_t now_ms);

// Publishes the events of a new registration: "registered" then "scheduled"
// for a queued task, a single "stored" for a cached one; nothing otherwise.
void announce_registration(RedisClient& redis, const Registration& registration);

}  // namespace pidigits::fcgi
