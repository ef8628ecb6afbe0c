#include "task_runner.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

#include "compute_child.h"
#include "pidigits/clock.h"
#include "pidigits/engine.h"
#include "pidigits/log.h"
#include "pidigits/process.h"
#include "pidigits/task_store.h"
#include "scripts.h"

namespace pidigits::worker {
namespace {

// Progress events: at most one per interval, and only for a visible change,
// so that a long computation does not flood pi:events.
constexpr int64_t kProgressEveryMs = 250;
constexpr double kProgressStep = 0.01;
constexpr auto kRetryPause = std::chrono::seconds(1);

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::string mib(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20); }

}  // namespace

std::string memory_message(uint64_t budget_bytes, uint64_t needed_bytes) {
  std::string text = "needs more memory than this worker may use (" + mib(budget_bytes) + " MiB); ";
  if (needed_bytes != 0) text += "it needs about " + mib(needed_bytes) + " MiB; ";
  return text + "ask for fewer digits, or give workers more memory (PI_WORKER_MEMORY_MB)";
}

TaskRunner::TaskRunner(RedisClient& redis, const WorkerSettings& settings, CurrentTask* current)
    : redis_(redis), settings_(settings), current_(current) {}

void TaskRunner::run(uint64_t n) {
  current_->store(n);
  try {
    run_unchecked(n);
  } catch (const std::exception& e) {
    log::error("task ", n, ": internal error: ", e.what());
    fail(n, std::string("internal error in the worker: ") + e.what());
  } catch (...) {
    log::error("task ", n, ": internal error");
    fail(n, "internal error in the worker");
  }
  current_->store(0);
}

