// One long multiplication on two threads, for the steps where only one
// product is left to do (the top of the series, the square root's product).
#ifndef PIDIGITS_ENGINE_MULTIPLY_H_
#define PIDIGITS_ENGINE_MULTIPLY_H_

#include "mpz.h"

namespace pidigits {

// out = a * b; out may be a or b. With threads > 1 and a long operand, that
// operand is cut in halves multiplied by the other side by side: each half
// product costs ~0.6 of the whole, so the wall time drops to ~0.6 for ~1.2
// of the CPU time.
void multiply_threads(const Mpz& a, const Mpz& b, int threads, Mpz& out);

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_MULTIPLY_H_
