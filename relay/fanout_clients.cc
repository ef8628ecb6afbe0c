#include "fanout_clients.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pidigits::relay {
namespace {
constexpr std::size_t kBufferBytes = 64 << 10;
constexpr std::size_t kMaxHeadBytes = 8 << 10;
constexpr uint64_t kMaxMessageBytes = 16 << 20;
constexpr int kMaxEvents = 256;
// How often the thread looks at stopping_ when nothing happens.
constexpr int kWaitMs = 20;

// Frame opcodes (RFC 6455 section 5.2).
constexpr unsigned kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9;

sockaddr_in source_address(std::size_t client, std::size_t per_address) {
  std::size_t k = client / per_address;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl((127u << 24) | static_cast<uint32_t>((k / 250) << 8) |
                               static_cast<uint32_t>(k % 250 + 1));
  return addr;
}
}  // namespace

FanoutClients::FanoutClients(Options options, MessageHandler on_message)
    : options_(std::move(options)),
      on_message_(std::move(on_message)),
      request_("GET " + options_.path +
               " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(options_.port) +
               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
      connections_(options_.clients),
      buffer_(kBufferBytes) {}

FanoutClients::~FanoutClients() { stop(); }

bool FanoutClients::start(std::string* error) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    *error = std::string("epoll_create1: ") + std::strerror(errno);
    return false;
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void FanoutClients::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  for (auto& c : connections_) {
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
  epoll_fd_ = -1;
}

void FanoutClients::run() {
  open_next();
  epoll_event events[kMaxEvents];
  while (!stopping_.load()) {
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, kWaitMs);
    for (int i = 0; i < n; ++i) on_event(events[i].data.u64, events[i].events);
  }
}

void FanoutClients::open_next() {
  while (connecting_ < options_.connects_in_flight && next_ < connections_.size()) {
    open(next_++);
  }
}

void FanoutClients::open(std::size_t index) {
  Connection& c = connections_[index];
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) return end(index, "socket");
  // Leave the port choice to connect(): bind() alone would have to find a
  // port free for every destination.
  int one = 1;
  setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in source = source_address(index, options_.per_address);
  if (bind(c.fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
    return end(index, "bind");
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  server.sin_port = htons(static_cast<uint16_t>(options_.port));
  if (connect(c.fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0 &&
      errno != EINPROGRESS) {
    return end(index, "connect");
  }
  c.state = State::kConnecting;
  ++connecting_;
  // Level-triggered: one recv() per wake-up, never one that finds nothing.
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.u64 = index;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &event) != 0) end(index, "epoll_ctl");
}

void FanoutClients::on_event(std::size_t index, uint32_t events) {
  Connection& c = connections_[index];
  if (c.state == State::kConnecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    return on_connected(index);
  }
  if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
  ssize_t n = recv(c.fd, buffer_.data(), buffer_.size(), 0);
  auto arrived = Clock::now();
  if (n > 0) return on_bytes(index, {buffer_.data(), static_cast<std::size_t>(n)}, arrived);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  end(index, n == 0 ? "closed by the server" : std::strerror(errno));
}

void FanoutClients::on_connected(std::size_t index) {
  Connection& c = connections_[index];
  int error = 0;
  socklen_t len = sizeof error;
  getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) {
    errno = error;
    return end(index, "connect");
  }
  // A request this small goes out whole on a fresh connection.
  if (send(c.fd, request_.data(), request_.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request_.size())) {
    return end(index, "send");
  }
  c.state = State::kHandshake;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = index;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event);
}

