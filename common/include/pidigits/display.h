// Numbers and times as people read them in pages and in the task table.
// These are the server's half of the row view's rules (docs/CONTRACTS.md,
// "Row view"); frontend/static/rows.js (rowView) implements the same rules for
// the rows the browser renders, and a browser test checks that both agree.
// Only integer arithmetic, so that C++ and JavaScript cannot round differently.
#pragma once

#include <cstdint>
#include <string>

namespace pidigits {

// "2026-11-26 04:15:46" (UTC, seconds truncated).
std::string display_time(int64_t ms);
// "850 ms" below 1 s; "1.23 s" below 1 min (hundredths, half up: 1125 ms is
// "1.13 s"); "2 min 03 s" below 1 h; "1 h 02 min" (minutes and seconds truncated).
std::string display_duration(int64_t ms);
// "100,000,000".
std::string display_count(uint64_t value);
// Bytes as whole MiB, rounded up, grouped: "1,024".
std::string display_mebibytes(uint64_t bytes);

}  // namespace pidigits
