#include "testing/pi_decimals.h"

#include <stdexcept>

#include "pidigits/engine.h"

namespace pidigits::fcgi::testing {

const std::string& pi_decimals() {
  static const std::string decimals = [] {
    std::string out;
    ComputeResult result = compute_pi(kPiTestDecimals, ComputeOptions{}, &out);
    if (result.error != ComputeError::kNone) throw std::runtime_error(result.message);
    return out.substr(2);
  }();
  return decimals;
}

}  // namespace pidigits::fcgi::testing
