#include "router.h"

#include "api.h"
#include "digits_api.h"
#include "pages.h"
#include "pidigits/log.h"
#include "validation.h"

namespace pidigits::fcgi {
namespace {
bool is_get(const HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD";
}

Response method_not_allowed(const HttpRequest& request, std::string_view allow) {
  Response response =
      json_error(405, "method " + quote_for_message(request.method) + " is not allowed on " +
                          quote_for_message(request.path) + "; use " + std::string(allow));
  response.headers.emplace_back("Allow", allow);
  return response;
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

// "/api/tasks/N/<action>": false unless `path` is of that shape.
bool split_action_path(std::string_view path, std::string_view action, std::string_view* n_text) {
  constexpr std::string_view kPrefix = "/api/tasks/";
  if (!path.starts_with(kPrefix) || !path.ends_with(action) ||
      path.size() <= kPrefix.size() + action.size() + 1) {
    return false;
  }
  std::string_view middle = path.substr(kPrefix.size(), path.size() - kPrefix.size() - action.size());
  if (!middle.ends_with('/')) return false;
  middle.remove_suffix(1);
  if (middle.find('/') != std::string_view::npos) return false;
  *n_text = middle;
  return true;
}

Response dispatch(const HttpRequest& request, App& app) {
  const std::string& path = request.path;
  std::string_view n_text;
  bool txt = false;
  if (!is_get(request) && cross_site(request, app.config)) {
    return json_error(403, "this request came from another site (Origin " +
                               quote_for_message(request.origin) +
                               "); use the pidigits page itself, or an API client without Origin");
  }
  if (path == "/") {
    return is_get(request) ? index_page(request, app) : method_not_allowed(request, "GET, HEAD");
  }
  if (path == "/healthz") {
    return is_get(request) ? healthz(request, app) : method_not_allowed(request, "GET, HEAD");
  }
  if (path == "/api/tasks") {
    if (request.method == "POST") return post_task(request, app);
    return is_get(request) ? get_tasks(request, app)
                           : method_not_allowed(request, "GET, HEAD, POST");
  }
  if (split_action_path(path, "cancel", &n_text)) {
    return request.method == "POST" ? cancel_task(request, app, n_text)
                                    : method_not_allowed(request, "POST");
  }
  if (split_action_path(path, "retry", &n_text)) {
    return request.method == "POST" ? retry_task(request, app, n_text)
                                    : method_not_allowed(request, "POST");
  }
  if (split_task_path(path, &n_text)) {
    if (request.method == "DELETE") return delete_task(request, app, n_text);
    return is_get(request) ? get_task(request, app, n_text)
                           : method_not_allowed(request, "GET, HEAD, DELETE");
  }
  if (split_pi_path(path, &n_text, &txt)) {
    if (!is_get(request)) return method_not_allowed(request, "GET, HEAD");
    return txt ? pi_text(request, app, n_text) : pi_page(request, app, n_text);
  }
  if (path == "/api/digits" || path == "/api/search" || path == "/find") {
    if (!is_get(request)) return method_not_allowed(request, "GET, HEAD");
    if (path == "/api/digits") return get_digits(request, app);
    return path == "/api/search" ? search_digits(request, app) : find_page(request, app);
  }
  if (path == "/api" || path.starts_with("/api/")) {
    return json_error(
        404, "no such API path " + quote_for_message(path) + "; see /api/tasks and /api/tasks/N");
  }
  return error_page(app, 404, "Not found", "There is no page at " + quote_for_message(path) + ".");
}
}  // namespace

Response route(const HttpRequest& request, App& app) noexcept {
  try {
    return dispatch(request, app);
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
