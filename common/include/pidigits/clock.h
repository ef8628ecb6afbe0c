// Wall-clock time as stored in Redis (milliseconds since the Unix epoch) and
// its machine-readable form. Forms for people are in display.h.
#pragma once

#include <sys/time.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace pidigits {

int64_t now_ms();
// A monotonic clock in milliseconds, for intervals and deadlines (never stored).
int64_t steady_ms();
// For the C APIs (hiredis) that take a timeval.
timeval to_timeval(std::chrono::milliseconds ms);
// "2026-11-26T04:15:46.123Z" (UTC), for JSON and logs.
std::string iso_time(int64_t ms);

}  // namespace pidigits
