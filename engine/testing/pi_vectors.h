// Known digits of pi for tests, copied from the project's shared
// testdata/pi-vectors.txt (checked there against GMP's Chudnovsky demo, MPFR
// and PARI/GP). Hashes cover the exact bytes "3." + N decimals, no newline.
#ifndef PIDIGITS_ENGINE_TESTING_PI_VECTORS_H_
#define PIDIGITS_ENGINE_TESTING_PI_VECTORS_H_

#include <cstdint>

namespace pidigits::testing {

// Decimals 1-50.
inline constexpr char kFirst50Decimals[] = "14159265358979323846264338327950288419716939937510";

// Decimals 751-790, from mpmath (an independent implementation); its
// decimals 762-767 are the shared file's "999999" (the Feynman point).
inline constexpr uint64_t kFeynmanFirst = 751;
inline constexpr char kFeynmanDecimals[] = "5187072113499999983729780499510597317328";

struct HashVector {
  uint64_t n;
  const char* sha256;
};

inline constexpr HashVector kSha256Vectors[] = {
    {10000, "452304d0e15d9e9fd9b63024212bb571de54b9b9f0aa050481f90530ef0b5c5d"},
    {100000, "6fba00bd4d732bf518635d1e28e5292c8db6ee4c26285fe43d5ae9d104655cd9"},
    {1000000, "dd382ef6a0c1e8d920fb72f482d74826251ab97709520bc24f913cd8eb5fc839"},
    {10000000, "46059c61a4de67d6c916fa958168789da324a03ee8a85c30e9ca292c3712eb25"},
};

// Decimals 999991-1000010 (across the 1e6 boundary).
inline constexpr char kAround1e6[] = "57794581513092756283";

}  // namespace pidigits::testing

#endif  // PIDIGITS_ENGINE_TESTING_PI_VECTORS_H_
