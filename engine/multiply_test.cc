#include "multiply.h"

#include <gmp.h>
#include <gtest/gtest.h>

#include <vector>

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

// floor((a b mod 2^bits) / 2^(bits - window)), the slow way.
void window_of(const Mpz& a, const Mpz& b, uint64_t bits, uint64_t window, Mpz& out) {
  mpz_mul(out.get(), a.get(), b.get());
  mpz_tdiv_r_2exp(out.get(), out.get(), bits);
  mpz_tdiv_q_2exp(out.get(), out.get(), bits - window);
}

// The wrapped product's window is the exact one or one less, including
// where the wrap-around reads 0 for a window of all ones (a b = -1 mod
// 2^bits) and a window of 0 (a b = 1), short operands (exact path) and a = 0.
TEST(MultiplyTest, FractionWindowIsExactOrOneBelow) {
  gmp_randstate_t rng;
  gmp_randinit_default(rng);
  for (uint64_t bits : {1000ull, 400'000ull, 3'000'001ull}) {
    const uint64_t window = bits / 2;
    Mpz b, modulus;
    mpz_ui_pow_ui(b.get(), 5, (bits - window) * 43 / 100);  // 5^k < 2^(2.33 k)
    mpz_setbit(modulus.get(), bits);
    Mpz inverse;
    ASSERT_NE(mpz_invert(inverse.get(), b.get(), modulus.get()), 0);
    std::vector<Mpz> inputs(5);
    mpz_urandomb(inputs[0].get(), rng, bits);
    mpz_urandomb(inputs[1].get(), rng, bits / 3);
    mpz_set(inputs[2].get(), inverse.get());                 // a b = 1
    mpz_sub(inputs[3].get(), modulus.get(), inverse.get());  // a b = -1
    for (int i = 0; i < 5; ++i) {
      const Mpz& a = inputs[i];
      Mpz want, got, copy;
      window_of(a, b, bits, window, want);
      mpz_set(copy.get(), a.get());
      fraction_window(std::move(copy), b, bits, window, got);
      mpz_sub(got.get(), want.get(), got.get());
      EXPECT_GE(mpz_cmp_ui(got.get(), 0), 0) << bits << " " << i;
      EXPECT_LE(mpz_cmp_ui(got.get(), 1), 0) << bits << " " << i;
    }
  }
  gmp_randclear(rng);
}

}  // namespace
}  // namespace pidigits
