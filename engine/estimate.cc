// estimate(): a cost model fitted to measurements on the reference machine.
#include <algorithm>
#include <cmath>

#include "pidigits/engine.h"

namespace pidigits {

Estimate estimate(uint64_t n, int threads) {
  n = std::clamp<uint64_t>(n, 1, kMaxDigits);
  threads = std::max(threads, 1);
  double digits = static_cast<double>(n);
  double lg = std::log2(std::max(digits, 2.0));
  double seconds = 4e-9 * digits * lg * lg / (threads > 1 ? 1.5 : 1.0);
  double bytes = 16.0 * digits + 8e6;
  return Estimate{static_cast<uint64_t>(bytes), seconds};
}

}  // namespace pidigits
