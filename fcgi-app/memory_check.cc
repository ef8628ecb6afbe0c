#include "memory_check.h"

#include <cmath>

#include "pidigits/engine.h"

namespace pidigits::fcgi {

// Workers compute each task with one thread (pi-worker --threads 1, the default).
uint64_t memory_needed(uint64_t n) { return estimate(n, 1).peak_bytes; }

bool fits_memory(uint64_t n, uint64_t budget) { return budget == 0 || memory_needed(n) <= budget; }

int64_t compute_ms(uint64_t n) { return std::llround(estimate(n, 1).seconds * 1000); }

}  // namespace pidigits::fcgi
