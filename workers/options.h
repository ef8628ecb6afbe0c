// pi-worker's command line: [--procs N] [--threads T] (also --procs=N).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pidigits::worker {

struct Options {
  int procs = 0;    // 0: PI_WORKERS, else the number of cores
  int threads = 1;  // engine threads per computation
  bool help = false;
};

constexpr int kMaxProcs = 1024;
constexpr int kMaxThreads = 64;

// nullopt with a one-line *error on a bad flag or value.
std::optional<Options> parse_options(const std::vector<std::string>& args, std::string* error);

// PI_WORKERS (already validated by load_config), else the number of cores.
int default_procs();

const char* usage();

}  // namespace pidigits::worker
