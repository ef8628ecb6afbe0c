#include "request.h"

#include "validation.h"

namespace pidigits::fcgi {
namespace {
std::string param(FCGX_Request& request, const char* name) {
  const char* value = FCGX_GetParam(name, request.envp);
  return value != nullptr ? value : "";
}
}  // namespace

bool HttpRequest::wants_html() const {
  return accept.find("text/html") != std::string::npos &&
         accept.find("application/json") == std::string::npos;
}

std::string HttpRequest::cookie_value(std::string_view name) const {
  std::string_view rest = cookie;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

HttpRequest read_request(FCGX_Request& request) {
  HttpRequest out;
  out.method = param(request, "REQUEST_METHOD");
  out.path = param(request, "DOCUMENT_URI");
  if (out.path.empty()) {
    out.path = param(request, "REQUEST_URI");
    out.path = out.path.substr(0, out.path.find('?'));
  }
  out.query = param(request, "QUERY_STRING");
  out.content_type = param(request, "CONTENT_TYPE");
  out.accept = param(request, "HTTP_ACCEPT");
  out.client = param(request, "REMOTE_ADDR");
  out.host = param(request, "PI_REQUEST_HOST");
  out.origin = param(request, "HTTP_ORIGIN");
  out.fetch_site = param(request, "HTTP_SEC_FETCH_SITE");
  out.cookie = param(request, "HTTP_COOKIE");
  out.authorization = param(request, "HTTP_AUTHORIZATION");

  // One byte over the cap is enough to know the body is too large.
  char buffer[kMaxBodyBytes + 1];
  size_t used = 0;
  while (used < sizeof(buffer)) {
    int got = FCGX_GetStr(buffer + used, static_cast<int>(sizeof(buffer) - used), request.in);
    if (got <= 0) break;
    used += static_cast<size_t>(got);
  }
  out.body_too_large = used > kMaxBodyBytes;
  out.body.assign(buffer, std::min(used, kMaxBodyBytes));
  return out;
}

}  // namespace pidigits::fcgi
