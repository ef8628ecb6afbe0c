// Newton's iteration for u = 1/sqrt(a), in fixed point U = u 2^p:
//   E = 2^2p' - a U'^2                 (U' at precision p' ~ p/2: exact)
//   U = U' 2^(p-p') + U' E / 2^(3p'+1-p)
// is u' + u' (1 - a u'^2) / 2 at precision p: a relative error eps of U'
// becomes 3/2 eps^2, so with p' = p/2 + 8 and |U' - u 2^p'| < 2 the new
// error is below 1 + 2400/65536 plus the floor's 1: < 2 again. It starts
// from a double (exact to 2^-52) at p' <= 50.
//
// The product: with U at h = bits/2 + 64 bits and e = E / 2^2h,
//   sqrt(a) y = a y u (1 - 3/2 eps^2 ...) ~ a y U (1 + e/2) / 2^h
// and y U e / 2 needs only the top bits of y U (e has h - ~9 leading zero
// bits): C = ((y U >> k) E) >> (2h + 1 - k) with k = 2h - 24 errs by at most
// 10005 * 2^-16.4 + 1 units in the result. With threads, y U >> k comes from
// y's top bits instead ((y >> j) U >> (k - j), j = h - 20, one more unit of
// error at most): y U is computed as (y >> j) U 2^j + (y mod 2^j) U, the two
// products (each about h by h bits) side by side, and the first also gives
// the correction's factor.
#include "sqrt_product.h"

#include <cmath>
#include <future>
#include <vector>

#include "multiply.h"

namespace pidigits {
namespace {

constexpr uint64_t kDoubleBits = 50;
constexpr uint64_t kExtraBits = 8;      // p' = p/2 + kExtraBits
constexpr uint64_t kGuardBits = 64;     // h = bits/2 + kGuardBits
constexpr uint64_t kResidualLoss = 24;  // k = 2h - kResidualLoss
constexpr uint64_t kTopSlack = 20;      // j = h - kTopSlack

// 2^p / sqrt(a), error < 2.
void inv_sqrt(unsigned long a, uint64_t p, const RunControl& ctl, Mpz& u) {
  std::vector<uint64_t> precisions;
  for (; p > kDoubleBits; p = p / 2 + kExtraBits) precisions.push_back(p);
  mpz_set_d(u.get(), std::ldexp(1.0 / std::sqrt(static_cast<double>(a)), static_cast<int>(p)));
  Mpz e;
  for (auto it = precisions.rbegin(); it != precisions.rend(); ++it) {
    const uint64_t next = *it;
    mpz_mul(e.get(), u.get(), u.get());
    mpz_mul_ui(e.get(), e.get(), a);
    Mpz one;
    mpz_setbit(one.get(), 2 * p);
    mpz_sub(e.get(), one.get(), e.get());
    mpz_mul(e.get(), e.get(), u.get());
    mpz_fdiv_q_2exp(e.get(), e.get(), 3 * p + 1 - next);
    mpz_mul_2exp(u.get(), u.get(), next - p);
    mpz_add(u.get(), u.get(), e.get());
    p = next;
    ctl.check_cancel();
  }
}

}  // namespace

SqrtProduct::SqrtProduct(unsigned long a, uint64_t bits) : a_(a), h_(bits / 2 + kGuardBits) {}

void SqrtProduct::prepare(const RunControl& ctl) {
  inv_sqrt(a_, h_, ctl, u_);
  mpz_mul(e_.get(), u_.get(), u_.get());
  mpz_mul_ui(e_.get(), e_.get(), a_);
  Mpz one;
  mpz_setbit(one.get(), 2 * h_);
  mpz_sub(e_.get(), one.get(), e_.get());
  ctl.check_cancel();
}

void SqrtProduct::multiply(Mpz y, int threads, const RunControl& ctl, Mpz& out) const {
  const uint64_t k = 2 * h_ - kResidualLoss;
  Mpz yu, correction;
  if (threads > 1) {
    // y = high 2^j + low: the two halves' products side by side (each about
    // h by h bits), and high u alone gives the correction's top bits.
    const uint64_t j = h_ - kTopSlack;
    Mpz high;
    mpz_tdiv_q_2exp(high.get(), y.get(), j);
    auto top_done = std::async(std::launch::async, [&] {
      mpz_mul(high.get(), high.get(), u_.get());
      mpz_fdiv_q_2exp(correction.get(), high.get(), k - j);
    });
    mpz_tdiv_r_2exp(y.get(), y.get(), j);
    mpz_mul(yu.get(), y.get(), u_.get());
    y.reset();
    top_done.get();
    mpz_mul_2exp(high.get(), high.get(), j);
    mpz_add(yu.get(), yu.get(), high.get());
  } else {
    mpz_mul(yu.get(), y.get(), u_.get());
    y.reset();
    mpz_fdiv_q_2exp(correction.get(), yu.get(), k);
  }
  ctl.check_cancel();
  multiply_threads(correction, e_, threads, correction);
  mpz_fdiv_q_2exp(correction.get(), correction.get(), 2 * h_ + 1 - k);
  mpz_add(out.get(), yu.get(), correction.get());
  mpz_mul_ui(out.get(), out.get(), a_);
  mpz_fdiv_q_2exp(out.get(), out.get(), h_);
}

}  // namespace pidigits
