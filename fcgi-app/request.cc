#include "request.h"

#include <algorithm>

#include "validation.h"

namespace pidigits::fcgi {
namespace {
std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only, at most 19 of them (no overflow); false for anything else.
bool byte_position(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = value;
  return true;
}

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
  out.if_none_match = param(request, "HTTP_IF_NONE_MATCH");
  out.range = param(request, "HTTP_RANGE");
  out.if_range = param(request, "HTTP_IF_RANGE");

  // One byte over the cap is enough to know the body is too large.
  char buffer[kMaxBodyBytes + 1];
  size_t used = 0;
  while (used < sizeof(buffer)) {
    int got = FCGX_GetStr(buffer + used, static_cast<int>(sizeof(buffer) - used), request.in);
    if (got <= 0) {
      out.body_drained = got == 0 && FCGX_GetError(request.in) == 0;
      break;
    }
    used += static_cast<size_t>(got);
  }
  out.body_too_large = used > kMaxBodyBytes;
  out.body.assign(buffer, std::min(used, kMaxBodyBytes));
  return out;
}

RangeRequest parse_range(std::string_view header, uint64_t length, ByteRange* range) {
  constexpr std::string_view kUnit = "bytes=";
  header = trim_spaces(header);
  if (!header.starts_with(kUnit)) return RangeRequest::kWhole;
  std::string_view spec = trim_spaces(header.substr(kUnit.size()));
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return RangeRequest::kWhole;
  }
  std::string_view first_text = trim_spaces(spec.substr(0, dash));
  std::string_view last_text = trim_spaces(spec.substr(dash + 1));
  uint64_t first = 0, last = 0;
  if (first_text.empty()) {  // "-SUFFIX": the last SUFFIX bytes
    if (!byte_position(last_text, &last)) return RangeRequest::kWhole;
    if (last == 0 || length == 0) return RangeRequest::kUnsatisfiable;
    *range = ByteRange{length - std::min(last, length), length - 1};
    return RangeRequest::kRange;
  }
  if (!byte_position(first_text, &first)) return RangeRequest::kWhole;
  if (last_text.empty()) {
    last = UINT64_MAX;
  } else if (!byte_position(last_text, &last) || last < first) {
    return RangeRequest::kWhole;
  }
  if (first >= length) return RangeRequest::kUnsatisfiable;
  *range = ByteRange{first, std::min(last, length - 1)};
  return RangeRequest::kRange;
}

bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = trim_spaces(header.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // weak comparison (RFC 9110, 13.1.2)
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace pidigits::fcgi
