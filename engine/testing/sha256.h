// SHA-256 (FIPS 180-4), only for tests: to compare pi's digits with published
// hashes without depending on a crypto library.
#ifndef PIDIGITS_ENGINE_TESTING_SHA256_H_
#define PIDIGITS_ENGINE_TESTING_SHA256_H_

#include <string>
#include <string_view>

namespace pidigits::testing {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace pidigits::testing

#endif  // PIDIGITS_ENGINE_TESTING_SHA256_H_
