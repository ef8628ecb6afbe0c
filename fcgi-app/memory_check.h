// The engine's cost model, as pi-fcgi uses it: whether a worker could compute n
// within its memory budget (POST answers 422 otherwise, unless the digits
// already exist), and how long it would take (the queue's time estimates).
#pragma once

#include <cstdint>

namespace pidigits::fcgi {

// Peak memory of computing n with one thread, in bytes.
uint64_t memory_needed(uint64_t n);

// True when memory_needed(n) <= budget (0: no budget).
bool fits_memory(uint64_t n, uint64_t budget);

// Wall-clock milliseconds of computing n with one thread on the reference machine.
int64_t compute_ms(uint64_t n);

}  // namespace pidigits::fcgi
