#include "testing/fcgi_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

namespace pidigits::fcgi::testing {
namespace {
// FastCGI 1.0 record types and the responder role.
constexpr uint8_t kBeginRequest = 1, kEndRequest = 3, kParams = 4, kStdin = 5, kStdout = 6;
constexpr uint8_t kResponder = 1;
constexpr uint16_t kRequestId = 1;
constexpr size_t kMaxRecord = 65535;

void append_record(std::string* out, uint8_t type, std::string_view content) {
  do {
    std::string_view part = content.substr(0, kMaxRecord);
    content.remove_prefix(part.size());
    const uint8_t header[8] = {1,
                               type,
                               kRequestId >> 8,
                               kRequestId & 0xff,
                               static_cast<uint8_t>(part.size() >> 8),
                               static_cast<uint8_t>(part.size() & 0xff),
                               0,
                               0};
    out->append(reinterpret_cast<const char*>(header), 8);
    out->append(part);
  } while (!content.empty());
}

void append_length(std::string* out, size_t length) {
  if (length < 128) {
    out->push_back(static_cast<char>(length));
  } else {
    out->push_back(static_cast<char>(0x80 | (length >> 24)));
    out->push_back(static_cast<char>(length >> 16));
    out->push_back(static_cast<char>(length >> 8));
    out->push_back(static_cast<char>(length));
  }
}

void parse_stdout(const std::string& data, FcgiReply* reply) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) {
    reply->ok = false;
    reply->error = "no header block in the reply";
    return;
  }
  std::string head = data.substr(0, end + 2);
  reply->body = data.substr(end + 4);
  for (size_t pos = 0; pos < head.size();) {
    size_t eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    reply->headers[line.substr(0, colon)] = value;
  }
  if (auto it = reply->headers.find("Status"); it != reply->headers.end()) {
    reply->status = std::atoi(it->second.c_str());
  }
}
}  // namespace

std::map<std::string, std::string> http_params(const std::string& method, const std::string& path,
                                               const std::string& query,
                                               const std::string& content_type) {
  std::map<std::string, std::string> params = {
      {"REQUEST_METHOD", method},
      {"DOCUMENT_URI", path},
      {"QUERY_STRING", query},
      {"REQUEST_URI", query.empty() ? path : path + "?" + query},
      {"HTTP_ACCEPT", "*/*"}};
  if (!content_type.empty()) params["CONTENT_TYPE"] = content_type;
  return params;
}

FcgiReply fcgi_request(int port, const std::map<std::string, std::string>& params,
                       const std::string& body, int timeout_ms) {
  FcgiReply reply;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    reply.error = "cannot connect";
    return reply;
  }
  std::string out;
  const char begin[8] = {0, kResponder, 0, 0, 0, 0, 0, 0};
  append_record(&out, kBeginRequest, std::string_view(begin, 8));
  std::string encoded;
  for (const auto& [name, value] : params) {
    append_length(&encoded, name.size());
    append_length(&encoded, value.size());
    encoded += name + value;
  }
  if (!encoded.empty()) append_record(&out, kParams, encoded);
  append_record(&out, kParams, "");
  if (!body.empty()) append_record(&out, kStdin, body);
  append_record(&out, kStdin, "");
  // The server may answer (e.g. 413) before reading a large body: ignore send errors.
  for (size_t sent = 0; sent < out.size();) {
    ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }

  std::string in, stdout_data;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool ended = false;
  while (!ended) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
      reply.error = "timed out";
      break;
    }
    char buffer[65536];
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      reply.error = "connection closed before END_REQUEST";
      break;
    }
    in.append(buffer, static_cast<size_t>(n));
    while (in.size() >= 8) {
      auto byte = [&](size_t i) { return static_cast<uint8_t>(in[i]); };
      size_t length = (byte(4) << 8) | byte(5), padding = byte(6);
      if (in.size() < 8 + length + padding) break;
      if (byte(1) == kStdout) stdout_data.append(in, 8, length);
      if (byte(1) == kEndRequest) ended = true;
      in.erase(0, 8 + length + padding);
    }
  }
  close(fd);
  if (ended) {
    reply.ok = true;
    parse_stdout(stdout_data, &reply);
  }
  return reply;
}

}  // namespace pidigits::fcgi::testing
