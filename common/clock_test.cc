#include "pidigits/clock.h"

#include <gtest/gtest.h>

namespace pidigits {
namespace {

TEST(Clock, FormatsUtcTimes) {
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(1764130546123), "2025-11-26T04:15:46.123Z");
}

}  // namespace
}  // namespace pidigits
