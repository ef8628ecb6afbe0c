// The Chudnovsky series for pi, summed by binary splitting.
#ifndef PIDIGITS_ENGINE_CHUDNOVSKY_H_
#define PIDIGITS_ENGINE_CHUDNOVSKY_H_

#include <cstdint>

#include "mpz.h"
#include "run_control.h"

namespace pidigits {

// Q(0,N) and T(0,N) of the series (see chudnovsky.cc), so that
// pi = 426880 * sqrt(10005) * q / t.
struct SeriesSums {
  Mpz q;
  Mpz t;
};

// Terms N that make the series error smaller than 10^-(digits + 2).
uint64_t terms_for_digits(uint64_t digits);

// Total RunControl work units that compute_series(terms, threads, ...)
// reports.
uint64_t series_work(uint64_t terms, int threads);

// Sums `terms` terms on up to `threads` threads (the result does not depend
// on `threads`). Reports work to `ctl` and throws Cancelled from it.
SeriesSums compute_series(uint64_t terms, int threads, RunControl& ctl);

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_CHUDNOVSKY_H_
