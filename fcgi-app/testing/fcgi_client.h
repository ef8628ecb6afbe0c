// A minimal FastCGI client (responder role, one request per connection), to
// check the pi-fcgi binary without nginx.
#pragma once

#include <map>
#include <string>

namespace pidigits::fcgi::testing {

struct FcgiReply {
  bool ok = false;    // a complete response (END_REQUEST) arrived
  std::string error;  // why not
  int status = 200;   // from the "Status:" header (CGI default 200)
  std::map<std::string, std::string> headers;
  std::string body;
};

// Sends `params` and `body` (STDIN) to 127.0.0.1:port and reads the reply,
// giving up after timeout_ms.
FcgiReply fcgi_request(int port, const std::map<std::string, std::string>& params,
                       const std::string& body = "", int timeout_ms = 5000);

// The usual parameters for METHOD PATH?QUERY.
std::map<std::string, std::string> http_params(const std::string& method, const std::string& path,
                                               const std::string& query = "",
                                               const std::string& content_type = "");

}  // namespace pidigits::fcgi::testing
