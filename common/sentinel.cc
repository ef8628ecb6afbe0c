#include "pidigits/sentinel.h"

#include <sys/time.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <vector>

#include "pidigits/clock.h"

namespace pidigits {
namespace {
// A sentinel answers from memory: anything slower is a dead host or a
// partition, and the next sentinel is worth more than waiting.
constexpr std::chrono::milliseconds kSentinelTimeout{500};

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;
struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;

// One command; nullptr and *error when the connection failed (a server error
// reply is returned as a reply, for the caller to judge).
ReplyPtr run(redisContext* c, std::initializer_list<std::string_view> args, std::string* error) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (auto a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  ReplyPtr reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (reply == nullptr || c->err) {
    *error = c->err ? c->errstr : "no reply";
    return nullptr;
  }
  return reply;
}

std::string text(const redisReply* r) {
  if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS &&
      r->type != REDIS_REPLY_ERROR) {
    return {};
  }
  return std::string(r->str, r->len);
}

// SENTINEL get-master-addr-by-name <master> on one sentinel.
std::optional<HostPort> ask(const HostPort& sentinel, const RedisAddress& address,
                            std::string* error) {
  ContextPtr c(
      redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, to_timeval(kSentinelTimeout)));
  if (c == nullptr) {
    *error = "cannot allocate a connection";
    return std::nullopt;
  }
  if (c->err) {
    *error = c->errstr;
    return std::nullopt;
  }
  if (redisSetTimeout(c.get(), to_timeval(kSentinelTimeout)) != REDIS_OK) {
    *error = "cannot set the socket timeout";
    return std::nullopt;
  }
  if (!address.password.empty() && !authenticate(c.get(), address.password, true, error)) {
    return std::nullopt;
  }
  ReplyPtr reply =
      run(c.get(), {"SENTINEL", "get-master-addr-by-name", address.master_name}, error);
  if (reply == nullptr) return std::nullopt;
  if (reply->type == REDIS_REPLY_ERROR) {
    *error = text(reply.get());
    return std::nullopt;
  }
  if (reply->type == REDIS_REPLY_NIL) {
    *error = "does not monitor a master named '" + address.master_name + "' (PI_REDIS_MASTER)";
    return std::nullopt;
  }
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
    *error = "unexpected answer to SENTINEL get-master-addr-by-name";
    return std::nullopt;
  }
  uint64_t port = 0;
  std::string host = text(reply->element[0]);
  if (host.empty() || !parse_uint(text(reply->element[1]), 1, 65535, &port)) {
    *error = "unexpected address in its answer";
    return std::nullopt;
  }
  return HostPort{host, static_cast<int>(port)};
}
}  // namespace

std::optional<RedisAddress> locate_redis(const RedisAddress& address, size_t* preferred,
                                         std::string* error) {
  if (!address.uses_sentinels()) return address;
  const size_t count = address.sentinels.size();
  std::string reasons;
  for (size_t i = 0; i < count; ++i) {
    size_t index = (*preferred + i) % count;
    const HostPort& sentinel = address.sentinels[index];
    std::string why;
    if (auto primary = ask(sentinel, address, &why)) {
      *preferred = index;
      RedisAddress found = address;
      found.host = primary->host;
      found.port = primary->port;
      return found;
    }
    if (!reasons.empty()) reasons += "; ";
    reasons += "sentinel " + sentinel.host + ":" + std::to_string(sentinel.port) + ": " + why;
  }
  *error = "no sentinel named the primary (" + reasons + ")";
  return std::nullopt;
}

bool authenticate(redisContext* c, const std::string& password, bool optional, std::string* error) {
  ReplyPtr reply = run(c, {"AUTH", password}, error);
  if (reply == nullptr) return false;
  if (reply->type != REDIS_REPLY_ERROR) return true;
  std::string message = text(reply.get());
  // Redis 6+: "ERR AUTH <password> called without any password configured for
  // the default user...". The message quotes no password back.
  if (optional && message.find("without any password configured") != std::string::npos) {
    return true;
  }
  *error = "AUTH failed: " + message;
  return false;
}

bool check_primary(redisContext* c, std::string* error) {
  ReplyPtr reply = run(c, {"ROLE"}, error);
  if (reply == nullptr) return false;
  if (reply->type == REDIS_REPLY_ERROR) {
    *error = "ROLE failed: " + text(reply.get());
    return false;
  }
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) {
    *error = "unexpected answer to ROLE";
    return false;
  }
  std::string role = text(reply->element[0]);
  if (role != "master") {
    *error = "it is a " + (role == "slave" ? std::string("replica") : role) +
             ", not the primary (a failover in progress?)";
    return false;
  }
  return true;
}

}  // namespace pidigits
