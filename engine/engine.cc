// compute_pi: series -> sqrt -> division -> decimal conversion, in fixed
// point with guard digits, repeated with more guard digits when truncation
// is ambiguous.
#include "pidigits/engine.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <new>
#include <string>
#include <system_error>

#include "chudnovsky.h"
#include "decimal.h"
#include "engine_internal.h"
#include "mpz.h"
#include "run_control.h"
#include "sqrt_product.h"

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

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Keeps about `bits` bits of t and shifts q equally: q/t then has a relative
// error below 2^-(bits - 26) (q is ~24 bits shorter than t).
void truncate_pair(Mpz& q, Mpz& t, uint64_t bits) {
  uint64_t have = mpz_sizeinbase(t.get(), 2);
  if (have <= bits) return;
  mpz_tdiv_q_2exp(q.get(), q.get(), have - bits);
  mpz_tdiv_q_2exp(t.get(), t.get(), have - bits);
}

// Truncating the last guard digits is safe unless the leading half of them is
// all 0s or all 9s: the computed value is within 2 units of the last guard
// digit of pi * 10^d (on either side), and a half of >= 2 digits keeps it
// >= 100 units away from a change of the n-th decimal.
bool truncation_is_safe(const std::string& digits, uint64_t first, int guard) {
  int half = (guard + 1) / 2;
  auto begin = digits.begin() + first;
  bool zeros = std::all_of(begin, begin + half, [](char c) { return c == '0'; });
  bool nines = std::all_of(begin, begin + half, [](char c) { return c == '9'; });
  return !zeros && !nines;
}

// One attempt with `guard` guard digits: leaves "3." + n + guard decimals in
// *out and returns whether the first n decimals are certainly pi's.
//
// In binary fixed point with S = the converter's fraction bits (floors):
//   y = 426880 * Q * 2^S / T           (pi / sqrt(10005)) 2^S, error < 1
//   x = sqrt(10005) * y                pi 2^S, error < 104 (sqrt_product.h)
// (Q and T truncated to S + 64 bits change y by far less than 1.) The
// conversion gives the exact digits of x, which are within 10^-(n + guard)
// of pi's; truncation_is_safe decides whether the first n are pi's. The
// reciprocal square root does not depend on y, so with threads it runs
// beside the division (together with the conversion's powers of ten).
bool attempt(uint64_t n, int guard, int threads, RunControl& ctl, ComputeResult& stats,
             std::string* out) {
  const uint64_t d = n + guard;
  const double series_end = kSeriesShare;
  const double conversion_start = kSeriesShare + kSqrtShare + kDivisionShare;
  DecimalConverter converter(d, guard);
  const uint64_t s = converter.fraction_bits();

  auto start = Clock::now();
  uint64_t terms = terms_for_digits(d);
  ctl.begin_phase(Phase::kSeries, 0, series_end, series_work(terms, threads));
  SeriesSums sums = compute_series(terms, threads, ctl);
  stats.series_seconds += seconds_since(start);

  SqrtProduct sqrt_product(kSqrtRadicand, s);
  auto root_job = [&] {
    auto job_start = Clock::now();
    sqrt_product.prepare(ctl);
    stats.sqrt_seconds += seconds_since(job_start);
    job_start = Clock::now();
    converter.compute_powers(ctl);
    stats.conversion_seconds += seconds_since(job_start);
  };
  auto divide = [&] {
    auto job_start = Clock::now();
    // T has more bits than y's precision needs; the shorter operands make
    // the division cheaper and change y by far less than 1.
    truncate_pair(sums.q, sums.t, s + 64);
    mpz_mul_ui(sums.q.get(), sums.q.get(), kPiFactor);
    mpz_mul_2exp(sums.q.get(), sums.q.get(), s);
    ctl.check_cancel();
    mpz_tdiv_q(sums.q.get(), sums.q.get(), sums.t.get());
    sums.t.reset();
    stats.division_seconds += seconds_since(job_start);
  };
  if (threads > 1) {
    // The two jobs overlap, so they share one progress phase.
    ctl.begin_phase(Phase::kDivision, series_end, conversion_start, 1);
    auto root_done = std::async(std::launch::async, root_job);
    divide();
    root_done.get();
  } else {
    ctl.begin_phase(Phase::kSqrt, series_end, series_end + kSqrtShare, 1);
    root_job();
    ctl.begin_phase(Phase::kDivision, series_end + kSqrtShare, conversion_start, 1);
    divide();
  }
  start = Clock::now();
  Mpz x;
  sqrt_product.multiply(std::move(sums.q), threads, ctl, x);
  stats.sqrt_seconds += seconds_since(start);

  start = Clock::now();
  ctl.begin_phase(Phase::kConversion, conversion_start, 1.0, converter.work());
  Mpz whole;
  mpz_tdiv_q_2exp(whole.get(), x.get(), s);
  mpz_tdiv_r_2exp(x.get(), x.get(), s);
  out->assign(d + 2, '\0');
  (*out)[0] = static_cast<char>('0' + mpz_get_ui(whole.get()));  // 3
  (*out)[1] = '.';
  bool exact = converter.convert(std::move(x), threads, ctl, out->data() + 2);
  stats.conversion_seconds += seconds_since(start);
  return exact && truncation_is_safe(*out, n + 2, guard);
}

uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
}

ComputeResult failure(ComputeError error, std::string message) {
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

ComputeResult compute_pi_with_guard(uint64_t n, int guard_digits, const ComputeOptions& options,
                                    std::string* out) {
  if (n < 1 || n > kMaxDigits) {
    return failure(ComputeError::kBadInput, "n must be from 1 to " + std::to_string(kMaxDigits) +
                                                ", got " + std::to_string(n));
  }
  if (options.threads < 1) {
    return failure(ComputeError::kBadInput,
                   "threads must be >= 1, got " + std::to_string(options.threads));
  }
  if (out == nullptr || guard_digits < 4) {
    return failure(ComputeError::kBadInput, "invalid call");
  }
  const int threads = std::min(options.threads, kMaxThreads);
  auto start = Clock::now();
  ComputeResult result;
  try {
    RunControl ctl(options);
    // pi is irrational, so its digits are not 0s or 9s forever: doubling the
    // guard ends (no run of 20 equal digits occurs in the first 1e9).
    int guard = guard_digits;
    while (!attempt(n, guard, threads, ctl, result, out)) guard *= 2;
    out->resize(n + 2);
    result.guard_digits = guard;
    ctl.finish();
  } catch (const Cancelled&) {
    result = failure(ComputeError::kCancelled, "cancelled");
  } catch (const std::bad_alloc&) {
    result = failure(ComputeError::kOutOfMemory, "out of memory");
  } catch (const std::system_error& e) {
    result = failure(ComputeError::kOutOfMemory, std::string("cannot start a thread: ") + e.what());
  }
  if (result.error != ComputeError::kNone) {
    out->clear();
    out->shrink_to_fit();
  }
  result.total_seconds = seconds_since(start);
  result.peak_rss_bytes = peak_rss_bytes();
  return result;
}

ComputeResult compute_pi(uint64_t n, const ComputeOptions& options, std::string* out) {
  return compute_pi_with_guard(n, kDefaultGuardDigits, options, out);
}

}  // namespace pidigits
