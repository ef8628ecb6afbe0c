// pi-worker's command line: [--procs N] [--threads T] (also --procs=N).
#pragma once

#include "pidigits/status.h"

namespace pidigits::worker {

struct Options {
  int procs = 0;    // 0: PI_WORKERS, else the number of cores (Config::workers)
  int threads = 1;  // engine threads per computation
  bool help = false;
};

constexpr int kMaxProcs = 1024;
constexpr int kMaxThreads = 64;

inline constexpr const char* kUsage = "usage: pi-worker [--procs N] [--threads T]";

// "--flag value" and "--flag=value" (pidigits/flags.h); an error is one line.
Result<Options> parse_options(int argc, const char* const* argv);

}  // namespace pidigits::worker
