// One HTTP request as pi-fcgi sees it: the few FastCGI parameters it routes on
// and the body, read up to a cap. The struct is plain data (handlers and tests
// build it without FastCGI); read_request() is the one place that reads FCGX.
#pragma once

#include <fcgiapp.h>

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
  std::string client;        // REMOTE_ADDR: the address nginx saw (real_ip behind a proxy)
  std::string host;          // the Host header as sent, port included (PI_REQUEST_HOST)
  std::string origin;        // HTTP_ORIGIN
  std::string fetch_site;    // HTTP_SEC_FETCH_SITE
  std::string cookie;        // HTTP_COOKIE
  std::string authorization; // HTTP_AUTHORIZATION

  // A browser posting a form without JavaScript: Accept names text/html and
  // not application/json. Such clients get redirects and HTML error pages.
  bool wants_html() const;
  // The value of cookie `name` ("" when absent).
  std::string cookie_value(std::string_view name) const;
};

// Reads the parameters and at most kMaxBodyBytes + 1 bytes of the body;
// CONTENT_LENGTH is not trusted (only the bytes actually sent count).
HttpRequest read_request(FCGX_Request& request);

}  // namespace pidigits::fcgi
