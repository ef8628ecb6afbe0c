// compute_pi: series -> sqrt -> division -> decimal conversion, in fixed
// point with guard digits, repeated with more guard digits when truncation
// is ambiguous.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <new>
#include <string>
#include <system_error>

#include "chudnovsky.h"
#include "decimal.h"
#include "engine_internal.h"
#include "mpz.h"
#include "pidigits/engine.h"
#include "run_control.h"

namespace pidigits {
namespace {

constexpr unsigned long kSqrtRadicand = 10005;  // pi = 426880 sqrt(10005) Q/T
constexpr unsigned long kPiFactor = 426880;
constexpr int kMaxThreads = 64;

// Share of each phase in the progress fraction, measured at 1e6..1e7 digits
// on one thread (they sum to 1).
constexpr double kSeriesShare = 0.62;
constexpr double kSqrtShare = 0.06;
constexpr double kDivisionShare = 0.10;

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Keeps about `bits` bits of t and shifts q equally: q/t then has a relative
// error below 2^-(bits - 26) (q is ~24 bits shorter than t), while the series
// sums carry far more bits than d digits need.
void TruncatePair(Mpz& q, Mpz& t, uint64_t bits) {
  uint64_t have = mpz_sizeinbase(t.get(), 2);
  if (have <= bits) return;
  mpz_tdiv_q_2exp(q.get(), q.get(), have - bits);
  mpz_tdiv_q_2exp(t.get(), t.get(), have - bits);
}

// Truncating the last guard digits is safe unless the leading half of them is
// all 0s or all 9s: the fixed-point value is within 2 units of the last guard
// digit from pi * 10^d, and a half of >= 2 digits keeps it >= 100 units away
// from a change of the n-th decimal.
bool TruncationIsSafe(const std::string& digits, uint64_t first, int guard) {
  int half = (guard + 1) / 2;
  auto begin = digits.begin() + first;
  bool zeros = std::all_of(begin, begin + half, [](char c) { return c == '0'; });
  bool nines = std::all_of(begin, begin + half, [](char c) { return c == '9'; });
  return !zeros && !nines;
}

// One attempt with `guard` guard digits: leaves "3." + n + guard decimals in
// *out and returns whether the first n decimals are certainly pi's.
bool Attempt(uint64_t n, int guard, int threads, RunControl& ctl,
             ComputeResult& stats, std::string* out) {
  const uint64_t d = n + guard;  // decimals carried in fixed point
  const double conversion_start = kSeriesShare + kSqrtShare + kDivisionShare;

  auto start = Clock::now();
  uint64_t terms = TermsForDigits(d);
  ctl.BeginPhase(Phase::kSeries, 0, kSeriesShare, SeriesWork(terms));
  SeriesSums sums = ComputeSeries(terms, threads, ctl);
  stats.series_seconds += SecondsSince(start);

  // root = floor(sqrt(10005) * 10^d)
  start = Clock::now();
  ctl.BeginPhase(Phase::kSqrt, kSeriesShare, kSeriesShare + kSqrtShare, 1);
  Mpz root;
  mpz_ui_pow_ui(root.get(), 10, 2 * d);
  mpz_mul_ui(root.get(), root.get(), kSqrtRadicand);
  ctl.CheckCancel();
  mpz_sqrt(root.get(), root.get());
  stats.sqrt_seconds += SecondsSince(start);

  // x = floor(426880 * root * Q / T) = floor(pi * 10^d) + {-2..0}
  start = Clock::now();
  ctl.BeginPhase(Phase::kDivision, kSeriesShare + kSqrtShare,
                 conversion_start, 1);
  const uint64_t bits = static_cast<uint64_t>(std::ceil(d * std::log2(10.0)));
  TruncatePair(sums.q, sums.t, bits + 64);
  Mpz x;
  mpz_mul(x.get(), root.get(), sums.q.get());
  root.reset();
  sums.q.reset();
  mpz_mul_ui(x.get(), x.get(), kPiFactor);
  ctl.CheckCancel();
  mpz_tdiv_q(x.get(), x.get(), sums.t.get());
  sums.t.reset();
  stats.division_seconds += SecondsSince(start);

  // x has d + 1 digits, "3" and the decimals: write them from out[1] and
  // then move the "3" before the point.
  start = Clock::now();
  ctl.BeginPhase(Phase::kConversion, conversion_start, 1.0, DecimalWork(d + 1));
  out->assign(d + 2, '\0');
  ToDecimal(std::move(x), d + 1, threads, ctl, out->data() + 1);
  (*out)[0] = (*out)[1];
  (*out)[1] = '.';
  stats.conversion_seconds += SecondsSince(start);
  return TruncationIsSafe(*out, n + 2, guard);
}

uint64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
}

ComputeResult Failure(ComputeError error, std::string message) {
  ComputeResult result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

}  // namespace

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kSeries:
      return "series";
    case Phase::kDivision:
      return "division";
    case Phase::kSqrt:
      return "sqrt";
    case Phase::kConversion:
      return "conversion";
  }
  return "unknown";
}

ComputeResult ComputePiWithGuard(uint64_t n, int guard_digits,
                                 const ComputeOptions& options,
                                 std::string* out) {
  if (n < 1 || n > kMaxDigits) {
    return Failure(ComputeError::kBadInput,
                   "n must be from 1 to " + std::to_string(kMaxDigits) +
                       ", got " + std::to_string(n));
  }
  if (options.threads < 1) {
    return Failure(ComputeError::kBadInput,
                   "threads must be >= 1, got " +
                       std::to_string(options.threads));
  }
  if (out == nullptr || guard_digits < 4) {
    return Failure(ComputeError::kBadInput, "invalid call");
  }
  const int threads = std::min(options.threads, kMaxThreads);
  auto start = Clock::now();
  ComputeResult result;
  try {
    RunControl ctl(options);
    // pi is irrational, so its digits are not 0s or 9s forever: doubling the
    // guard ends (no run of 20 equal digits occurs in the first 1e9).
    int guard = guard_digits;
    while (!Attempt(n, guard, threads, ctl, result, out)) guard *= 2;
    out->resize(n + 2);
    result.guard_digits = guard;
    ctl.Finish();
  } catch (const Cancelled&) {
    result = Failure(ComputeError::kCancelled, "cancelled");
  } catch (const std::bad_alloc&) {
    result = Failure(ComputeError::kOutOfMemory, "out of memory");
  } catch (const std::system_error& e) {
    result = Failure(ComputeError::kOutOfMemory,
                     std::string("cannot start a thread: ") + e.what());
  }
  if (result.error != ComputeError::kNone) {
    out->clear();
    out->shrink_to_fit();
  }
  result.total_seconds = SecondsSince(start);
  result.peak_rss_bytes = PeakRssBytes();
  return result;
}

ComputeResult compute_pi(uint64_t n, const ComputeOptions& options,
                         std::string* out) {
  return ComputePiWithGuard(n, kDefaultGuardDigits, options, out);
}

}  // namespace pidigits
