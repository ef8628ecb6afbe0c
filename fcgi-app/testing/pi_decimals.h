// Real decimals of pi for the search and digits tests, computed once per test
// process by the engine (checked against shared/testdata/pi-vectors.txt by
// engine/pi_vectors_test.cc).
#pragma once

#include <string>

namespace pidigits::fcgi::testing {

// Decimals 1..kPiTestDecimals of pi (no "3.").
inline constexpr size_t kPiTestDecimals = 200'000;
const std::string& pi_decimals();

}  // namespace pidigits::fcgi::testing
