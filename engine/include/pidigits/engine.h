// pidigits engine: the decimal digits of pi, computed with the Chudnovsky
// series by binary splitting on GMP integers.
//
// Memory: GMP aborts the process when an allocation fails ("GNU MP: Cannot
// allocate memory"), and its allocation hooks are process-wide and cannot
// report failure safely, so this library does not install them. Consequence:
// an allocation failure inside GMP TERMINATES THE PROCESS. Callers that must
// survive it (the worker) run compute_pi in a forked child with a memory limit
// (RLIMIT_AS / cgroup) sized from estimate(). Allocation failures outside GMP
// (std::bad_alloc, e.g. the output string) are reported as kOutOfMemory.
//
// Thread safety: compute_pi and estimate may run concurrently in several
// threads; each call owns all of its state.
#ifndef PIDIGITS_ENGINE_H_
#define PIDIGITS_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace pidigits {

// Phases of one run. On one thread they run as series, sqrt, division,
// conversion; with threads > 1 the square root runs beside the division and
// progress reports both as kDivision.
enum class Phase { kSeries, kDivision, kSqrt, kConversion };

// "series", "division", "sqrt", "conversion".
const char* phase_name(Phase phase);

struct Progress {
  double fraction;  // 0..1 over the whole run; never decreases within a run.
  Phase phase;      // the phase running when the report was made.
};

struct ComputeOptions {
  // Worker threads, >= 1 (values above 64 are treated as 64). The digits are
  // identical for every value.
  int threads = 1;
  // Optional. Called from one of the computing threads (never two at once),
  // at most about every 100 ms, and once with fraction exactly 1.0 at the end
  // of a successful run. Must be cheap and must not throw.
  std::function<void(const Progress&)> on_progress;
  // Optional. When it becomes true, compute_pi returns kCancelled and frees
  // its memory. Checked between GMP operations: at most ~0.1-0.2 s apart up to
  // 1e7 digits; a single top-level GMP multiplication, division or square
  // root (~5% of the run each) cannot be interrupted, which at 1e9 digits
  // means up to about a minute. The worker can kill its compute child instead.
  const std::atomic<bool>* cancel = nullptr;
};

enum class ComputeError { kNone, kBadInput, kCancelled, kOutOfMemory };

struct ComputeResult {
  ComputeError error = ComputeError::kNone;
  std::string message;  // empty on success; one line otherwise.

  // Statistics of the run: wall-clock seconds per phase (with threads > 1
  // sqrt overlaps division, so the phases can add up to more than total).
  double series_seconds = 0;
  double sqrt_seconds = 0;
  double division_seconds = 0;
  double conversion_seconds = 0;
  double total_seconds = 0;
  // getrusage(RUSAGE_SELF) ru_maxrss at the end, in bytes: the high-water
  // mark of the whole process, which includes anything it did before.
  uint64_t peak_rss_bytes = 0;
  // Guard digits of the final (successful) attempt; more than the default
  // means truncation was ambiguous and the computation was repeated.
  int guard_digits = 0;
};

constexpr uint64_t kMaxDigits = 1'000'000'000;

// Writes "3." followed by exactly n decimals of pi, truncated (never
// rounded), into *out (replacing its content). REQUIRES: out != nullptr.
// n outside [1, kMaxDigits] returns kBadInput and leaves *out unchanged.
// On kCancelled / kOutOfMemory, *out is left empty.
ComputeResult compute_pi(uint64_t n, const ComputeOptions& options, std::string* out);

struct Estimate {
  uint64_t peak_bytes;  // resident memory of compute_pi, rounded up.
  double seconds;       // wall-clock time on the reference 2-core machine.
};

// Cost of compute_pi(n) with `threads` threads, from a model fitted to
// measurements on the reference machine (see estimate.cc for the accuracy).
// n outside [1, kMaxDigits] is clamped into it.
Estimate estimate(uint64_t n, int threads);

// Optional and process-wide: makes glibc malloc keep large freed blocks
// (mmap and trim thresholds 1 GiB) instead of unmapping them and
// faulting fresh pages in for GMP's next big temporary. About 5% faster at
// 1e7 digits for a few MiB more peak RSS. Call once at start-up in a process
// that mostly computes pi (the CLI, the worker's compute child).
void tune_process_allocator();

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_H_
