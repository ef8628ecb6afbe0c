#include "pidigits/display.h"

#include <cstdio>
#include <ctime>

namespace pidigits {

std::string display_time(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm t{};
  gmtime_r(&seconds, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

std::string display_duration(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[64];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%d ms", static_cast<int>(ms));
  } else if (ms < 60'000) {
    const int64_t hundredths = (ms + 5) / 10;
    std::snprintf(buf, sizeof buf, "%d.%02d s", static_cast<int>(hundredths / 100),
                  static_cast<int>(hundredths % 100));
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(ms / 60'000),
                  static_cast<int>(ms / 1000 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(ms / 3'600'000),
                  static_cast<int>(ms / 60'000 % 60));
  }
  return buf;
}

std::string display_count(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string display_mebibytes(uint64_t bytes) {
  return display_count((bytes + (1 << 20) - 1) >> 20);
}

}  // namespace pidigits
