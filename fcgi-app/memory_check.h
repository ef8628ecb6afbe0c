// Whether a worker could compute n within its memory budget (POST answers 422
// otherwise, unless the digits already exist). The cost model is the engine's
// estimate(); a build without the engine (PI_HAVE_ENGINE undefined) accepts every n.
#pragma once

#include <cstdint>

namespace pidigits::fcgi {

// Peak memory of computing n with one thread, in bytes; 0 when unknown.
uint64_t memory_needed(uint64_t n);

// True when memory_needed(n) <= budget, or when either is unknown (0).
bool fits_memory(uint64_t n, uint64_t budget);

}  // namespace pidigits::fcgi
