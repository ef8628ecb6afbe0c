// SHA-256 of compute_pi's output against published vectors (1e7 only with
// PI_SLOW_TESTS=1: it takes ~7 s).
#include "testing/pi_vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "pidigits/engine.h"
#include "testing/sha256.h"

namespace pidigits {
namespace {

std::string hash_of_pi(uint64_t n, int threads) {
  ComputeOptions options;
  options.threads = threads;
  std::string out;
  ComputeResult result = compute_pi(n, options, &out);
  EXPECT_EQ(result.error, ComputeError::kNone) << result.message;
  EXPECT_EQ(out.size(), n + 2);
  return testing::sha256_hex(out);
}

const char* expected_hash(uint64_t n) {
  for (const auto& v : testing::kSha256Vectors) {
    if (v.n == n) return v.sha256;
  }
  return "";
}

TEST(PiVectorsTest, Sha256Of1e4) { EXPECT_EQ(hash_of_pi(10'000, 1), expected_hash(10'000)); }

TEST(PiVectorsTest, Sha256Of1e5) { EXPECT_EQ(hash_of_pi(100'000, 2), expected_hash(100'000)); }

TEST(PiVectorsTest, Sha256Of1e6) { EXPECT_EQ(hash_of_pi(1'000'000, 2), expected_hash(1'000'000)); }

TEST(PiVectorsTest, DigitsAround1e6) {
  ComputeOptions options;
  options.threads = 2;
  std::string out;
  ASSERT_EQ(compute_pi(1'000'010, options, &out).error, ComputeError::kNone);
  EXPECT_EQ(out.substr(999'991 + 1), testing::kAround1e6);
}

TEST(PiVectorsTest, Sha256Of1e7Slow) {
  const char* slow = std::getenv("PI_SLOW_TESTS");
  if (slow == nullptr || std::string(slow) != "1") {
    GTEST_SKIP() << "set PI_SLOW_TESTS=1 to run";
  }
  EXPECT_EQ(hash_of_pi(10'000'000, 2), expected_hash(10'000'000));
}

}  // namespace
}  // namespace pidigits
