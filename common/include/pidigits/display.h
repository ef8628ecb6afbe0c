// Numbers and times as people read them in pages and in the task table.
// The task JSON carries these strings, so the server's first paint and the
// browser's live rows show the same text.
#pragma once

#include <cstdint>
#include <string>

namespace pidigits {

// "2026-11-26 04:15:46" (UTC).
std::string display_time(int64_t ms);
// "850 ms", "1.23 s", "2 min 03 s", "1 h 02 min".
std::string display_duration(int64_t ms);
// "100,000,000".
std::string display_count(uint64_t value);
// Bytes as whole MiB, rounded up, grouped: "1,024".
std::string display_mebibytes(uint64_t bytes);

}  // namespace pidigits
