#include "pidigits/display.h"

#include <gtest/gtest.h>

namespace pidigits {
namespace {

TEST(Display, Time) { EXPECT_EQ(display_time(1764130546123), "2025-11-26 04:15:46"); }

TEST(Display, Durations) {
  EXPECT_EQ(display_duration(-5), "0 ms");
  EXPECT_EQ(display_duration(850), "850 ms");
  EXPECT_EQ(display_duration(999), "999 ms");
  EXPECT_EQ(display_duration(1000), "1.00 s");
  EXPECT_EQ(display_duration(1234), "1.23 s");
  // Hundredths round half up in integers: printf("%.2f", 1.125) would say 1.12.
  EXPECT_EQ(display_duration(1125), "1.13 s");
  EXPECT_EQ(display_duration(1005), "1.01 s");
  EXPECT_EQ(display_duration(59'994), "59.99 s");
  EXPECT_EQ(display_duration(60'000), "1 min 00 s");
  EXPECT_EQ(display_duration(123'000), "2 min 03 s");
  EXPECT_EQ(display_duration(3'599'999), "59 min 59 s");
  EXPECT_EQ(display_duration(3'720'000), "1 h 02 min");
}

TEST(Display, Counts) {
  EXPECT_EQ(display_count(0), "0");
  EXPECT_EQ(display_count(999), "999");
  EXPECT_EQ(display_count(1000), "1,000");
  EXPECT_EQ(display_count(123456789), "123,456,789");
}

}  // namespace
}  // namespace pidigits
