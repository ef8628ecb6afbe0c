#include "router.h"

#include <algorithm>

#include "api.h"
#include "form.h"
#include "metrics_endpoint.h"
#include "digits_api.h"
#include "pages.h"
#include "pidigits/log.h"
#include "validation.h"

namespace pidigits::fcgi {
namespace {
// Methods of a route, as bits. kGet includes HEAD.
enum Method : unsigned { kGet = 1, kPost = 2, kDelete = 4 };

// What a query parameter the route does not take gets: the API refuses it
// (400: a misspelt parameter must not be silently ignored); pages and probes
// drop it before the handler sees it (links from elsewhere carry tracking
// parameters, monitors cache-busting ones).
enum class Unknown { kRefused, kDropped };

// The capture of the pattern ("" for a pattern without one), unvalidated.
using Handler = Response (*)(const HttpRequest& request, App& app, std::string_view capture);

struct Route {
  std::string_view pattern;  // see match_path()
  unsigned methods;          // Method bits
  Handler handler;
  std::string_view params;  // the query parameters taken, comma-separated
  Unknown unknown;          // what other query parameters get
};

// Adapts a handler that takes no capture.
template <Response (*F)(const HttpRequest&, App&)>
Response whole(const HttpRequest& request, App& app, std::string_view) {
  return F(request, app);
}

// The first row whose pattern and method match is taken, so "/pi/{n}.txt"
// comes before "/pi/{n}" (which matches "/pi/5.txt" too).
constexpr Route kRoutes[] = {
    {"/", kGet, whole<index_page>, "limit,before,status,n", Unknown::kDropped},
    {"/healthz", kGet, whole<healthz>, "", Unknown::kDropped},
    {"/metrics", kGet, whole<metrics_page>, "", Unknown::kDropped},
    {"/api/tasks", kGet, whole<get_tasks>, "limit,before,status", Unknown::kRefused},
    {"/api/tasks", kPost, whole<post_task>, "", Unknown::kRefused},
    {"/api/tasks/{n}", kGet, get_task, "", Unknown::kRefused},
    {"/api/tasks/{n}", kDelete, delete_task, "", Unknown::kRefused},
    {"/api/tasks/{n}/cancel", kPost, cancel_task, "", Unknown::kRefused},
    {"/api/tasks/{n}/retry", kPost, retry_task, "", Unknown::kRefused},
    {"/pi/{n}.txt", kGet, pi_text, "", Unknown::kDropped},
    {"/pi/{n}", kGet, pi_page, "from", Unknown::kDropped},
    {"/api/digits", kGet, whole<get_digits>, "start,count", Unknown::kRefused},
    {"/api/search", kGet, whole<search_digits>, "q", Unknown::kRefused},
    {"/find", kGet, whole<find_page>, "q", Unknown::kDropped},
};

unsigned method_bit(std::string_view method) {
  if (method == "GET" || method == "HEAD") return kGet;
  if (method == "POST") return kPost;
  if (method == "DELETE") return kDelete;
  return 0;
}

// "GET, HEAD, POST": the Allow header of a path answering `methods`.
std::string allow_header(unsigned methods) {
  std::string allow;
  auto add = [&](std::string_view name) {
    if (!allow.empty()) allow += ", ";
    allow += name;
  };
  if (methods & kGet) {
    add("GET");
    add("HEAD");
  }
  if (methods & kPost) add("POST");
  if (methods & kDelete) add("DELETE");
  return allow;
}

Response method_not_allowed(const HttpRequest& request, unsigned methods) {
  std::string allow = allow_header(methods);
  Response response =
      json_error(405, "method " + quote_for_message(request.method) + " is not allowed on " +
                          quote_for_message(request.path) + "; use " + allow);
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

bool is_api_path(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

Response not_found(const HttpRequest& request, App& app) {
  if (is_api_path(request.path)) {
    return json_error(404, "no such API path " + quote_for_message(request.path) +
                               "; see /api/tasks and /api/tasks/N");
  }
  return error_page(app, 404, "Not found",
                    "There is no page at " + quote_for_message(request.path) + ".");
}

bool takes_param(std::string_view params, std::string_view name) {
  while (!params.empty()) {
    size_t comma = params.find(',');
    if (params.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    params.remove_prefix(comma + 1);
  }
  return false;
}

// "limit, before, status" or "no query parameters", for a message.
std::string params_text(std::string_view params) {
  if (params.empty()) return "no query parameters";
  std::string text;
  for (char c : params) {
    text += c;
    if (c == ',') text += ' ';
  }
  return text;
}

// "https://example.org:8443/x" -> "example.org:8443" (the authority), "" if none.
std::string_view origin_host(std::string_view origin) {
  size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return {};
  origin.remove_prefix(scheme + 3);
  return origin.substr(0, origin.find('/'));
}

// A request that changes something must come from the page's own site:
// browsers send Origin (and Sec-Fetch-Site) with every cross-site POST, so a
// form on another site cannot act for the person's browser (and its owner
// cookie). API clients that send neither keep working.
bool cross_site(const HttpRequest& request, const Config& config) {
  if (request.fetch_site == "cross-site") return true;
  if (request.origin.empty() || request.origin == "null") return !request.origin.empty();
  if (origin_host(request.origin) == request.host) return false;
  for (const std::string& allowed : config.allowed_origins) {
    if (request.origin == allowed) return false;
  }
  return true;
}

Response dispatch(const HttpRequest& request, App& app, std::string_view* pattern) {
  const unsigned method = method_bit(request.method);
  if (method != kGet && cross_site(request, app.config)) {
    return json_error(403, "this request came from another site (Origin " +
                               quote_for_message(request.origin) +
                               "); use the pidigits page itself, or an API client without Origin");
  }
  const Route* chosen = nullptr;
  std::string_view capture;
  unsigned allowed = 0;  // every method of every row matching the path
  for (const Route& route : kRoutes) {
    std::string_view c;
    if (!match_path(route.pattern, request.path, &c)) continue;
    allowed |= route.methods;
    if (chosen == nullptr && (route.methods & method) != 0) {
      chosen = &route;
      capture = c;
    }
  }
  if (allowed == 0) return not_found(request, app);
  if (chosen == nullptr) return method_not_allowed(request, allowed);
  *pattern = chosen->pattern;
  if (chosen->unknown == Unknown::kRefused) {
    if (auto name = unknown_param(request.query, chosen->params)) {
      return json_error(400, "unknown parameter " + quote_for_message(*name) + " on " +
                                 quote_for_message(request.path) + "; it takes " +
                                 params_text(chosen->params));
    }
  } else if (unknown_param(request.query, chosen->params)) {
    HttpRequest known = request;
    known.query = known_params(request.query, chosen->params);
    return chosen->handler(known, app, capture);
  }
  return chosen->handler(request, app, capture);
}
}  // namespace

bool match_path(std::string_view pattern, std::string_view path, std::string_view* capture) {
  for (;;) {
    size_t open = pattern.find('{');
    if (open == std::string_view::npos) return pattern == path;
    if (path.substr(0, open) != pattern.substr(0, open)) return false;
    size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) return false;
    pattern.remove_prefix(close + 1);
    path.remove_prefix(open);
    // The capture is the path segment minus the pattern's literal suffix.
    std::string_view segment = path.substr(0, path.find('/'));
    std::string_view suffix = pattern.substr(0, pattern.find('/'));
    if (!segment.ends_with(suffix)) return false;
    *capture = segment.substr(0, segment.size() - suffix.size());
    path.remove_prefix(segment.size());
    pattern.remove_prefix(suffix.size());
  }
}

std::optional<std::string> unknown_param(std::string_view query, std::string_view params) {
  for (const auto& [name, value] : parse_form(query)) {
    if (!takes_param(params, name)) return name;
  }
  return std::nullopt;
}

std::string known_params(std::string_view query, std::string_view params) {
  std::string kept;
  while (!query.empty()) {
    std::string_view piece = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), piece.size() + 1));
    if (piece.empty()) continue;
    if (!takes_param(params, url_decode(piece.substr(0, piece.find('='))))) continue;
    if (!kept.empty()) kept += '&';
    kept += piece;
  }
  return kept;
}

Response route(const HttpRequest& request, App& app, std::string_view* pattern) noexcept {
  std::string_view ignored;
  if (pattern == nullptr) pattern = &ignored;
  *pattern = {};
  try {
    return dispatch(request, app, pattern);
  } catch (const std::exception& e) {
    log::error("500: ", request.method, " ", request.path, ": ", e.what());
  } catch (...) {
    log::error("500: ", request.method, " ", request.path, ": unknown exception");
  }
  try {
    return json_error(500, "internal error; the server log has details");
  } catch (...) {
    return Response{500, "text/plain; charset=utf-8", "no-store", {}, "internal error\n", {}, 0};
  }
}

}  // namespace pidigits::fcgi
