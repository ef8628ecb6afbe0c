// Maps (method, path) to a handler through one table (kRoutes in router.cc):
// a row is a path pattern, the methods it answers, its handler, the query
// parameters it takes and what other parameters get (refused or dropped). Adding a
// route is adding a row. Routes, as built:
//   GET  /               index page            GET  /pi/N, /pi/N.txt  digits
//   GET  /api/tasks      task list             POST /api/tasks        create a task
//   GET  /api/tasks/N    one task              DELETE /api/tasks/N    delete (operator)
//   POST /api/tasks/N/cancel, /api/tasks/N/retry                      change a task
//   GET  /healthz        Redis check           GET  /metrics          Prometheus text
//   GET  /api/digits     a range of decimals   GET  /api/search       digit search
//   GET  /find           search, redirecting to the page (digits_api.h)
// HEAD is answered like GET without the body. A wrong method on a known path
// gets 405 with Allow listing every method of that path; an unknown path 404
// (JSON under /api/, an HTML page elsewhere). An API route refuses a query
// parameter it does not take (400 naming it); a page, /healthz and /metrics
// ignore it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

// Never throws: an exception from a handler becomes a logged 500 JSON error.
// *pattern (when given) is set to the matched route's pattern, e.g.
// "/api/tasks/{n}", or "" when no route matched: a label of bounded
// cardinality for the request metrics.
Response route(const HttpRequest& request, App& app, std::string_view* pattern = nullptr) noexcept;

// Whether `path` has the shape of `pattern`: literal text, and at most a few
// "{name}" captures, each matching the rest of one path segment up to the
// literal text that follows it in the pattern ("/pi/{n}.txt" matches
// "/pi/12.txt" with *capture "12"; "/pi/{n}" does not match "/pi/1/2").
// *capture receives the last capture (unvalidated; it may be empty).
bool match_path(std::string_view pattern, std::string_view path, std::string_view* capture);

// The first name in `query` (decoded) that is not in `params` (a
// comma-separated list, "" for none); nullopt when every name is known.
std::optional<std::string> unknown_param(std::string_view query, std::string_view params);

// `query` without the pieces whose name is not in `params`.
std::string known_params(std::string_view query, std::string_view params);

}  // namespace pidigits::fcgi
