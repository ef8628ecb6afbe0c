#include "memory_check.h"

#if PI_HAVE_ENGINE
#include "pidigits/engine.h"
#endif

namespace pidigits::fcgi {

uint64_t memory_needed(uint64_t n) {
#if PI_HAVE_ENGINE
  // Workers compute each task with one thread under the budget.
  return estimate(n, 1).peak_bytes;
#else
  (void)n;
  return 0;
#endif
}

bool fits_memory(uint64_t n, uint64_t budget) {
  uint64_t needed = memory_needed(n);
  return budget == 0 || needed == 0 || needed <= budget;
}

}  // namespace pidigits::fcgi
