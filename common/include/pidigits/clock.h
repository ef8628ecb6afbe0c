// Wall-clock time as stored in Redis (milliseconds since the Unix epoch) and
// its two printed forms.
#pragma once

#include <cstdint>
#include <string>

namespace pidigits {

int64_t now_ms();
// "2026-11-26T04:15:46.123Z" (UTC), for JSON and logs.
std::string iso_time(int64_t ms);
// "2026-11-26 04:15:46" (UTC), for people reading the table.
std::string display_time(int64_t ms);
// A duration for people: "850 ms", "1.23 s", "2 min 03 s", "1 h 02 min".
std::string display_duration(int64_t ms);

}  // namespace pidigits
