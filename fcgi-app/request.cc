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
