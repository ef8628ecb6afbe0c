// Binary -> decimal conversion of a large non-negative integer, divide and
// conquer on powers of ten so that halves can run on separate threads and
// cancellation is checked between pieces.
#ifndef PIDIGITS_ENGINE_DECIMAL_H_
#define PIDIGITS_ENGINE_DECIMAL_H_

#include <cstdint>

#include "mpz.h"
#include "run_control.h"

namespace pidigits {

// Total RunControl work units that ToDecimal(..., digits, ...) reports.
uint64_t DecimalWork(uint64_t digits);

// Writes the low `digits` decimal digits of x >= 0 (x mod 10^digits), with
// leading zeros, as ASCII to out[0, digits). Consumes x (frees it early to
// lower peak memory). The output does not depend on `threads`.
void ToDecimal(Mpz x, uint64_t digits, int threads, RunControl& ctl,
               char* out);

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_DECIMAL_H_
