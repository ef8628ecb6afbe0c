#include "chudnovsky.h"

#include <gmp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "testing/pi_vectors.h"

namespace pidigits {
namespace {

ComputeOptions no_callbacks() { return ComputeOptions{}; }

TEST(ChudnovskyTest, TermsCoverTheDigits) {
  for (uint64_t digits : {1ull, 50ull, 1000ull, 123456789ull, 1000000020ull}) {
    EXPECT_GE(static_cast<double>(terms_for_digits(digits)) * 14.181647462725477,
              static_cast<double>(digits) + 2)
        << digits;
  }
}

// Three terms already give 3 * 14 digits: check floor(pi * 10^40) from
// pi = 426880 sqrt(10005) Q / T.
TEST(ChudnovskyTest, ThreeTermsGiveFortyDigits) {
  ComputeOptions options = no_callbacks();
  RunControl ctl(options);
  SeriesSums sums = compute_series(4, 1, ctl);
  Mpz x;
  mpz_ui_pow_ui(x.get(), 10, 80);
  mpz_mul_ui(x.get(), x.get(), 10005);
  mpz_sqrt(x.get(), x.get());
  mpz_mul(x.get(), x.get(), sums.q.get());
  mpz_mul_ui(x.get(), x.get(), 426880);
  mpz_tdiv_q(x.get(), x.get(), sums.t.get());
  char buf[64];
  mpz_get_str(buf, 10, x.get());
  std::string expected = std::string("3") + std::string(testing::kFirst50Decimals).substr(0, 38);
  EXPECT_EQ(std::string(buf).substr(0, 39), expected);
}

TEST(ChudnovskyTest, ResultDoesNotDependOnThreads) {
  ComputeOptions options = no_callbacks();
  RunControl ctl(options);
  SeriesSums one = compute_series(1000, 1, ctl);
  for (int threads : {2, 3, 4, 8}) {
    SeriesSums many = compute_series(1000, threads, ctl);
    // Threads cut the tree elsewhere, so other common factors come out:
    // Q and T may differ, their ratio may not.
    Mpz lhs, rhs;
    mpz_mul(lhs.get(), one.q.get(), many.t.get());
    mpz_mul(rhs.get(), many.q.get(), one.t.get());
    EXPECT_EQ(mpz_cmp(lhs.get(), rhs.get()), 0) << threads;
  }
}

// series_work must match what compute_series reports, or progress would stop
// short of (or overshoot) the end of the phase.
TEST(ChudnovskyTest, ReportsExactlyItsWork) {
  for (int threads : {1, 2, 3, 4}) {
    for (uint64_t terms : {1ull, 31ull, 32ull, 5000ull, 77777ull}) {
      ComputeOptions options = no_callbacks();
      RunControl ctl(options);
      ctl.begin_phase(Phase::kSeries, 0, 1, series_work(terms, threads));
      compute_series(terms, threads, ctl);
      EXPECT_EQ(ctl.phase_done(), series_work(terms, threads)) << terms << " " << threads;
    }
  }
}

TEST(ChudnovskyTest, CancellationThrows) {
  std::atomic<bool> cancel{true};
  ComputeOptions options;
  options.cancel = &cancel;
  RunControl ctl(options);
  EXPECT_THROW(compute_series(100000, 2, ctl), Cancelled);
}

}  // namespace
}  // namespace pidigits