void FanoutClients::on_bytes(std::size_t index, std::string_view bytes, Clock::time_point arrived) {
  Connection& c = connections_[index];
  if (c.state == State::kHandshake) {
    c.pending.append(bytes);
    auto head_end = c.pending.find("\r\n\r\n");
    if (head_end == std::string::npos) {
      if (c.pending.size() > kMaxHeadBytes) end(index, "response head too long");
      return;
    }
    if (c.pending.compare(0, 13, "HTTP/1.1 101 ") != 0) {
      std::string status = c.pending.substr(0, c.pending.find("\r\n"));
      std::fprintf(stderr, "relay_bench: client %zu: upgrade refused: %s\n", index, status.c_str());
      return end(index, nullptr);
    }
    c.pending.erase(0, head_end + 4);
    c.state = State::kOpen;
    --connecting_;
    opened_.fetch_add(1);
    open_next();
    if (c.pending.empty()) return;
    bytes = {};  // the rest of this read is in pending
  }
  if (c.state != State::kOpen) return;
  // Most reads hold whole frames: parse them in place, keep only a tail.
  if (c.pending.empty()) {
    std::size_t used = parse_frames(index, bytes, arrived);
    if (used != std::string_view::npos) c.pending.assign(bytes.substr(used));
    return;
  }
  c.pending.append(bytes);
  std::size_t used = parse_frames(index, c.pending, arrived);
  if (used != std::string_view::npos) c.pending.erase(0, used);
}

std::size_t FanoutClients::parse_frames(std::size_t index, std::string_view data,
                                        Clock::time_point arrived) {
  Connection& c = connections_[index];
  std::size_t at = 0;
  while (data.size() - at >= 2) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(data[at + i]); };
    bool fin = byte(0) & 0x80;
    unsigned opcode = byte(0) & 0x0f;
    if (byte(1) & 0x80) {
      end(index, "masked frame from the server");
      return std::string_view::npos;
    }
    uint64_t length = byte(1) & 0x7f;
    std::size_t header = 2;
    if (length == 126 || length == 127) {
      std::size_t extra = length == 126 ? 2 : 8;
      if (data.size() - at < 2 + extra) break;
      length = 0;
      for (std::size_t i = 0; i < extra; ++i) length = length << 8 | byte(2 + i);
      header += extra;
    }
    if (length > kMaxMessageBytes) {
      end(index, "frame too large");
      return std::string_view::npos;
    }
    if (data.size() - at < header + length) break;
    std::string_view payload = data.substr(at + header, length);
    at += header + length;
    if (opcode == kText || opcode == kBinary) {
      if (fin) {
        on_message_(index, payload, arrived);
      } else {
        c.message.assign(payload);
      }
    } else if (opcode == kContinuation) {
      c.message.append(payload);
      if (fin) {
        on_message_(index, c.message, arrived);
        c.message.clear();
      }
    } else if (opcode == kPing) {
      send_pong(c, payload);
    } else if (opcode == kClose) {
      end(index, "close frame from the server");
      return std::string_view::npos;
    }
  }
  return at;
}

void FanoutClients::send_pong(Connection& c, std::string_view payload) {
  // Clients mask their frames; a zero key leaves the payload as it is.
  std::string frame = {
      static_cast<char>(0x8A), static_cast<char>(0x80 | payload.size()), 0, 0, 0, 0};
  frame.append(payload);
  ssize_t ignored = send(c.fd, frame.data(), frame.size(), MSG_NOSIGNAL);
  (void)ignored;
}

void FanoutClients::end(std::size_t index, const char* why) {
  Connection& c = connections_[index];
  State was = c.state;
  if (c.fd >= 0) close(c.fd);  // also leaves the epoll set
  c.fd = -1;
  c.state = State::kDone;
  c.pending.clear();
  if (was == State::kOpen) {
    if (!stopping_.load() && lost_.fetch_add(1) < 5 && why != nullptr) {
      std::fprintf(stderr, "relay_bench: client %zu lost: %s\n", index, why);
    }
    return;
  }
  if (failed_.fetch_add(1) < 5 && why != nullptr) {
    std::fprintf(stderr, "relay_bench: client %zu: %s: %s\n", index, why, std::strerror(errno));
  }
  // A failure inside open() leaves the refill to open_next()'s own loop.
  if (was == State::kConnecting || was == State::kHandshake) {
    --connecting_;
    open_next();
  }
}

}  // namespace pidigits::relay
