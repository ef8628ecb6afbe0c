#include "decimal.h"

#include <gmp.h>
#include <gtest/gtest.h>

#include <string>

namespace pidigits {
namespace {

std::string reference(const Mpz& x, uint64_t digits) {
  std::string s(mpz_sizeinbase(x.get(), 10) + 2, '\0');
  mpz_get_str(s.data(), 10, x.get());
  s.resize(std::char_traits<char>::length(s.c_str()));
  if (s.size() < digits) s.insert(0, digits - s.size(), '0');
  return s.substr(s.size() - digits);
}

std::string convert(const Mpz& x, uint64_t digits, int threads) {
  ComputeOptions options;
  RunControl ctl(options);
  DecimalConverter converter(digits);
  ctl.begin_phase(Phase::kConversion, 0, 1, converter.work());
  converter.compute_powers(ctl);
  Mpz copy;
  mpz_set(copy.get(), x.get());
  std::string out(digits, '?');
  converter.convert(std::move(copy), threads, ctl, out.data());
  EXPECT_EQ(ctl.phase_done(), converter.work());
  return out;
}

// Sizes around the leaf size (16384..32767) and several split levels, with
// random values that use all digits, fewer digits (zero padding) and zero.
TEST(DecimalTest, MatchesMpzGetStr) {
  gmp_randstate_t rng;
  gmp_randinit_default(rng);
  gmp_randseed_ui(rng, 42);
  for (uint64_t digits : {1ull, 19ull, 32767ull, 32768ull, 32769ull, 100000ull, 262145ull}) {
    Mpz limit;
    mpz_ui_pow_ui(limit.get(), 10, digits);
    Mpz x;
    mpz_urandomm(x.get(), rng, limit.get());
    for (int threads : {1, 2, 4}) {
      EXPECT_EQ(convert(x, digits, threads), reference(x, digits))
          << digits << " digits, " << threads << " threads";
    }
    // Only the low half of the digits set: the high half is zeros.
    mpz_tdiv_r_2exp(x.get(), x.get(), digits * 3 / 2);
    EXPECT_EQ(convert(x, digits, 2), reference(x, digits)) << digits;
  }
  EXPECT_EQ(convert(Mpz(0), 40000, 2), std::string(40000, '0'));
  gmp_randclear(rng);
}

TEST(DecimalTest, KeepsTheLowDigitsOfALargerValue) {
  Mpz x(1234567);
  EXPECT_EQ(convert(x, 3, 1), "567");
}

}  // namespace
}  // namespace pidigits
