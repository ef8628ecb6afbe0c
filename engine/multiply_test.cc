#include "multiply.h"

#include <gmp.h>
#include <gtest/gtest.h>

namespace pidigits {
namespace {

// Operands long enough to be cut, a negative one, both orders, and the
// output aliasing an input.
TEST(MultiplyTest, HalvesOnTwoThreadsMatchMpzMul) {
  gmp_randstate_t rng;
  gmp_randinit_default(rng);
  Mpz a, b, want, got;
  mpz_urandomb(a.get(), rng, 3'000'000);
  mpz_urandomb(b.get(), rng, 1'000'000);
  mpz_neg(b.get(), b.get());
  mpz_mul(want.get(), a.get(), b.get());
  multiply_threads(a, b, 2, got);
  EXPECT_EQ(mpz_cmp(got.get(), want.get()), 0);
  multiply_threads(b, a, 2, got);
  EXPECT_EQ(mpz_cmp(got.get(), want.get()), 0);
  multiply_threads(a, b, 2, a);
  EXPECT_EQ(mpz_cmp(a.get(), want.get()), 0);
  gmp_randclear(rng);
}

}  // namespace
}  // namespace pidigits
