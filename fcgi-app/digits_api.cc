#include "digits_api.h"

#include <algorithm>

#include "digits_query.h"
#include "pages.h"
#include "pidigits/digits.h"
#include "pidigits/lifecycle.h"
#include "search_index.h"
#include "validation.h"
#include "views.h"

namespace pidigits::fcgi {
namespace {
// A range of decimals never changes: any cache may keep it for a year.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

// Validate-or-reply for the search query; *reply is a JSON 400.
bool search_query_or_reply(const HttpRequest& request, std::string* q, Response* reply) {
  std::string error;
  if (parse_search_query(request.query, q, &error)) return true;
  *reply = json_error(400, error);
  return false;
}

// Searches the stored decimals with the process's index (search_index.h).
Result<SearchAnswer> search_stored(App& app, std::string_view q) {
  return app.cache.search->search(app.redis, app.config.search_max_digits, q);
}
}  // namespace

// GET /api/digits?start=K&count=C -> 200 {"start", "count", "digits"} | 400 | 404 | 503
Response get_digits(const HttpRequest& request, App& app) {
  uint64_t start = 0, count = 0;
  std::string error;
  if (!parse_digits_query(request.query, &start, &count, &error)) return json_error(400, error);
  auto stored = lifecycle::digits_info(app.redis);
  if (!stored.ok()) return redis_unavailable_json("digits length", stored.status().message());
  const uint64_t last = start + count - 1;
  if (last > stored->decimals()) {
    std::string message = "decimals " + std::to_string(start) + " to " + std::to_string(last) +
                          " are not all stored: the largest stored position is " +
                          std::to_string(stored->decimals()) + "; ";
    if (last <= app.config.max_digits) {
      message += "to get more, create a task with POST /api/tasks {\"n\": " +
                 std::to_string(last) + "}";
    } else {
      message += "this service computes at most " + std::to_string(app.config.max_digits) +
                 " decimals";
    }
    return json_error(404, message);
  }
  // "3." precedes the decimals: decimal k is at offset k + 1.
  auto text = digits::read(app.redis, *stored, start + 1, count);
  if (!text.ok()) return redis_unavailable_json("digits", text.status().message());
  Response response =
      json_response(200, nlohmann::json{{"start", start}, {"count", count}, {"digits", *text}});
  response.cache_control = kImmutable;
  return response;
}

// GET /api/search?q=DIGITS -> 200 {"q", "position" (1-based) | null, "searched"} | 400 | 503
Response search_digits(const HttpRequest& request, App& app) {
  std::string q;
  Response refused;
  if (!search_query_or_reply(request, &q, &refused)) return refused;
  auto answer = search_stored(app, q);
  if (!answer.ok()) return redis_unavailable_json("digit search", answer.status().message());
  nlohmann::json body{{"q", q}, {"position", nullptr}, {"searched", answer->searched}};
  if (answer->position != 0) body["position"] = answer->position;
  return json_response(200, body);
}

// GET /find?q=DIGITS -> 303 to /pi/L?from=P (the window that starts with the
// match) | 404 page (not found) | 400 page | 503 page
Response find_page(const HttpRequest& request, App& app) {
  std::string q, error;
  if (!parse_search_query(request.query, &q, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  auto answer = search_stored(app, q);
  if (!answer.ok()) return redis_unavailable_page(app, "digit search", answer.status().message());
  if (answer->position == 0) {
    return error_page(app, 404, "Not found in π",
                      "The digits " + q + " do not occur in the first " +
                          display_count(answer->searched) +
                          " decimals of π, all that this service has stored and searched.");
  }
  // The pi page of all searched decimals (its n is at most PI_MAX_DIGITS, and
  // never before the end of the match), from the match's first decimal.
  const uint64_t match_end = answer->position + q.size() - 1;
  const uint64_t n = std::max(match_end, std::min(answer->searched, app.config.max_digits));
  return redirect(303, "/pi/" + std::to_string(n) + "?from=" + std::to_string(answer->position));
}

}  // namespace pidigits::fcgi
