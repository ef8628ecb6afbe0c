// Runs one compute_pi in a forked child process under an address-space limit,
// and has the child stage the digits in Redis itself.
//
// Why a child: GMP aborts the process when an allocation fails, so a task that
// needs more memory than allowed must not take the worker down with it. The
// child is a plain fork (no exec) that sets RLIMIT_AS and routes GMP's
// allocations through functions that report a failure on the pipe before
// exiting, computes, reports "computed" (CPU time, peak RSS), then stages the
// digits in Redis (digits.h stage(), waiting out a Redis outage) and reports
// where (child_protocol.h). The digits never cross the pipe: the worker
// process holds no copy of a result, however large. The parent polls the pipe
// with a short timeout so that it can report progress and kill the child
// (SIGKILL) as soon as it must stop. The child dies with its parent
// (PR_SET_PDEATHSIG), so a SIGKILLed worker leaves no orphan computing on.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "child_protocol.h"
#include "pidigits/config.h"
#include "pidigits/lifecycle.h"

namespace pidigits::worker {

struct ComputeRequest {
  uint64_t n = 0;
  int threads = 1;
  // Bytes the computation may use (0: no limit). The child's RLIMIT_AS is
  // its size at start plus this plus slack for threads (see the .cc).
  uint64_t memory_budget = 0;
  // Where the child stages the digits: the worker's Redis and id, and the
  // chunk size to use when nothing is stored yet.
  RedisAddress redis;
  std::string worker;
  uint64_t chunk_bytes = kDefaultDigitsChunkBytes;
};

enum class ChildOutcome {
  kDone,         // staged holds where the digits are (length 0: already stored)
  kOutOfMemory,  // the child reported an allocation failure: permanent
  kCrashed,      // killed by a signal (an operator, the OOM killer) or died
                 // without a result: worth another attempt
  kFailed,       // the engine refused (bad input) or threw, or staging failed
  kStopped,      // should_stop() became true; the child was killed
};

struct ChildResult {
  ChildOutcome outcome = ChildOutcome::kCrashed;
  lifecycle::Staged staged;  // kDone
  lifecycle::Usage usage;    // once the engine finished
  std::string message;       // why, for every outcome but kDone
  double seconds = 0;        // wall-clock time of the child
};

struct ChildCallbacks {
  ProgressSink on_progress;    // each progress report
  ComputedSink on_computed;    // the engine finished; staging starts
  std::function<bool()> should_stop;  // polled at least every 100 ms
};

// Forks the child, relays its reports, and waits for it. Never throws.
ChildResult run_compute_child(const ComputeRequest& request, const ChildCallbacks& callbacks);

}  // namespace pidigits::worker
