// One task, from the moment BLMOVE put its n in this worker's processing list
// to the moment it leaves that list: take, answer from pi:digits or compute in
// a child process, store, and publish an event at every stage change.
//
//   scheduled --take--> taken --compute--> calculated --store--> stored
//                         |  (or cached: calculated and stored at once)
//                         +--> error (attempts used up, too big, engine refused)
//                         +--> scheduled again (stop requested, compute child crashed)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "heartbeat.h"
#include "pidigits/redis.h"

namespace pidigits::worker {

struct WorkerSettings {
  std::string id;  // "<host>:<pid>"
  RedisAddress redis;
  uint64_t max_digits = 0;     // PI_MAX_DIGITS
  uint64_t memory_budget = 0;  // bytes one computation may use (PI_WORKER_MEMORY_MB)
  int threads = 1;             // engine threads per computation
};

class TaskRunner {
 public:
  // `redis` and `current` must outlive the runner; both belong to the loop's thread.
  TaskRunner(RedisClient& redis, const WorkerSettings& settings, CurrentTask* current);

  // Handles n. Never throws: an exception becomes the task's error.
  void run(uint64_t n);

 private:
  void run_unchecked(uint64_t n);
  void compute(uint64_t n);
  // calculated, then stored; digits empty: answer from pi:digits ("cached").
  void store(uint64_t n, const std::string& digits, std::string_view source);
  void fail(uint64_t n, const std::string& message);
  void release(uint64_t n, bool stopped, const std::string& why);
  void report_progress(uint64_t n, double fraction, std::string_view phase);
  // Repeats step(&error) until it succeeds (true) or a stop is requested
  // (false), pausing between tries; one log line per failing step.
  bool retry(std::string_view what, const std::function<bool(std::string*)>& step);
  double seconds_since_taken() const;

  RedisClient& redis_;
  const WorkerSettings& settings_;
  CurrentTask* current_;
  int64_t taken_steady_ms_ = 0;
  // Progress throttle (per task): last reported time (steady ms) and fraction.
  int64_t progress_at_ms_ = 0;
  double progress_sent_ = 0;
};

// The error text for a task that needs more than the budget.
std::string memory_message(uint64_t budget_bytes, uint64_t needed_bytes);

}  // namespace pidigits::worker
