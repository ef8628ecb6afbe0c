// Integers kept as prime factorizations, so that binary splitting can find
// and divide out gcd(P(a,m), Q(m,b)) without calling mpz_gcd (the trick of
// GMP's gmp-chudnovsky.c demo, done with a compact sieve).
#ifndef PIDIGITS_ENGINE_FACTORS_H_
#define PIDIGITS_ENGINE_FACTORS_H_

#include <cstdint>
#include <vector>

#include "mpz.h"

namespace pidigits {

struct PrimePower {
  uint32_t prime;
  uint32_t exp;
};

// Sorted by prime; every exp > 0.
using Factors = std::vector<PrimePower>;

// Smallest prime factor of every odd number up to a limit, 2 bytes each.
class OddSieve {
 public:
  // REQUIRES: limit < 2^32 (so every composite has a factor < 2^16).
  explicit OddSieve(uint64_t limit);

  // Appends the factorization of x (1 <= x <= limit) with every exponent
  // multiplied by `times`; the result is unsorted and may repeat primes.
  void factor(uint64_t x, uint32_t times, Factors& out) const;

 private:
  // spf_[i] is the smallest prime factor of 2i+1, or 0 when 2i+1 is prime
  // (or 1).
  std::vector<uint16_t> spf_;
};

// Sorts and combines repeated primes.
void normalize(Factors& f);

// a * b as factorizations.
Factors multiply(const Factors& a, const Factors& b);

// Divides a and b by their gcd (as factorizations) and returns the gcd.
Factors remove_common(Factors& a, Factors& b);

// The integer that f factors.
void to_mpz(const Factors& f, Mpz& out);

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_FACTORS_H_
