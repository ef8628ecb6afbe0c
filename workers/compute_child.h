// Runs one compute_pi in a forked child process under an address-space limit.
//
// Why a child: GMP aborts the process when an allocation fails, so a task that
// needs more memory than allowed must not take the worker down with it. The
// child is a plain fork (no exec) that sets RLIMIT_AS, computes, and sends
// progress and then the digits (or an error) back through one pipe
// (child_protocol.h). The parent polls the pipe with a short timeout so that
// it can report progress and kill the child (SIGKILL) as soon as it is asked
// to stop. The child dies with its parent (PR_SET_PDEATHSIG), so a SIGKILLed
// worker leaves no orphan computing on.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "child_protocol.h"

namespace pidigits::worker {

struct ComputeRequest {
  uint64_t n = 0;
  int threads = 1;
  // Bytes the computation may use (0: no limit). The child's RLIMIT_AS is
  // its size at start plus this plus slack for threads (see the .cc).
  uint64_t memory_budget = 0;
};

enum class ChildOutcome {
  kDone,         // digits holds "3." + n decimals
  kOutOfMemory,  // the engine said so, or the child aborted / was SIGKILLed
  kCrashed,      // killed by another signal, or died without a result
  kFailed,       // the engine refused (bad input) or threw: message says why
  kStopped,      // should_stop() became true; the child was killed
};

struct ChildResult {
  ChildOutcome outcome = ChildOutcome::kCrashed;
  std::string digits;
  std::string message;  // why, for every outcome but kDone
  double seconds = 0;   // wall-clock time of the child
};

// Forks the child, relays progress, and waits for it. Never throws; checks
// should_stop() at least every 100 ms.
ChildResult run_compute_child(const ComputeRequest& request, const ProgressSink& on_progress,
                              const std::function<bool()>& should_stop);

}  // namespace pidigits::worker
