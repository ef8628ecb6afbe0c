// estimate(): a cost model fitted to measurements on the reference machine
// (2 cores, GMP 6.2.1, commit of this file), one thread:
//
//   n      CPU s   peak RSS (CLI, includes the output string)
//   1e5    0.03     4.5 MiB
//   1e6    0.45    11.6 MiB
//   3e6    1.65    27.2 MiB
//   1e7    7.3     80.5 MiB
//   3e7   30.5    229 MiB
//   1e8  114.8    772 MiB
//
// Time: CPU seconds equal wall seconds on an idle machine; the fit
// 2.1e-8 * n^1.22 (the n log^2 n of fast multiplication, plus the cache
// misses that grow with n) is within 10% of every row above. On a loaded
// machine, wall time grows with the load. Two threads: wall time x0.75
// (measured 0.7-0.8 at 1e6-1e7); more threads add little on 2 cores.
//
// Memory: 8.5 bytes per digit + 8 MiB is 5-45% above every row above (the
// worker refuses tasks by it, so it errs high); two or more threads hold
// both halves' temporaries at once: x1.25.
#include <algorithm>
#include <cmath>

#include "pidigits/engine.h"

namespace pidigits {
namespace {

constexpr double kSecondsScale = 2.1e-8;
constexpr double kSecondsExponent = 1.22;
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
