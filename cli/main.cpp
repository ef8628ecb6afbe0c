// pidigits N [--threads T] [--out FILE] [--progress] [--stats]
// Prints "3." and N decimals of pi. Exit status: 0 done, 1 failed (memory,
// output error, interrupted), 2 bad arguments.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "options.h"
#include "output.h"
#include "pidigits/engine.h"
#include "progress_bar.h"

namespace {

// Set from SIGINT/SIGTERM; a lock-free atomic is safe in a signal handler.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_signal(int) { g_interrupted.store(true); }

void print_stats(const pidigits::ComputeResult& r) {
  std::fprintf(stderr,
               "series %.3f s, sqrt %.3f s, division %.3f s, conversion "
               "%.3f s, total %.3f s, peak RSS %.1f MiB\n",
               r.series_seconds, r.sqrt_seconds, r.division_seconds, r.conversion_seconds,
               r.total_seconds, static_cast<double>(r.peak_rss_bytes) / (1 << 20));
}

int fail(const std::string& message, int status) {
  std::fprintf(stderr, "pidigits: %s\n", message.c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = pidigits::cli::parse_options(argc, argv);
  if (!parsed.ok()) return fail(parsed.status().message(), 2);
  const pidigits::cli::Options& options = *parsed;
  if (options.help) {
    std::fputs(pidigits::cli::usage(), stdout);
    return 0;
  }
  pidigits::tune_process_allocator();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  pidigits::ComputeOptions compute;
  compute.threads = options.threads;
  compute.cancel = &g_interrupted;
  pidigits::cli::ProgressBar bar(stderr);
  if (options.progress) {
    compute.on_progress = [&bar](const pidigits::Progress& p) { bar.update(p); };
  }
  std::string digits;
  pidigits::ComputeResult result = pidigits::compute_pi(options.n, compute, &digits);
  if (options.progress) bar.done();
  if (options.stats) print_stats(result);
  if (result.error == pidigits::ComputeError::kCancelled) {
    return fail("interrupted", 1);
  }
  if (result.error != pidigits::ComputeError::kNone) {
    return fail(result.message, 1);
  }
  std::string error;
  if (!options.out_path.empty()) {
    error = pidigits::cli::write_file_atomically(options.out_path, digits);
  } else {
    digits.push_back('\n');
    error = pidigits::cli::write_stream(stdout, digits);
  }
  return error.empty() ? 0 : fail(error, 1);
}
