#include "pidigits/clock.h"

#include <gtest/gtest.h>

namespace pidigits {
namespace {

TEST(Clock, FormatsUtcTimes) {
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(1764130546123), "2025-11-26T04:15:46.123Z");
  EXPECT_EQ(display_time(1764130546123), "2025-11-26 04:15:46");
}

TEST(Clock, FormatsDurationsForPeople) {
  EXPECT_EQ(display_duration(-5), "0 ms");
  EXPECT_EQ(display_duration(850), "850 ms");
  EXPECT_EQ(display_duration(1234), "1.23 s");
  EXPECT_EQ(display_duration(123'000), "2 min 03 s");
  EXPECT_EQ(display_duration(3'720'000), "1 h 02 min");
}

}  // namespace
}  // namespace pidigits
