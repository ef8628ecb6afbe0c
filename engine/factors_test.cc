#include "factors.h"

#include <gmp.h>
#include <gtest/gtest.h>

namespace pidigits {
namespace {

uint64_t Value(const Factors& f) {
  uint64_t v = 1;
  for (const PrimePower& pp : f) {
    for (uint32_t e = 0; e < pp.exp; ++e) v *= pp.prime;
  }
  return v;
}

bool IsPrime(uint32_t p) {
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
    sieve.Factor(x, 1, f);
    Normalize(f);
    ASSERT_EQ(Value(f), x);
    for (const PrimePower& pp : f) ASSERT_TRUE(IsPrime(pp.prime)) << x;
  }
  Factors cube;
  sieve.Factor(99990, 3, cube);  // 2 3^2 5 11 101
  Normalize(cube);
  ASSERT_EQ(cube.size(), 5u);
  EXPECT_EQ(cube[1].prime, 3u);
  EXPECT_EQ(cube[1].exp, 6u);
}

TEST(FactorsTest, MultiplyRemoveCommonAndToMpz) {
  Factors a = {{2, 3}, {3, 1}, {7, 2}};  // 8 * 3 * 49 = 1176
  Factors b = {{2, 1}, {5, 1}, {7, 5}};  // 2 * 5 * 16807
  Factors ab = Multiply(a, b);
  EXPECT_EQ(Value(ab), 1176ull * 2 * 5 * 16807);
  Factors g = RemoveCommon(a, b);
  EXPECT_EQ(Value(g), 2ull * 49);
  EXPECT_EQ(Value(a), 1176ull / 98);
  EXPECT_EQ(Value(b), 2ull * 5 * 16807 / 98);
  Mpz m;
  ToMpz(ab, m);
  EXPECT_EQ(mpz_get_ui(m.get()), 1176ull * 2 * 5 * 16807);
  // Many prime powers: several 64-bit words in the product tree.
  Factors big = {{1000003, 40}};
  ToMpz(big, m);
  Mpz expected;
  mpz_ui_pow_ui(expected.get(), 1000003, 40);
  EXPECT_EQ(mpz_cmp(m.get(), expected.get()), 0);
}

}  // namespace
}  // namespace pidigits
