// The queries of GET /api/digits and GET /api/search (and /find). Pure
// functions: no FastCGI, no Redis (the fuzzer drives them). On failure each
// sets a message a person can act on, quoting input as validation.h does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pidigits::fcgi {

// Most decimals one GET /api/digits returns.
inline constexpr uint64_t kMaxDigitsCount = 10'000;
// Longest digit string GET /api/search looks for.
inline constexpr size_t kMaxQueryDigits = 20;

// ?start=K&count=C: K >= 1, 1 <= C <= kMaxDigitsCount, both required, no
// other parameter.
bool parse_digits_query(std::string_view query, uint64_t* start, uint64_t* count,
                        std::string* error);
// ?q=DIGITS: 1 to kMaxQueryDigits characters 0-9, no other parameter.
bool parse_search_query(std::string_view query, std::string* q, std::string* error);

}  // namespace pidigits::fcgi
