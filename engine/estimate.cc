// estimate(): a cost model fitted to measurements on the reference machine
// (2 cores, GMP 6.2.1, the engine as of issue 12), one thread, CLI
// `pidigits N --out FILE` under /usr/bin/time (peak RSS includes the output
// string; the machine was shared, load average 8-18, so CPU seconds are
// quoted, which is what an idle machine's wall time is):
//
//   n      CPU s        peak RSS     2 threads: peak RSS
//   1e5       0.04        4.4 MiB
//   1e6       0.47       11.3 MiB      13.8 MiB
//   3e6       1.60       26.6 MiB
//   1e7     5.9-7.3      79.4 MiB     103.5 MiB
//   1e8     102-122     731 MiB       789 MiB
//   1e9    1608        6744 MiB (address space peak 6944 MiB)
//
// Time: 4.02e-8 * n^1.178 (the n log^2 n of fast multiplication) is within
// 10% of the 1e6..1e9 rows (the middle of a range) and 20% of 1e5. On a loaded machine wall time
// grows with the load. Two threads: wall time x0.75 (measured 0.6-0.8 at
// 1e6-1e7 when the second core was free); more threads add little on 2 cores.
//
// Memory: 8.5 bytes per digit + 8 MiB is 12-42% above every row from 1e6
// (2x at 1e5) and 17% above the 1e9 run's address space (the worker refuses tasks by it and
// its child's RLIMIT_AS counts address space, so it errs high); two or more
// threads hold both halves' temporaries at once: x1.25. With 24 GiB and
// PI_WORKERS=1 (budget 18 GiB) 1e9 is admitted on 1 or 2 threads; a budget
// under 8.1 GiB (e.g. PI_WORKERS=3) refuses it.
#include <algorithm>
#include <cmath>

#include "pidigits/engine.h"

namespace pidigits {
namespace {

constexpr double kSecondsScale = 4.02e-8;
constexpr double kSecondsExponent = 1.178;
constexpr double kStartupSeconds = 0.002;
constexpr double kTwoThreadTimeFactor = 0.75;
constexpr double kBytesPerDigit = 8.5;
constexpr double kBaseBytes = 8.0 * (1 << 20);
constexpr double kThreadedMemoryFactor = 1.25;

}  // namespace

Estimate estimate(uint64_t n, int threads) {
  n = std::clamp<uint64_t>(n, 1, kMaxDigits);
  const double digits = static_cast<double>(n);
  double seconds = kStartupSeconds + kSecondsScale * std::pow(digits, kSecondsExponent);
  double bytes = kBytesPerDigit * digits + kBaseBytes;
  if (threads > 1) {
    seconds *= kTwoThreadTimeFactor;
    bytes *= kThreadedMemoryFactor;
  }
  return Estimate{static_cast<uint64_t>(std::ceil(bytes)), seconds};
}

}  // namespace pidigits
