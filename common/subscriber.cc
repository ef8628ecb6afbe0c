#include "pidigits/subscriber.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "pidigits/clock.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"
#include "pidigits/sentinel.h"

namespace pidigits {
namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{50};
constexpr milliseconds kMaxBackoff{2000};
// Short, so that a stop() during an attempt waits little.
constexpr milliseconds kConnectTimeout{500};
// Bounds the blocking writes (SUBSCRIBE, PING, AUTH) on the socket.
constexpr milliseconds kWriteTimeout{2000};
// A silent connection is probed with PING; no byte at all for kDeadAfter means
// Redis (or the path to it) is gone even if TCP has not noticed: a primary's
// host lost with its link sends no RST, and until the relay gives up on it,
// browsers hear nothing from the new primary (issue 11: the service answers
// again within 15 s of a failover). One PING a second on a quiet channel is
// cheap; a Redis busier than 3 s costs the sink one lost() (a resync).
constexpr milliseconds kPingAfter{1000};
constexpr milliseconds kDeadAfter{3000};
constexpr milliseconds kPollInterval{250};

// Sends what hiredis has buffered; the socket's send timeout bounds it.
bool flush(redisContext* c) {
  int done = 0;
  do {
    if (redisBufferWrite(c, &done) != REDIS_OK) return false;
  } while (!done);
  return true;
}

std::string_view text(const redisReply* r) {
  if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS) return {};
  return {r->str, r->len};
}
}  // namespace

Subscriber::Subscriber(RedisAddress address, std::string channel, EventSink& sink)
    : address_(std::move(address)), channel_(std::move(channel)), sink_(sink) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

Subscriber::~Subscriber() {
  stop();
  join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Subscriber::start() {
  thread_ = std::thread([this] { run(); });
}

void Subscriber::stop() {
  stopping_.store(true);
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void Subscriber::join() {
  if (thread_.joinable()) thread_.join();
}

bool Subscriber::pause(milliseconds duration) {
  pollfd wake{wake_fd_, POLLIN, 0};
  poll(&wake, 1, static_cast<int>(duration.count()));
  return !stopping_.load();
}

void Subscriber::run() {
  milliseconds backoff = kFirstBackoff;
  while (!stopping_.load()) {
    std::string why;
    Context c = connect(&why);
    if (c == nullptr) {
      if (!outage_) {
        log::warn("cannot reach Redis at ", describe(address_), ": ", why,
                  "; retrying (every 2 s at most)");
        outage_ = true;
        outage_since_ = Clock::now();
      }
      if (!pause(backoff)) break;
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    why = listen(c.get());
    if (holding_) {
      holding_ = false;
      sink_.lost();
    }
    if (stopping_.load()) break;
    // A connection can fail before its subscription is confirmed (a dying
    // Redis still accepts): that is the same outage, not a new one.
    if (!outage_) {
      log::warn("lost Redis at ", describe(address_), ": ", why, "; reconnecting");
      outage_ = true;
      outage_since_ = Clock::now();
    }
  }
}

Subscriber::Context Subscriber::connect(std::string* why) {
  // With PI_REDIS_SENTINELS: wherever they say the primary is now.
  std::optional<RedisAddress> target = locate_redis(address_, &preferred_sentinel_, why);
  if (!target) return nullptr;
  Context c(redisConnectWithTimeout(target->host.c_str(), target->port,
                                    to_timeval(kConnectTimeout)));
  if (c == nullptr) {
    *why = "cannot allocate a connection";
    return nullptr;
  }
  if (c->err) {
    *why = c->errstr;
    return nullptr;
  }
  // The timeout is for writes; reads wait in poll(), never in recv().
  if (redisSetTimeout(c.get(), to_timeval(kWriteTimeout)) != REDIS_OK) {
    *why = "cannot set the socket timeout";
    return nullptr;
  }
  redisEnableKeepAlive(c.get());
  if (!address_.password.empty()) {
    auto* r = static_cast<redisReply*>(
        redisCommand(c.get(), "AUTH %b", address_.password.data(), address_.password.size()));
    bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    *why = r == nullptr                   ? std::string(c->errstr)
           : r->type == REDIS_REPLY_ERROR ? "AUTH failed: " + std::string(text(r))
                                          : "";
    if (r != nullptr) freeReplyObject(r);
    if (!ok) return nullptr;
  }
  if (address_.uses_sentinels() && !check_primary(c.get(), why)) return nullptr;
  // Channels are not per database, so the URL's db needs no SELECT here.
  if (redisAppendCommand(c.get(), "SUBSCRIBE %b", channel_.data(), channel_.size()) != REDIS_OK ||
      !flush(c.get())) {
    *why = c->errstr;
    return nullptr;
  }
  return c;
}

std::string Subscriber::listen(redisContext* c) {
  auto last_byte = Clock::now();
  bool pinged = false;
  while (!stopping_.load()) {
    // Hand over every complete reply before waiting for more bytes.
    for (;;) {
      void* reply = nullptr;
      if (redisGetReplyFromReader(c, &reply) != REDIS_OK) return c->errstr;
      if (reply == nullptr) break;
      on_reply(static_cast<redisReply*>(reply));
      freeReplyObject(reply);
    }
    pollfd fds[2] = {{c->fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, static_cast<int>(kPollInterval.count()));
    if (ready < 0 && errno != EINTR) return std::string("poll: ") + std::strerror(errno);
    if (fds[1].revents != 0) return "";
    if (fds[0].revents != 0) {
      // Readable, hung up or failed: read() tells which without blocking.
      if (redisBufferRead(c) != REDIS_OK) return c->errstr;
      last_byte = Clock::now();
      pinged = false;
      continue;
    }
    auto silent = Clock::now() - last_byte;
    if (silent > kDeadAfter) return "no answer to PING";
    if (silent > kPingAfter && !pinged) {
      // PING is allowed in subscribed mode; its answer is ["pong", ""].
      if (redisAppendCommand(c, "PING") != REDIS_OK || !flush(c)) return c->errstr;
      pinged = true;
    }
  }
  return "";
}

void Subscriber::on_reply(redisReply* reply) {
  // Pushes are arrays: ["message", channel, payload], ["subscribe", channel, n],
  // ["pong", ""].
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) return;
  std::string_view kind = text(reply->element[0]);
  if (kind == "message" && reply->elements == 3) {
    sink_.event(text(reply->element[2]));
  } else if (kind == "subscribe") {
    holding_ = true;
    const bool after_outage = outage_;
    if (!outage_) {
      log::info("subscribed to ", channel_, " on Redis at ", describe(address_));
    } else {
      auto ms = std::chrono::duration_cast<milliseconds>(Clock::now() - outage_since_).count();
      log::info("subscribed to ", channel_, " on Redis at ", describe(address_), " after ",
                ms, " ms without it");
      outage_ = false;
    }
    // Told only now that the subscription is active: whatever the sink reloads
    // after this cannot miss an event in between.
    sink_.subscribed(after_outage);
  }
}

}  // namespace pidigits
