#include "run_control.h"

#include <algorithm>

namespace pidigits {
namespace {

// The API promises a callback "about every 100 ms or less often".
constexpr int64_t kReportIntervalNs = 100'000'000;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RunControl::RunControl(const ComputeOptions& options)
    : on_progress_(options.on_progress), cancel_(options.cancel), last_report_ns_(now_ns()) {}

void RunControl::begin_phase(Phase phase, double start, double end, uint64_t total_work) {
  check_cancel();
  phase_ = phase;
  phase_start_ = start;
  phase_end_ = end;
  phase_total_ = std::max<uint64_t>(total_work, 1);
  phase_done_.store(0, std::memory_order_relaxed);
  report(start, false);
}

void RunControl::add_work(uint64_t units) {
  uint64_t done = phase_done_.fetch_add(units, std::memory_order_relaxed) + units;
  check_cancel();
  if (!on_progress_) return;
  double part = std::min(1.0, static_cast<double>(done) / static_cast<double>(phase_total_));
  report(phase_start_ + (phase_end_ - phase_start_) * part, false);
}

void RunControl::finish() { report(1.0, true); }

void RunControl::report(double fraction, bool force) {
  if (!on_progress_) return;
  int64_t now = now_ns();
  if (!force && now - last_report_ns_.load(std::memory_order_relaxed) < kReportIntervalNs) {
    return;
  }
  std::lock_guard<std::mutex> lock(report_mu_);
  if (!force && now - last_report_ns_.load(std::memory_order_relaxed) < kReportIntervalNs) {
    return;  // another thread reported meanwhile
  }
  // Threads finish work out of order; never let the fraction go back.
  fraction = std::max(fraction, last_fraction_);
  if (force) fraction = 1.0;
  last_fraction_ = fraction;
  last_report_ns_.store(now, std::memory_order_relaxed);
  on_progress_(Progress{fraction, phase_});
}

}  // namespace pidigits
