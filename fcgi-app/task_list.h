// Reading a page of the task list (newest first) in one round trip, as
// references to task versions; the pages and the API render each version once
// (render_cache.h) and load only the tasks they have not rendered yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pidigits/redis.h"
#include "pidigits/task.h"

namespace pidigits::fcgi {

// One version of one task: what a rendered text of it is cached under.
struct TaskRef {
  uint64_t n = 0;
  uint64_t id = 0;
  uint64_t version = 0;
};

struct TaskPage {
  int64_t seq = 0;             // pi:events:seq, read before the tasks
  std::vector<TaskRef> tasks;  // newest first
  uint64_t next_before = 0;    // id to pass as before= for older tasks; 0: no more
  size_t listed = 0;           // index entries read (limit + 1 when there are more)
};

// Tasks with id < before (before == 0: from the newest), at most `limit`, in
// one round trip: pi:events:seq, then SORT pi:tasks with the id and version
// of each task (not the whole hash: a page is mostly rendered already).
// Returns false with *error set when Redis fails.
bool list_tasks(RedisClient& redis, uint64_t limit, uint64_t before, TaskPage* page,
                std::string* error);

// The tasks `ns`, in order, in one round trip (HGETALL of each); nullopt for
// a task that is gone. Returns false with *error set when Redis fails.
bool load_tasks(RedisClient& redis, const std::vector<uint64_t>& ns,
                std::vector<std::optional<Task>>* tasks, std::string* error);

}  // namespace pidigits::fcgi
