#include "pidigits/clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>

namespace pidigits {
namespace {

TEST(Clock, FormatsUtcTimes) {
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(1764130546123), "2025-11-26T04:15:46.123Z");
  EXPECT_EQ(iso_time(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(iso_time(-1), "1969-12-31T23:59:59.999Z");
}

// The arithmetic agrees with the C library's calendar, leap days and century
// years included, over four centuries sampled at odd steps.
TEST(Clock, AgreesWithGmtime) {
  const int64_t step = 86'400'000LL * 37 + 3'723'456;  // 37 days, 1 h 2 min 3.456 s
  for (int64_t ms = -2'208'988'800'000LL; ms < 10'413'792'000'000LL; ms += step) {
    std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm t{};
    gmtime_r(&seconds, &t);
    char want[64];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900,
                  t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                  static_cast<int>((ms % 1000 + 1000) % 1000));
    ASSERT_EQ(iso_time(ms), want) << ms;
  }
}

}  // namespace
}  // namespace pidigits
