// Binary -> decimal conversion of a large non-negative integer, divide and
// conquer on powers of ten so that halves can run on separate threads and
// cancellation is checked between pieces.
#ifndef PIDIGITS_ENGINE_DECIMAL_H_
#define PIDIGITS_ENGINE_DECIMAL_H_

#include <cstdint>
#include <vector>

#include "mpz.h"
#include "run_control.h"

namespace pidigits {

// Converts one integer of a fixed number of digits. The powers of ten it
// divides by depend only on the digit count, so they can be computed early,
// on another thread, while the integer is still being computed.
class DecimalConverter {
 public:
  explicit DecimalConverter(uint64_t digits);

  // Total RunControl work units that convert reports.
  uint64_t work() const { return work_; }

  // Computes the powers of ten; throws Cancelled from ctl.
  void compute_powers(const RunControl& ctl);

  // Writes the low `digits` decimal digits of x >= 0 (x mod 10^digits), with
  // leading zeros, as ASCII to out[0, digits). Consumes x (frees it early to
  // lower peak memory). The output does not depend on `threads`.
  // REQUIRES: compute_powers() has returned.
  void convert(Mpz x, int threads, RunControl& ctl, char* out) const;

 private:
  struct Plan {
    uint64_t leaf;               // digits per leaf
    std::vector<uint64_t> exps;  // exps[j] = leaf * 2^j
  };
  void convert_part(Mpz x, uint64_t digits, int threads, RunControl& ctl, char* out) const;
  int split_level(uint64_t digits) const;
  uint64_t work_of(uint64_t digits) const;

  uint64_t digits_;
  Plan plan_;
  std::vector<Mpz> powers_;  // powers_[j] = 10^exps[j]
  uint64_t work_;
};

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_DECIMAL_H_
