// Binary -> decimal conversion of a fraction in [0, 1) by a scaled remainder
// tree: the first half of the digits comes from the fraction itself, the
// second half from frac(f * 10^half), recursively, so each level costs one
// multiplication (no division), and the halves can run on separate threads.
#ifndef PIDIGITS_ENGINE_DECIMAL_H_
#define PIDIGITS_ENGINE_DECIMAL_H_

#include <cstdint>
#include <vector>

#include "mpz.h"
#include "run_control.h"

namespace pidigits {

// Converts one fraction to a fixed number of digits. The powers of ten it
// multiplies by depend only on the digit count, so they can be computed
// early, on another thread, while the fraction is still being computed.
class DecimalConverter {
 public:
  // `guard_digits` (>= 1) extra digits are computed below every piece of
  // the output and checked (see convert).
  DecimalConverter(uint64_t digits, int guard_digits);

  // Bits of the fixed-point fraction that convert takes: f = F / 2^bits.
  uint64_t fraction_bits() const { return bits_for(digits_); }

  // Total RunControl work units that convert reports.
  uint64_t work() const { return work_; }

  // Computes the powers of ten; throws Cancelled from ctl.
  void compute_powers(const RunControl& ctl);

  // Writes the first `digits` decimals of f = fraction / 2^fraction_bits() as
  // ASCII to out[0, digits). REQUIRES: 0 <= fraction < 2^fraction_bits(), and
  // fraction <= the exact value times 2^fraction_bits() < fraction + 2^-12
  // (an approximation from below, to a few units of its last bit).
  // Returns whether the digits are certainly those of the exact value:
  // false when some piece's guard digits are all 9s (the exact value may
  // carry into that piece); then the caller retries with more guard digits.
  // Consumes the fraction (frees it early to lower peak memory). The output
  // does not depend on `threads`. REQUIRES: compute_powers() has returned.
  bool convert(Mpz fraction, int threads, RunControl& ctl, char* out) const;

 private:
  // Bits that a piece of `digits` digits keeps: enough for its digits, its
  // guard digits and kSlackBits of margin for the truncations below it.
  uint64_t bits_for(uint64_t digits) const;
  // Index j of the power 10^exps[j] that splits `digits`, or -1 for a leaf.
  int split_level(uint64_t digits) const;
  uint64_t work_of(uint64_t digits) const;
  bool convert_part(Mpz f, uint64_t digits, int threads, RunControl* ctl, char* out) const;
  bool leaf(const Mpz& f, uint64_t digits, char* out) const;

  uint64_t digits_;
  int guard_;
  uint64_t leaf_;               // most digits of a leaf
  std::vector<uint64_t> exps_;  // exps_[j] = leaf_ * 2^j
  std::vector<Mpz> powers_;     // powers_[j] = 10^exps_[j]
  uint64_t work_;
};

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_DECIMAL_H_
