// sqrt(a) * y for a small integer a and a long fixed-point y, by a Newton
// reciprocal square root whose last step is merged with the product: about
// 1.9 multiplications of y's length instead of mpz_sqrt's 1.8 plus one.
#ifndef PIDIGITS_ENGINE_SQRT_PRODUCT_H_
#define PIDIGITS_ENGINE_SQRT_PRODUCT_H_

#include <cstdint>

#include "mpz.h"
#include "run_control.h"

namespace pidigits {

// The parts of sqrt(a) * y that do not depend on y, so that they can be
// computed beside the division that produces y.
class SqrtProduct {
 public:
  // For y < 2^bits and 2 <= a < 2^32.
  SqrtProduct(unsigned long a, uint64_t bits);

  // The reciprocal square root and its residual. Throws Cancelled from ctl.
  void prepare(const RunControl& ctl);

  // sqrt(a) * y with an error below 2 units (so an error of y itself adds
  // sqrt(a) times as much). Consumes y. `threads` > 1 runs the products in
  // pairs.
  // REQUIRES: prepare() has returned.
  void multiply(Mpz y, int threads, const RunControl& ctl, Mpz& out) const;

 private:
  unsigned long a_;
  uint64_t h_;  // precision of u_
  Mpz u_;       // 2^h / sqrt(a), error < 2
  Mpz e_;       // 2^2h - a u^2, i.e. the residual 1 - a u^2 scaled by 2^2h
};

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_SQRT_PRODUCT_H_
