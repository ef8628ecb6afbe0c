#include "router.h"

#include "api.h"
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

Response dispatch(const HttpRequest& request, App& app) {
  const std::string& path = request.path;
  std::string_view n_text;
  bool txt = false;
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
  if (split_task_path(path, &n_text)) {
    return is_get(request) ? get_task(request, app, n_text)
                           : method_not_allowed(request, "GET, HEAD");
  }
  if (split_pi_path(path, &n_text, &txt)) {
    if (!is_get(request)) return method_not_allowed(request, "GET, HEAD");
    return txt ? pi_text(request, app, n_text) : pi_page(request, app, n_text);
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
