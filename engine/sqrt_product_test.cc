#include "sqrt_product.h"

#include <gmp.h>
#include <gtest/gtest.h>

namespace pidigits {
namespace {

// |SqrtProduct(a) * y - floor(sqrt(a y^2))| <= 2 for random y, on one and two
// threads (two take y's top bits for the correction).
TEST(SqrtProductTest, WithinTwoUnitsOfTheExactProduct) {
  gmp_randstate_t rng;
  gmp_randinit_default(rng);
  gmp_randseed_ui(rng, 7);
  ComputeOptions options;
  RunControl ctl(options);
  for (unsigned long a : {2ul, 10005ul}) {
    for (uint64_t bits : {8ull, 64ull, 200ull, 5000ull, 100000ull, 1200000ull}) {
      SqrtProduct product(a, bits);
      product.prepare(ctl);
      Mpz y;
      mpz_urandomb(y.get(), rng, bits);
      mpz_setbit(y.get(), bits - 1);
      Mpz exact;
      mpz_mul(exact.get(), y.get(), y.get());
      mpz_mul_ui(exact.get(), exact.get(), a);
      mpz_sqrt(exact.get(), exact.get());
      for (int threads : {1, 2}) {
        Mpz copy, got;
        mpz_set(copy.get(), y.get());
        product.multiply(std::move(copy), threads, ctl, got);
        mpz_sub(got.get(), got.get(), exact.get());
        EXPECT_LE(mpz_cmpabs_ui(got.get(), 2), 0)
            << "a=" << a << " bits=" << bits << " threads=" << threads;
      }
    }
  }
  gmp_randclear(rng);
}

}  // namespace
}  // namespace pidigits
