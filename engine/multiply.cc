#include "multiply.h"

#include <future>
#include <memory>
#include <utility>

// GMP's product modulo B^rn - 1 (B = 2^64) and the sizes rn it supports
// well. libgmp exports them, but only its internal header gmp-impl.h declares
// them (unchanged from GMP 5.0 to 6.3). mpn_mulmod_bnm1 REQUIRES
// 0 < bn <= an <= rn and an + bn > rn / 2, and 2 rn + 4 limbs of scratch; the
// class of 0 comes out as B^rn - 1 unless an operand is 0.
extern "C" {
void __gmpn_mulmod_bnm1(mp_ptr rp, mp_size_t rn, mp_srcptr ap, mp_size_t an, mp_srcptr bp,
                        mp_size_t bn, mp_ptr tp);
mp_size_t __gmpn_mulmod_bnm1_next_size(mp_size_t n);
}

namespace pidigits {
namespace {

// Tuning: below this many bits the second thread costs more than it saves.
constexpr uint64_t kMinSplitBits = 1'000'000;
// Tuning: below this many limbs of a the wrapped product saves too little
// (it costs 0.94 of mpz_mul at 1000 limbs, 0.75 at 2000, 0.65 from 8000).
constexpr mp_size_t kMinWrapLimbs = 1500;

void fraction_window_exact(const Mpz& a, const Mpz& b, uint64_t bits, uint64_t window, Mpz& out) {
  mpz_mul(out.get(), a.get(), b.get());
  mpz_tdiv_r_2exp(out.get(), out.get(), bits);
  mpz_tdiv_q_2exp(out.get(), out.get(), bits - window);
}

}  // namespace

void multiply_threads(const Mpz& a, const Mpz& b, int threads, Mpz& out) {
  const Mpz& longer = mpz_size(a.get()) >= mpz_size(b.get()) ? a : b;
  const Mpz& other = &longer == &a ? b : a;
  const uint64_t bits = mpz_sizeinbase(longer.get(), 2);
  if (threads < 2 || bits < kMinSplitBits) {
    mpz_mul(out.get(), a.get(), b.get());
    return;
  }
  // longer = high 2^half + low, with high and low of longer's sign.
  const uint64_t half = bits / 2;
  Mpz high, low;
  mpz_tdiv_q_2exp(high.get(), longer.get(), half);
  mpz_tdiv_r_2exp(low.get(), longer.get(), half);
  auto high_done =
      std::async(std::launch::async, [&] { mpz_mul(high.get(), high.get(), other.get()); });
  mpz_mul(low.get(), low.get(), other.get());
  high_done.get();
  mpz_mul_2exp(high.get(), high.get(), half);
  mpz_add(out.get(), high.get(), low.get());
}

// With N = 64 rn > bits and a' = a 2^(N - bits) < 2^N:
//   a' b = I 2^N + R',   I = floor(a b / 2^bits) < b,   R' = (a b mod 2^bits) 2^(N - bits),
// and modulo 2^N - 1 that is I + R'. As I < b <= 2^(bits - window + 1) <=
// 2^(N - window), one unit of the window, adding I raises the window's value
// by at most 1; or, when I + R' >= 2^N - 1, the sum wraps to below I and the
// window reads 0 where the exact one is all ones. So when the window reads
// w > 0 the exact one is w - 1 or w (w - 1 is returned); 0 is recomputed.
void fraction_window(Mpz a, const Mpz& b, uint64_t bits, uint64_t window, Mpz& out) {
  const auto limbs = static_cast<mp_size_t>(bits / GMP_NUMB_BITS + 1);
  if (limbs < kMinWrapLimbs || mpz_sgn(a.get()) == 0) {
    fraction_window_exact(a, b, bits, window, out);
    return;
  }
  const mp_size_t rn = __gmpn_mulmod_bnm1_next_size(limbs);
  const uint64_t n_bits = static_cast<uint64_t>(rn) * GMP_NUMB_BITS;
  // From here on a b's fraction is a b / 2^n_bits: the same window.
  mpz_mul_2exp(a.get(), a.get(), n_bits - bits);
  const Mpz* longer = &a;
  const Mpz* shorter = &b;
  if (mpz_size(longer->get()) < mpz_size(shorter->get())) std::swap(longer, shorter);
  const mp_size_t an = static_cast<mp_size_t>(mpz_size(longer->get()));
  const mp_size_t bn = static_cast<mp_size_t>(mpz_size(shorter->get()));
  if (an + bn <= rn) {  // nothing wraps: no saving
    fraction_window_exact(a, b, n_bits, window, out);
    return;
  }
  auto scratch = std::make_unique_for_overwrite<mp_limb_t[]>(2 * rn + 4);
  __gmpn_mulmod_bnm1(mpz_limbs_write(out.get(), rn), rn, mpz_limbs_read(longer->get()), an,
                     mpz_limbs_read(shorter->get()), bn, scratch.get());
  mpz_limbs_finish(out.get(), rn);
  scratch.reset();
  mpz_tdiv_q_2exp(out.get(), out.get(), n_bits - window);
  if (mpz_sgn(out.get()) == 0) {
    fraction_window_exact(a, b, n_bits, window, out);
    return;
  }
  mpz_sub_ui(out.get(), out.get(), 1);
}

}  // namespace pidigits
