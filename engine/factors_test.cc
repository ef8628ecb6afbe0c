#include "factors.h"

#include <gmp.h>
#include <gtest/gtest.h>

namespace pidigits {
namespace {

uint64_t value_of(const Factors& f) {
  uint64_t v = 1;
  for (const PrimePower& pp : f) {
    for (uint32_t e = 0; e < pp.exp; ++e) v *= pp.prime;
  }
  return v;
}

bool is_prime(uint32_t p) {
  if (p < 2) return false;
  for (uint32_t d = 2; d * d <= p; ++d) {
    if (p % d == 0) return false;
  }
  return true;
}

TEST(FactorsTest, SieveFactorsEveryNumberIntoPrimes) {
  OddSieve sieve(100000);
  for (uint64_t x = 1; x <= 100000; ++x) {
    Factors f;
    sieve.factor(x, 1, f);
    normalize(f);
    ASSERT_EQ(value_of(f), x);
    for (const PrimePower& pp : f) ASSERT_TRUE(is_prime(pp.prime)) << x;
  }
  Factors cube;
  sieve.factor(99990, 3, cube);  // 2 3^2 5 11 101
  normalize(cube);
  ASSERT_EQ(cube.size(), 5u);
  EXPECT_EQ(cube[1].prime, 3u);
  EXPECT_EQ(cube[1].exp, 6u);
}

TEST(FactorsTest, MultiplyRemoveCommonAndToMpz) {
  Factors a = {{2, 3}, {3, 1}, {7, 2}};  // 8 * 3 * 49 = 1176
  Factors b = {{2, 1}, {5, 1}, {7, 5}};  // 2 * 5 * 16807
  Factors ab = multiply(a, b);
  EXPECT_EQ(value_of(ab), 1176ull * 2 * 5 * 16807);
  Factors g = remove_common(a, b);
  EXPECT_EQ(value_of(g), 2ull * 49);
  EXPECT_EQ(value_of(a), 1176ull / 98);
  EXPECT_EQ(value_of(b), 2ull * 5 * 16807 / 98);
  Mpz m;
  to_mpz(ab, m);
  EXPECT_EQ(mpz_get_ui(m.get()), 1176ull * 2 * 5 * 16807);
  // Many prime powers: several 64-bit words in the product tree.
  Factors big = {{1000003, 40}};
  to_mpz(big, m);
  Mpz expected;
  mpz_ui_pow_ui(expected.get(), 1000003, 40);
  EXPECT_EQ(mpz_cmp(m.get(), expected.get()), 0);
}

}  // namespace
}  // namespace pidigits
