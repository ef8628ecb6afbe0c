// Entry points of the engine that tests use but the public API hides.
#ifndef PIDIGITS_ENGINE_ENGINE_INTERNAL_H_
#define PIDIGITS_ENGINE_ENGINE_INTERNAL_H_

#include <cstdint>
#include <string>

#include "pidigits/engine.h"

namespace pidigits {

// Guard digits of the first attempt of compute_pi.
constexpr int kDefaultGuardDigits = 20;

// compute_pi with `guard_digits` (>= 4) guard digits in the first attempt;
// small values let tests reach the "ambiguous truncation, retry" path.
ComputeResult compute_pi_with_guard(uint64_t n, int guard_digits, const ComputeOptions& options,
                                    std::string* out);

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_ENGINE_INTERNAL_H_
