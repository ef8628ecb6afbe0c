// Long multiplications that beat a plain mpz_mul: one product on two threads
// (for the steps where only one product is left to do), and the middle bits
// of a product (for the decimal conversion).
#ifndef PIDIGITS_ENGINE_MULTIPLY_H_
#define PIDIGITS_ENGINE_MULTIPLY_H_

#include <cstdint>

#include "mpz.h"

namespace pidigits {

// out = a * b; out may be a or b. With threads > 1 and a long operand, that
// operand is cut in halves multiplied by the other side by side: each half
// product costs ~0.6 of the whole, so the wall time drops to ~0.6 for ~1.2
// of the CPU time.
void multiply_threads(const Mpz& a, const Mpz& b, int threads, Mpz& out);

// out = the top `window` bits of the fraction of a b / 2^bits, that is
// floor((a b mod 2^bits) / 2^(bits - window)), or that minus 1 (never more).
// REQUIRES: 0 <= a < 2^bits, 0 < b < 2^(bits - window + 1), window <= bits;
// out is not b. Consumes a (it is shifted in place). Long operands take
// GMP's product modulo 2^N - 1 (N > bits, a multiple of 64): the integer
// part of a b wraps onto the bits below the window instead of being
// computed, which costs ~0.65 of the whole product when a is twice as long
// as b.
void fraction_window(Mpz a, const Mpz& b, uint64_t bits, uint64_t window, Mpz& out);

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_MULTIPLY_H_
