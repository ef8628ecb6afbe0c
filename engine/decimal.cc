// The scaled remainder tree. A piece of k digits holds f in [0, 1) as
// F / 2^bits_for(k); with k = hi + lo (10^hi precomputed):
//   first hi digits  = the digits of f itself, kept to bits_for(hi) bits
//   last lo digits   = the digits of frac(f * 10^hi), kept to bits_for(lo) bits
// and a leaf of k digits multiplies its limbs by 10^19 repeatedly, each
// carry-out being the next 19 digits.
//
// Exactness: every truncation rounds down, so each piece's fraction is below
// the exact one by less than 10^-(k + guard) * (2^-8 + depth * 2^(1-kSlackBits))
// (the input's error, scaled by the powers of ten, plus per level one
// truncation and the one unit that fraction_window may take off). A leaf
// computes k + guard digits of its (exact, finite) fraction; the exact value
// can differ in the first k only by a carry through all the guard digits,
// i.e. when they are all 9s. That also covers a product whose integer part
// came out one too low: its fraction is then just below 1 and reads as 9s.
// So "no leaf saw guard digits of all 9s" proves the output.
#include "decimal.h"

#include <cmath>
#include <cstring>
#include <future>
#include <string>

#include "multiply.h"

namespace pidigits {
namespace {

// Tuning: pieces of at most this many digits are leaves. A leaf costs about
// digits^2 / 370 limb multiplications, a split about as much as the split
// below it, so leaves near 1000 digits balance the two.
constexpr uint64_t kMaxLeafDigits = 1024;
// Tuning: pieces of at least this many digits report progress and check for
// cancellation (smaller ones take well under a millisecond).
constexpr uint64_t kTickDigits = 16384;
// Margin bits of every piece, for the truncations below it (see above).
constexpr uint64_t kSlackBits = 20;
constexpr double kLog2Of10 = 3.321928094887362;
// A leaf's limbs times 10^19 carry out 19 digits (10^19 < 2^64).
constexpr uint64_t kChunkDigits = 19;
constexpr mp_limb_t kTenPow19 = 10'000'000'000'000'000'000ull;

void write_chunk(uint64_t v, char* out) {
  for (int i = kChunkDigits - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

// The split points are leaf * 2^j, so the only multipliers are the powers
// 10^(leaf * 2^j), each computed once by squaring; leaf is chosen so that
// the top split is near the middle.
DecimalConverter::DecimalConverter(uint64_t digits, int guard_digits)
    : digits_(digits), guard_(guard_digits), leaf_(digits) {
  int levels = 0;
  while (leaf_ > kMaxLeafDigits) {
    ++levels;
    leaf_ = (digits + (uint64_t{1} << levels) - 1) >> levels;
  }
  for (int j = 0; j < levels; ++j) exps_.push_back(leaf_ << j);
  work_ = work_of(digits);
}

uint64_t DecimalConverter::bits_for(uint64_t digits) const {
  double bits = std::ceil(static_cast<double>(digits + guard_) * kLog2Of10);
  return static_cast<uint64_t>(bits) + 1 + kSlackBits;
}

int DecimalConverter::split_level(uint64_t digits) const {
  if (digits <= leaf_) return -1;
  int j = static_cast<int>(exps_.size()) - 1;
  while (j >= 0 && exps_[j] >= digits) --j;
  return j;
}

uint64_t DecimalConverter::work_of(uint64_t digits) const {
  int j = split_level(digits);
  if (j < 0) return digits;
  uint64_t hi = exps_[j];
  return digits + work_of(hi) + work_of(digits - hi);
}

void DecimalConverter::compute_powers(const RunControl& ctl) {
  powers_.resize(exps_.size());
  for (size_t j = 0; j < powers_.size(); ++j) {
    if (j == 0) {
      mpz_ui_pow_ui(powers_[0].get(), 10, leaf_);
    } else {
      mpz_mul(powers_[j].get(), powers_[j - 1].get(), powers_[j - 1].get());
    }
    ctl.check_cancel();
  }
}

bool DecimalConverter::convert(Mpz fraction, int threads, RunControl& ctl, char* out) const {
  return convert_part(std::move(fraction), digits_, threads, &ctl, out);
}

// Reports work_of(digits) units to *ctl in total (nothing when ctl is null).
bool DecimalConverter::convert_part(Mpz f, uint64_t digits, int threads, RunControl* ctl,
                                    char* out) const {
  if (ctl != nullptr && digits < kTickDigits) {
    bool ok = convert_part(std::move(f), digits, 1, nullptr, out);
    ctl->add_work(work_of(digits));
    return ok;
  }
  int j = split_level(digits);
  if (j < 0) {
    bool ok = leaf(f, digits, out);
    if (ctl != nullptr) ctl->add_work(digits);
    return ok;
  }
  const uint64_t bits = bits_for(digits);
  const uint64_t hi = exps_[j];
  const uint64_t lo = digits - hi;
  Mpz f_hi;
  mpz_tdiv_q_2exp(f_hi.get(), f.get(), bits - bits_for(hi));
  // The low half's fraction frac(f 10^hi), to bits_for(lo) bits.
  const uint64_t lo_bits = bits_for(lo);
  Mpz f_lo;
  if (threads > 1) {
    // The whole product on all threads first (faster than the wrapped one
    // on one), then both halves side by side. If this thread throws, the
    // future's destructor waits for the other half.
    multiply_threads(f, powers_[j], threads, f_lo);
    f.reset();
    mpz_tdiv_r_2exp(f_lo.get(), f_lo.get(), bits);
    mpz_tdiv_q_2exp(f_lo.get(), f_lo.get(), bits - lo_bits);
    if (ctl != nullptr) ctl->add_work(digits);
    auto hi_done = std::async(std::launch::async, [&] {
      return convert_part(std::move(f_hi), hi, threads / 2, ctl, out);
    });
    bool lo_ok = convert_part(std::move(f_lo), lo, threads - threads / 2, ctl, out + hi);
    bool hi_ok = hi_done.get();
    return lo_ok && hi_ok;
  }
  bool hi_ok = convert_part(std::move(f_hi), hi, 1, ctl, out);
  // 10^hi < 2^(bits - lo_bits + 1), as fraction_window requires: bits and
  // lo_bits are ceil((k + guard) log2 10) and ceil((lo + guard) log2 10) plus
  // the same constant.
  fraction_window(std::move(f), powers_[j], bits, lo_bits, f_lo);
  if (ctl != nullptr) ctl->add_work(digits);
  return convert_part(std::move(f_lo), lo, 1, ctl, out + hi) && hi_ok;
}

bool DecimalConverter::leaf(const Mpz& f, uint64_t digits, char* out) const {
  // Shift F / 2^bits to a whole number of limbs: buf / 2^(64 limbs).
  const uint64_t bits = bits_for(digits);
  const size_t limbs = (bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
  const unsigned shift = static_cast<unsigned>(limbs * GMP_NUMB_BITS - bits);
  std::vector<mp_limb_t> buf(limbs, 0);
  const size_t size = mpz_size(f.get());
  if (size > 0) {
    const mp_limb_t* src = mpz_limbs_read(f.get());
    if (shift == 0) {
      std::memcpy(buf.data(), src, size * sizeof(mp_limb_t));
    } else {
      mp_limb_t carry = mpn_lshift(buf.data(), src, size, shift);
      if (size < limbs) buf[size] = carry;
    }
  }
  const uint64_t total = digits + guard_;
  const uint64_t chunks = (total + kChunkDigits - 1) / kChunkDigits;
  std::string text(chunks * kChunkDigits, '0');
  for (uint64_t c = 0; c < chunks; ++c) {
    write_chunk(mpn_mul_1(buf.data(), buf.data(), limbs, kTenPow19), &text[c * kChunkDigits]);
  }
  std::memcpy(out, text.data(), digits);
  for (uint64_t i = digits; i < total; ++i) {
    if (text[i] != '9') return true;
  }
  return false;
}

}  // namespace pidigits
