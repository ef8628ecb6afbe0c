#include "task_runner.h"

#include <chrono>
#include <cmath>
#include <exception>
#include <thread>

#include "compute_child.h"
#include "pidigits/clock.h"
#include "pidigits/display.h"
#include "pidigits/engine.h"
#include "pidigits/fault.h"
#include "pidigits/log.h"
#include "pidigits/process.h"

namespace pidigits::worker {
namespace {

// Progress events: at most one per interval, and only for a visible change,
// so that a long computation does not flood pi:events.
constexpr int64_t kProgressEveryMs = 250;
constexpr double kProgressStep = 0.01;
// Ownership is checked at least this often while computing.
constexpr int64_t kCheckEveryMs = 1000;
constexpr auto kRetryPause = std::chrono::seconds(1);

}  // namespace

std::string memory_message(uint64_t budget_bytes, uint64_t needed_bytes) {
  std::string text = "needs more memory than this worker may use (" + display_mebibytes(budget_bytes) + " MiB); ";
  if (needed_bytes != 0) text += "it needs about " + display_mebibytes(needed_bytes) + " MiB; ";
  return text + "ask for fewer digits, or give workers more memory (PI_WORKER_MEMORY_MB)";
}

TaskRunner::TaskRunner(RedisClient& redis, const WorkerSettings& settings, CurrentTask* current)
    : redis_(redis), settings_(settings), current_(current) {}

void TaskRunner::run(uint64_t n) {
  current_->store(n);
  attempt_ = 0;
  calculated_ = false;
  lost_ = false;
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

bool TaskRunner::retry(std::string_view what, const std::function<Status()>& step) {
  bool warned = false;
  for (;;) {
    Status status = step();
    if (status.ok()) {
      if (warned) log::info(what, ": succeeded after a retry");
      return true;
    }
    // Only an outage or a full Redis passes; anything else would fail again.
    if (status.code() != Status::Code::kUnavailable &&
        status.code() != Status::Code::kResourceExhausted) {
      log::error(what, " failed: ", status.message());
      return false;
    }
    if (!warned) log::warn(what, " failed: ", status.message(), "; retrying");
    warned = true;
    auto until = std::chrono::steady_clock::now() + kRetryPause;
    while (std::chrono::steady_clock::now() < until) {
      if (shutdown_requested()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void TaskRunner::run_unchecked(uint64_t n) {
  const std::string& id = settings_.id;
  // A stop that came with the n: give it back untouched.
  if (shutdown_requested()) return release(n, true, "the worker is stopping");
  const int64_t estimate_ms = std::llround(estimate(n, settings_.threads).seconds * 1000);
  lifecycle::Take taken;
  bool ok = retry("taking task " + std::to_string(n), [&] {
    auto result = lifecycle::take_task(redis_, id, n, kMaxAttempts, estimate_ms);
    if (result.ok()) taken = *result;
    return result.status();
  });
  if (!ok) return release(n, true, "the worker is stopping");

  switch (taken.outcome) {
    case lifecycle::TakeOutcome::kNotListed:
      log::warn("task ", n, " left this worker's list before it was taken (reaped?); skipped");
      return;
    case lifecycle::TakeOutcome::kMissing:
      log::warn("task ", n, " has no hash in Redis (deleted?); dropped it from the queue");
      return;
    case lifecycle::TakeOutcome::kFinished:
      log::info("task ", n, " is already ", taken.detail, "; dropped a stale queue entry");
      return;
    case lifecycle::TakeOutcome::kBusy:
      log::info("task ", n, " is running on ", taken.detail, "; dropped a duplicate queue entry");
      return;
    case lifecycle::TakeOutcome::kGaveUp:
      log::error("task ", n, " error: ", taken.detail);
      return;
    case lifecycle::TakeOutcome::kTaken:
      break;
  }
  attempt_ = taken.attempts;
  taken_steady_ms_ = steady_ms();
  log::info("task ", n, " taken (attempt ", taken.attempts, ")");
  fault_point("after-take", attempt_);

  if (shutdown_requested()) return release(n, true, "the worker is stopping");
  if (taken.cached) return store(n, lifecycle::Staged{}, "cached");
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

bool TaskRunner::check(uint64_t n) {
  if (shutdown_requested() || lost_) return true;
  const int64_t now = steady_ms();
  const bool changed = progress_ - progress_sent_ >= kProgressStep;
  if (now - sent_at_ms_ < (changed ? kProgressEveryMs : kCheckEveryMs)) return false;
  sent_at_ms_ = now;
  // Unchanged values write nothing: then this is only the ownership check.
  auto ours = lifecycle::report_progress(redis_, settings_.id, n, progress_, phase_);
  if (!ours.ok()) return false;  // Redis out of reach: keep computing
  progress_sent_ = progress_;
  if (!*ours) {
    log::warn("task ", n, " is no longer this worker's (cancelled, deleted or reassigned); "
              "stopping its computation");
    lost_ = true;
  }
  return lost_;
}

void TaskRunner::compute(uint64_t n) {
  progress_ = 0;
  phase_.clear();
  progress_sent_ = -1;
  sent_at_ms_ = 0;
  ComputeRequest request{n,
                         settings_.threads,
                         settings_.memory_budget,
                         settings_.redis,
                         settings_.id,
                         settings_.chunk_bytes};
  ChildCallbacks callbacks;
  callbacks.on_progress = [&](double fraction, std::string_view phase) {
    progress_ = fraction;
    phase_ = phase;
  };
  callbacks.on_computed = [&](double cpu_seconds, uint64_t peak_rss_bytes) {
    fault_point("after-computed", attempt_);
    lifecycle::Usage usage{static_cast<int64_t>(cpu_seconds * 1000),
                           static_cast<int64_t>(peak_rss_bytes)};
    // While the child stages the digits: a failure here is retried by store().
    if (!mark_calculated(n, "computed", usage)) lost_ = true;
  };
  callbacks.should_stop = [&] { return check(n); };
  ChildResult result = run_compute_child(request, callbacks);

  switch (result.outcome) {
    case ChildOutcome::kDone:
      log::info("task ", n, " calculated in ", display_duration(std::llround(result.seconds * 1000)));
      return store(n, result.staged, "computed");
    case ChildOutcome::kStopped:
      return release(n, true, lost_ ? "no longer ours" : "the worker is stopping");
    case ChildOutcome::kOutOfMemory:
      log::warn("task ", n, ": out of memory: ", result.message);
      return fail(n, memory_message(settings_.memory_budget, 0));
    case ChildOutcome::kFailed:
      return fail(n, "the computation failed: " + result.message);
    case ChildOutcome::kCrashed:
      return release(n, false, result.message);
  }
}

// One try, and false only when the task is known not to be ours: a Redis
// failure leaves calculated_ unset and store() tries again.
bool TaskRunner::mark_calculated(uint64_t n, std::string_view source,
                                 const lifecycle::Usage& usage) {
  auto ours = lifecycle::mark_calculated(redis_, settings_.id, n, source, usage);
  if (!ours.ok()) return true;
  calculated_ = *ours;
  if (calculated_) fault_point("after-calculated", attempt_);
  return calculated_;
}

void TaskRunner::store(uint64_t n, const lifecycle::Staged& staged, std::string_view source) {
  const std::string& id = settings_.id;
  bool ours = true;
  if (!calculated_) {
    bool ok = retry("marking task " + std::to_string(n) + " calculated", [&] {
      auto result = lifecycle::mark_calculated(redis_, id, n, source, lifecycle::Usage{});
      if (result.ok()) ours = *result;
      return result.status();
    });
    if (!ok) return release(n, true, "the worker is stopping");
    calculated_ = ours;
  }
  fault_point("before-store", attempt_);
  // Even when the task is no longer ours, the staged digits are good: pi_store
  // commits them if they are longer than the stored ones.
  lifecycle::Store stored;
  bool ok = retry("storing task " + std::to_string(n), [&] {
    auto result = lifecycle::store_result(redis_, id, n, staged);
    if (result.ok()) stored = *result;
    return result.status();
  });
  if (!ok) return release(n, true, "the worker is stopping");
  switch (stored.outcome) {
    case lifecycle::StoreOutcome::kStored:
      fault_point("after-store", attempt_);
      if (source == "cached") {
        log::info("task ", n, " stored (cached), digit ", stored.digit);
      } else {
        log::info("task ", n, " stored in ",
                  display_duration(steady_ms() - taken_steady_ms_), ", digit ",
                  stored.digit);
      }
      return;
    case lifecycle::StoreOutcome::kLost:
      log::warn("task ", n, " is no longer this worker's (cancelled, deleted or reassigned); "
                "its digits were kept if longer");
      return;
    case lifecycle::StoreOutcome::kShort:
      // The stored digits were deleted or cut under us: compute it after all.
      return release(n, true, "the stored digits no longer hold it");
  }
}

void TaskRunner::fail(uint64_t n, const std::string& message) {
  auto ours = lifecycle::fail_task(redis_, settings_.id, n, message);
  if (!ours.ok()) {
    log::error("task ", n, ": cannot record its error (", ours.status().message(), "): ", message);
    return;
  }
  if (*ours) log::error("task ", n, " error: ", message);
}

void TaskRunner::release(uint64_t n, bool stopped, const std::string& why) {
  const std::string crash_message = "gave up after " + std::to_string(kMaxAttempts) +
                                    " attempts: the computation crashed each time (last: " + why +
                                    ")";
  // One try: on a stop there is no time for more, and if Redis is down the
  // reaper returns the task once this worker's heartbeat has expired.
  auto status =
      lifecycle::release_task(redis_, settings_.id, n, stopped, kMaxAttempts, crash_message);
  if (!status.ok()) {
    log::error("task ", n, ": cannot return it to the queue (", status.status().message(),
               "); the reaper will");
    return;
  }
  switch (*status) {
    case lifecycle::Release::kRequeued:
      log::warn("task ", n, " returned to the queue: ", why);
      return;
    case lifecycle::Release::kGaveUp:
      log::error("task ", n, " error: ", crash_message);
      return;
    case lifecycle::Release::kDropped:
    case lifecycle::Release::kLost:
      return;
  }
}

}  // namespace pidigits::worker
