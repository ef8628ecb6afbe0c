// What a handler answers, and how it goes out over FastCGI. Handlers build a
// Response (plain data, testable without FastCGI); write_response() is the one
// place that writes FCGX streams. Every response carries Content-Type with a
// charset, Cache-Control (no-store unless the handler says otherwise) and
// X-Content-Type-Options: nosniff; every HTML page the Content-Security-Policy
// below.
#pragma once

#include <fcgiapp.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pidigits::fcgi {

// Pages load scripts, styles, images and the WebSocket from this origin only;
// no inline script or style (the templates have none: progress bars are
// <progress> elements), no plugins, no framing, forms post here only.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Receives body bytes; returns false when the client has gone away.
using BodySink = std::function<bool(std::string_view)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string cache_control = "no-store";
  std::vector<std::pair<std::string, std::string>> headers;  // besides the defaults
  std::string body;
  // A body too large to hold in memory: stream(sink) writes exactly
  // stream_length bytes after the headers, returning false if it could not.
  std::function<bool(const BodySink&)> stream;
  uint64_t stream_length = 0;

  std::string header(std::string_view name) const;  // "" when absent
};

// JSON text that never throws: invalid UTF-8 (from Redis, or quoted from a
// request) becomes U+FFFD.
std::string dump_json(const nlohmann::json& value);

Response json_response(int status, const nlohmann::json& body);
// A body that is JSON text already.
Response json_text_response(int status, std::string body);
// {"error": message}
Response json_error(int status, std::string_view message);
Response html_response(int status, std::string body);
Response redirect(int status, std::string location);

// "Not Found" for 404; "" for codes pi-fcgi never sends.
std::string_view status_text(int status);

// The CGI header block: "Status: 200 OK\r\nContent-Type: ...\r\n...\r\n\r\n".
// A 304 has neither Content-Type nor Content-Length (it has no body).
std::string header_block(const Response& response);

// Writes the response to `out`; with head == true only the headers.
// Returns false when the client went away before the end.
bool write_response(FCGX_Stream* out, const Response& response, bool head);

}  // namespace pidigits::fcgi