bool TaskRunner::retry(std::string_view what, const std::function<bool(std::string*)>& step) {
  bool warned = false;
  for (;;) {
    std::string error;
    if (step(&error)) {
      if (warned) log::info(what, ": succeeded after a retry");
      return true;
    }
    if (!warned) log::warn(what, " failed: ", error, "; retrying");
    warned = true;
    auto until = std::chrono::steady_clock::now() + kRetryPause;
    while (std::chrono::steady_clock::now() < until) {
      if (shutdown_requested()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

double TaskRunner::seconds_since_taken() const {
  return static_cast<double>(steady_ms() - taken_steady_ms_) / 1000.0;
}

void TaskRunner::run_unchecked(uint64_t n) {
  const std::string& id = settings_.id;
  // A stop that came with the n: give it back untouched.
  if (shutdown_requested()) return release(n, true, "the worker is stopping");
  TakeResult taken;
  bool ok = retry("taking task " + std::to_string(n), [&](std::string* error) {
    auto result = take_task(redis_, id, n, now_ms(), error);
    if (result) taken = *result;
    return result.has_value();
  });
  if (!ok) return release(n, true, "the worker is stopping");

  switch (taken.status) {
    case TakeStatus::kMissing:
      log::warn("task ", n, " has no hash in Redis (deleted?); dropped it from the queue");
      return;
    case TakeStatus::kFinished:
      log::info("task ", n, " is already ", taken.detail, "; dropped a duplicate queue entry");
      return;
    case TakeStatus::kBusy:
      log::info("task ", n, " is running on ", taken.detail, "; dropped a duplicate queue entry");
      return;
    case TakeStatus::kGaveUp:
      log::error("task ", n, " error: ", taken.detail);
      announce_task(redis_, n);
      return;
    case TakeStatus::kTaken:
      break;
  }
  taken_steady_ms_ = steady_ms();
  log::info("task ", n, " taken (attempt ", taken.attempts, ")");
  announce_task(redis_, n);

  if (shutdown_requested()) return release(n, true, "the worker is stopping");
  if (taken.cached) return store(n, std::string(), "cached");
  if (n > settings_.max_digits || n > kMaxDigits) {
    return fail(n, "n is above the maximum of " +
                       std::to_string(std::min<uint64_t>(settings_.max_digits, kMaxDigits)) +
                       " digits");
  }
  // The engine's model says in advance what the limit would only say after
  // minutes of work.
  uint64_t needed = estimate(n, settings_.threads).peak_bytes;
  if (needed > settings_.memory_budget)
    return fail(n, memory_message(settings_.memory_budget, needed));
  compute(n);
}

void TaskRunner::compute(uint64_t n) {
  progress_at_ms_ = steady_ms();
  progress_sent_ = 0;
  ComputeRequest request{n, settings_.threads, settings_.memory_budget};
  ChildResult result = run_compute_child(
      request,
      [&](double fraction, std::string_view phase) { report_progress(n, fraction, phase); },
      shutdown_requested);

  switch (result.outcome) {
    case ChildOutcome::kDone:
      log::info("task ", n, " calculated in ", seconds_text(result.seconds));
      return store(n, result.digits, "computed");
    case ChildOutcome::kStopped:
      return release(n, true, "the worker is stopping");
    case ChildOutcome::kOutOfMemory:
      log::warn("task ", n, ": out of memory: ", result.message);
      return fail(n, memory_message(settings_.memory_budget, 0));
    case ChildOutcome::kFailed:
      return fail(n, "the computation failed: " + result.message);
    case ChildOutcome::kCrashed:
      return release(n, false, result.message);
  }
}

void TaskRunner::report_progress(uint64_t n, double fraction, std::string_view phase) {
  int64_t now = steady_ms();
  if (now - progress_at_ms_ < kProgressEveryMs || fraction - progress_sent_ < kProgressStep) return;
  progress_at_ms_ = now;
  progress_sent_ = fraction;
  std::string error;
  // A failed update is not retried: the next one carries newer progress.
  auto ours = set_progress(redis_, settings_.id, n, fraction, std::string(phase), now_ms(), &error);
  if (ours.value_or(false)) announce_task(redis_, n);
}

void TaskRunner::store(uint64_t n, const std::string& digits, std::string_view source) {
  const std::string& id = settings_.id;
  bool ours = false;
  bool ok = retry("marking task " + std::to_string(n) + " calculated", [&](std::string* error) {
    auto result = mark_calculated(redis_, id, n, std::string(source), now_ms(), error);
    if (result) ours = *result;
    return result.has_value();
  });
  if (!ok) return release(n, true, "the worker is stopping");
  if (!ours) {
    log::warn("task ", n, " was reassigned while this worker had it (heartbeat lost?); dropped it");
    // The digits are still good: the store script keeps them if longer.
    std::string error;
    if (!digits.empty()) store_result(redis_, id, n, digits, now_ms(), &error);
    return;
  }
  announce_task(redis_, n);

  StoreResult stored;
  ok = retry("storing task " + std::to_string(n), [&](std::string* error) {
    auto result = store_result(redis_, id, n, digits, now_ms(), error);
    if (result) stored = *result;
    return result.has_value();
  });
  if (!ok) return release(n, true, "the worker is stopping");
  switch (stored.status) {
    case StoreStatus::kStored:
      // PI_REDIS_MIN_REPLICAS: stored only once that many replicas have it. If
      // a failover lost it, release() requeues the task; else it is a no-op.
      if (std::string error; !redis_.wait_for_replicas(&error)) {
        log::warn("task ", n, ": its result is not confirmed by replicas: ", error);
        release(n, true, "its result was not confirmed by replicas");
      }
      announce_task(redis_, n);
      if (source == "cached") {
        log::info("task ", n, " stored (cached), digit ", stored.digit);
      } else {
        log::info("task ", n, " stored in ", seconds_text(seconds_since_taken()), ", digit ",
                  stored.digit);
      }
      return;
    case StoreStatus::kLost:
      log::warn("task ", n,
                " was reassigned while this worker had it (heartbeat lost?); dropped it");
      return;
    case StoreStatus::kShort:
      // pi:digits was deleted or cut under us: compute it after all.
      return release(n, true, "pi:digits no longer holds its digits");
  }
}

void TaskRunner::fail(uint64_t n, const std::string& message) {
  std::string error;
  auto ours = fail_task(redis_, settings_.id, n, message, now_ms(), &error);
  if (!ours) {
    log::error("task ", n, ": cannot record its error (", error, "): ", message);
    return;
  }
  if (!*ours) return;
  log::error("task ", n, " error: ", message);
  announce_task(redis_, n);
}

void TaskRunner::release(uint64_t n, bool stopped, const std::string& why) {
  std::string error;
  const std::string crash_message = "gave up after " + std::to_string(kMaxAttempts) +
                                    " attempts: the computation crashed each time (last: " + why +
                                    ")";
  // One try: on a stop there is no time for more, and if Redis is down the
  // reaper returns the task once this worker's heartbeat has expired.
  auto status = release_task(redis_, settings_.id, n, stopped, crash_message, now_ms(), &error);
  if (!status) {
    log::error("task ", n, ": cannot return it to the queue (", error, "); the reaper will");
    return;
  }
  switch (*status) {
    case ReleaseStatus::kRequeued:
      log::warn("task ", n, " returned to the queue: ", why);
      announce_task(redis_, n);
      return;
    case ReleaseStatus::kGaveUp:
      log::error("task ", n, " error: ", crash_message);
      announce_task(redis_, n);
      return;
    case ReleaseStatus::kDropped:
    case ReleaseStatus::kLost:
      return;
  }
}

}  // namespace pidigits::worker
