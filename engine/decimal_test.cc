#include "decimal.h"

#include <gmp.h>
#include <gtest/gtest.h>

#include <string>

namespace pidigits {
namespace {

constexpr int kGuard = 20;

// floor(fraction * 10^digits / 2^bits) with `digits` digits, by mpz_get_str.
std::string reference(const Mpz& fraction, uint64_t bits, uint64_t digits) {
  Mpz scaled;
  mpz_ui_pow_ui(scaled.get(), 10, digits);
  mpz_mul(scaled.get(), scaled.get(), fraction.get());
  mpz_tdiv_q_2exp(scaled.get(), scaled.get(), bits);
  std::string s(mpz_sizeinbase(scaled.get(), 10) + 2, '\0');
  mpz_get_str(s.data(), 10, scaled.get());
  s.resize(std::char_traits<char>::length(s.c_str()));
  if (s.size() < digits) s.insert(0, digits - s.size(), '0');
  return s;
}

struct Converted {
  bool exact;
  std::string digits;
};

Converted convert(const DecimalConverter& converter, const Mpz& fraction, uint64_t digits,
                  int threads) {
  ComputeOptions options;
  RunControl ctl(options);
  ctl.begin_phase(Phase::kConversion, 0, 1, converter.work());
  Mpz copy;
  mpz_set(copy.get(), fraction.get());
  std::string out(digits, '?');
  bool exact = converter.convert(std::move(copy), threads, ctl, out.data());
  EXPECT_EQ(ctl.phase_done(), converter.work());
  return Converted{exact, out};
}

// Sizes around the leaf size (513..1024) and several split levels, random
// fractions, and fractions with many leading zero digits.
TEST(DecimalTest, MatchesMpzGetStr) {
  gmp_randstate_t rng;
  gmp_randinit_default(rng);
  gmp_randseed_ui(rng, 42);
  for (uint64_t digits :
       {1ull, 19ull, 1024ull, 1025ull, 2049ull, 16383ull, 16385ull, 100000ull, 262145ull}) {
    DecimalConverter converter(digits, kGuard);
    ComputeOptions options;
    RunControl ctl(options);
    converter.compute_powers(ctl);
    const uint64_t bits = converter.fraction_bits();
    Mpz f;
    mpz_urandomb(f.get(), rng, bits);
    for (int threads : {1, 2, 4}) {
      Converted got = convert(converter, f, digits, threads);
      EXPECT_TRUE(got.exact) << digits << " digits";
      EXPECT_EQ(got.digits, reference(f, bits, digits))
          << digits << " digits, " << threads << " threads";
    }
    // Below 2^-(bits/2): the first half of the digits are zeros.
    mpz_tdiv_q_2exp(f.get(), f.get(), bits / 2);
    Converted got = convert(converter, f, digits, 2);
    EXPECT_TRUE(got.exact);
    EXPECT_EQ(got.digits, reference(f, bits, digits)) << digits;
    EXPECT_EQ(convert(converter, Mpz(0), digits, 2).digits, std::string(digits, '0'));
  }
  gmp_randclear(rng);
}

// 1/2 converts exactly; one unit below it reads 4999...: every piece's guard
// digits are 9s, so the result is reported as not certain.
TEST(DecimalTest, AllNinesInTheGuardDigitsAreReported) {
  const uint64_t digits = 5000;
  DecimalConverter converter(digits, kGuard);
  ComputeOptions options;
  RunControl ctl(options);
  converter.compute_powers(ctl);
  Mpz half;
  mpz_setbit(half.get(), converter.fraction_bits() - 1);
  Converted exact = convert(converter, half, digits, 2);
  EXPECT_TRUE(exact.exact);
  EXPECT_EQ(exact.digits, "5" + std::string(digits - 1, '0'));
  mpz_sub_ui(half.get(), half.get(), 1);
  Converted below = convert(converter, half, digits, 2);
  EXPECT_FALSE(below.exact);
  EXPECT_EQ(below.digits, "4" + std::string(digits - 1, '9'));
}

}  // namespace
}  // namespace pidigits
