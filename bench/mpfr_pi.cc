// mpfr-pi N: prints "3." and N decimals of pi (truncated) and a newline,
// using MPFR's mpfr_const_pi and mpfr_get_str. The reference that
// bench/engine-vs-mpfr times `pidigits` against.
#include <mpfr.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// Extra decimals computed and dropped, so that rounding in mpfr_get_str
// cannot reach the last printed decimal (unless pi had a run of 20 nines
// there, which it does not below 1e9; the script compares with pidigits).
constexpr long kGuardDigits = 20;

}  // namespace

int main(int argc, char** argv) {
  char* end = nullptr;
  long n = argc == 2 ? std::strtol(argv[1], &end, 10) : 0;
  if (argc != 2 || *end != '\0' || n < 1 || n > 1'000'000'000) {
    std::fprintf(stderr, "usage: mpfr-pi N (1 <= N <= 1e9)\n");
    return 2;
  }
  long digits = n + 1 + kGuardDigits;  // the "3" and the decimals
  auto bits = static_cast<mpfr_prec_t>(std::ceil(digits * std::log2(10.0))) + 64;
  mpfr_t pi;
  mpfr_init2(pi, bits);
  mpfr_const_pi(pi, MPFR_RNDZ);
  mpfr_exp_t exp = 0;
  char* s = mpfr_get_str(nullptr, &exp, 10, digits, pi, MPFR_RNDZ);
  mpfr_clear(pi);
  if (s == nullptr || exp != 1) return 1;
  std::fwrite("3.", 1, 2, stdout);
  std::fwrite(s + 1, 1, static_cast<size_t>(n), stdout);
  std::fputc('\n', stdout);
  mpfr_free_str(s);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
