// The HTML pages: the task table (GET /), pi to N places (GET /pi/N), its
// plain-text form (GET /pi/N.txt), and error pages. Digits are read from
// pi:digits with GETRANGE, a window or a chunk at a time, never whole.
#pragma once

#include <cstdint>
#include <string_view>

#include "app.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

// Chunk size of GET /pi/N.txt: bounds the memory one download uses.
inline constexpr uint64_t kTextChunkBytes = 1 << 20;

Response index_page(const HttpRequest& request, App& app);
Response pi_page(const HttpRequest& request, App& app, std::string_view n_text);
Response pi_text(const HttpRequest& request, App& app, std::string_view n_text);

// error.mustache with `status`; offer_n != 0 offers to compute that n.
// Falls back to plain text if the template cannot render.
Response error_page(App& app, int status, std::string_view title, std::string_view message,
                    uint64_t offer_n = 0);

// A 503 page (or JSON) for a Redis failure, logged with `what` was being done.
Response redis_unavailable_page(App& app, std::string_view what, const std::string& why);
Response redis_unavailable_json(std::string_view what, const std::string& why);

}  // namespace pidigits::fcgi
