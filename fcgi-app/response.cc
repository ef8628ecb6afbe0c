#include "response.h"

namespace pidigits::fcgi {

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.body = dump_json(body);
  return response;
}

Response json_text_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response json_error(int status, std::string_view message) {
  return json_response(status, nlohmann::json{{"error", message}});
}

Response html_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Response redirect(int status, std::string location) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", location);
  response.body = "See " + location + "\n";
  return response;
}

std::string_view status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 206:
      return "Partial Content";
    case 304:
      return "Not Modified";
    case 303:
      return "See Other";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

std::string header_block(const Response& response) {
  std::string out = "Status: " + std::to_string(response.status);
  if (auto text = status_text(response.status); !text.empty()) {
    out += ' ';
    out += text;
  }
  out += "\r\n";
  if (response.status != 304) {
    uint64_t length = response.stream ? response.stream_length : response.body.size();
    out += "Content-Type: " + response.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(length) + "\r\n";
  }
  out += "Cache-Control: " + response.cache_control + "\r\nX-Content-Type-Options: nosniff\r\n";
  if (response.content_type.starts_with("text/html")) {
    out.append("Content-Security-Policy: ").append(kContentSecurityPolicy).append("\r\n");
  }
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  return out;
}

bool write_response(FCGX_Stream* out, const Response& response, bool head) {
  auto put = [out](std::string_view bytes) {
    return bytes.empty() || FCGX_PutStr(bytes.data(), static_cast<int>(bytes.size()), out) ==
                                static_cast<int>(bytes.size());
  };
  if (!put(header_block(response))) return false;
  if (head) return true;
  if (response.stream) return response.stream(put);
  return put(response.body);
}

}  // namespace pidigits::fcgi
