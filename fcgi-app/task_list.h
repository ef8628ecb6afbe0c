// Reading a page of the task list (newest first) in one round trip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pidigits/redis.h"
#include "pidigits/task.h"

namespace pidigits::fcgi {

struct TaskPage {
  int64_t seq = 0;           // pi:events:seq, read before the tasks
  std::vector<Task> tasks;   // newest first
  uint64_t next_before = 0;  // id to pass as before= for older tasks; 0: no more
};

// Tasks with id < before (before == 0: from the newest), at most `limit`.
// One Lua script reads pi:events:seq, ZREVRANGEBYSCORE pi:tasks and HGETALL
// of each task. Returns false with *error set when Redis fails.
bool list_tasks(RedisClient& redis, uint64_t limit, uint64_t before, TaskPage* page,
                std::string* error);

}  // namespace pidigits::fcgi
