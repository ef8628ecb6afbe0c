// One HTTP request as pi-fcgi sees it: the few FastCGI parameters it routes on
// and the body, read up to a cap. The struct is plain data (handlers and tests
// build it without FastCGI); read_request() is the one place that reads FCGX.
#pragma once

#include <fcgiapp.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace pidigits::fcgi {

struct HttpRequest {
  std::string method;        // REQUEST_METHOD
  std::string path;          // DOCUMENT_URI (no query), else REQUEST_URI up to '?'
  std::string query;         // QUERY_STRING
  std::string content_type;  // CONTENT_TYPE
  std::string accept;        // HTTP_ACCEPT
  std::string body;          // at most kMaxBodyBytes
  bool body_too_large = false;
  std::string client = {};        // REMOTE_ADDR: the address nginx saw (real_ip behind a proxy)
  std::string host = {};          // the Host header as sent, port included (PI_REQUEST_HOST)
  std::string origin = {};        // HTTP_ORIGIN
  std::string fetch_site = {};    // HTTP_SEC_FETCH_SITE
  std::string cookie = {};        // HTTP_COOKIE
  std::string authorization = {}; // HTTP_AUTHORIZATION
  std::string if_none_match = {};  // HTTP_IF_NONE_MATCH
  std::string range = {};          // HTTP_RANGE
  std::string if_range = {};       // HTTP_IF_RANGE
  // The body was read to its end: nothing the web server sent is left unread.
  bool body_drained = false;

  // A browser posting a form without JavaScript: Accept names text/html and
  // not application/json. Such clients get redirects and HTML error pages.
  bool wants_html() const;
  // The value of cookie `name` ("" when absent).
  std::string cookie_value(std::string_view name) const;
};

// Reads the parameters and at most kMaxBodyBytes + 1 bytes of the body;
// CONTENT_LENGTH is not trusted (only the bytes actually sent count).
HttpRequest read_request(FCGX_Request& request);

// One range of bytes [first, last] of a body of known length.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};
enum class RangeRequest {
  kWhole,          // no Range, or one this server ignores: send the whole body
  kRange,          // send *range (206)
  kUnsatisfiable,  // the range starts beyond the body (416)
};
// A Range header (RFC 9110, 14.2) over a body of `length` bytes: one range,
// "bytes=A-B", "bytes=A-" or "bytes=-SUFFIX". Several ranges and malformed
// headers are ignored (kWhole), as the RFC allows.
RangeRequest parse_range(std::string_view header, uint64_t length, ByteRange* range);

// Whether an If-None-Match header ("*" or a list of entity tags, weak or
// strong) names `etag` (a quoted strong tag).
bool etag_matches(std::string_view header, std::string_view etag);

}  // namespace pidigits::fcgi
