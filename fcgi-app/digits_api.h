// Digits as data: a range of the stored decimals (GET /api/digits), the first
// occurrence of a string of digits (GET /api/search, answered by the
// process's SearchIndex), and the same search for a browser without
// JavaScript (GET /find, a redirect to the page showing the match).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

// Most decimals one GET /api/digits returns.
inline constexpr uint64_t kMaxDigitsCount = 10'000;

// ?start=K&count=C: K >= 1, 1 <= C <= kMaxDigitsCount, both required, no
// other parameter. Pure (no Redis): sets *error to a message on failure.
bool parse_digits_query(std::string_view query, uint64_t* start, uint64_t* count,
                        std::string* error);
// ?q=DIGITS: 1 to kMaxQueryDigits decimal digits, no other parameter.
bool parse_search_query(std::string_view query, std::string* q, std::string* error);

Response get_digits(const HttpRequest& request, App& app);
Response search_digits(const HttpRequest& request, App& app);
Response find_page(const HttpRequest& request, App& app);

}  // namespace pidigits::fcgi
