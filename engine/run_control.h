// Progress reporting and cancellation for one compute_pi run, shared by the
// phases and their threads.
#ifndef PIDIGITS_ENGINE_RUN_CONTROL_H_
#define PIDIGITS_ENGINE_RUN_CONTROL_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "pidigits/engine.h"

namespace pidigits {

// Thrown between GMP operations when the caller's cancel flag is set; caught
// by compute_pi. Stack unwinding frees every Mpz on the way.
struct Cancelled {};

class RunControl {
 public:
  explicit RunControl(const ComputeOptions& options);

  // Starts `phase`, which covers [start, end] of the whole run's fraction and
  // whose add_work units add up to `total_work`. Call with no worker running.
  void begin_phase(Phase phase, double start, double end, uint64_t total_work);

  // Records finished work of the current phase; thread-safe. Reads a clock,
  // so callers batch work (e.g. only nodes of >= 32 series terms call it).
  // Throws Cancelled if the cancel flag is set.
  void add_work(uint64_t units);

  // Throws Cancelled if the cancel flag is set.
  void check_cancel() const {
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
      throw Cancelled{};
    }
  }

  // Work units recorded since begin_phase.
  uint64_t phase_done() const { return phase_done_.load(std::memory_order_relaxed); }

  // Reports fraction 1.0 (always, regardless of the rate limit).
  void finish();

 private:
  void report(double fraction, bool force);

  const std::function<void(const Progress&)>& on_progress_;
  const std::atomic<bool>* cancel_;

  Phase phase_ = Phase::kSeries;
  double phase_start_ = 0;
  double phase_end_ = 0;
  uint64_t phase_total_ = 1;
  std::atomic<uint64_t> phase_done_{0};

  // Steady-clock nanoseconds of the last report; read without the mutex so
  // that the common "too early" case costs one clock read.
  std::atomic<int64_t> last_report_ns_{0};
  std::mutex report_mu_;      // serializes on_progress_ calls
  double last_fraction_ = 0;  // guarded by report_mu_
};

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_RUN_CONTROL_H_
