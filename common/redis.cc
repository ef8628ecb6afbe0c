#include "pidigits/redis.h"

#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "open_connections.h"
#include "pidigits/clock.h"
#include "pidigits/log.h"
#include "pidigits/sentinel.h"

namespace pidigits {

std::string describe(const RedisAddress& address) {
  if (!address.uses_sentinels()) return address.host + ":" + std::to_string(address.port);
  std::string text = "primary '" + address.master_name + "' via sentinels ";
  for (size_t i = 0; i < address.sentinels.size(); ++i) {
    if (i != 0) text += ',';
    text += address.sentinels[i].host + ":" + std::to_string(address.sentinels[i].port);
  }
  return text;
}

Reply::Reply(redisReply* reply, std::string error) : reply_(reply), error_(std::move(error)) {
  if (reply_ && reply_->type == REDIS_REPLY_ERROR) error_.assign(reply_->str, reply_->len);
}

Status Reply::status() const {
  if (reply_ == nullptr) return Status::unavailable(error_);
  if (error_.starts_with("OOM")) {
    return Status::resource_exhausted("Redis is out of memory (maxmemory): " + error_);
  }
  for (std::string_view transient : {"BUSY", "LOADING", "READONLY", "MASTERDOWN", "NOREPLICAS"}) {
    if (error_.starts_with(transient)) return Status::unavailable("Redis: " + error_);
  }
  return Status::internal("Redis refused: " + error_);
}

std::optional<int64_t> Reply::integer() const {
  if (!ok()) return std::nullopt;
  if (reply_->type == REDIS_REPLY_INTEGER) return reply_->integer;
  if (reply_->type == REDIS_REPLY_STRING || reply_->type == REDIS_REPLY_STATUS) {
    try {
      size_t used = 0;
      std::string text(reply_->str, reply_->len);
      int64_t value = std::stoll(text, &used);
      if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::optional<std::string> Reply::string() const {
  if (!ok()) return std::nullopt;
  if (reply_->type == REDIS_REPLY_STRING || reply_->type == REDIS_REPLY_STATUS) {
    return std::string(reply_->str, reply_->len);
  }
  return std::nullopt;
}

std::vector<std::string> Reply::strings() const {
  std::vector<std::string> out;
  if (!ok() || reply_->type != REDIS_REPLY_ARRAY) return out;
  out.reserve(reply_->elements);
  for (size_t i = 0; i < reply_->elements; ++i) {
    const redisReply* e = reply_->element[i];
    if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS) {
      out.emplace_back(e->str, e->len);
    } else if (e->type == REDIS_REPLY_INTEGER) {
      out.push_back(std::to_string(e->integer));
    } else {
      out.emplace_back();
    }
  }
  return out;
}

RedisClient::RedisClient(RedisAddress address, std::chrono::milliseconds command_timeout)
    : address_(std::move(address)), timeout_(command_timeout) {}

RedisClient::~RedisClient() { close_context(); }

void RedisClient::close_context() {
  if (context_ == nullptr) return;
  if (address_.uses_sentinels()) {
    open_connections::close(context_);
  } else {
    redisFree(context_);
  }
  context_ = nullptr;
}

namespace {
// WAIT's longest wait: replicas on a working network confirm in a
// millisecond; one that needs longer is as good as gone for an acknowledgement.
constexpr std::chrono::milliseconds kWaitTimeout{1000};

}  // namespace

bool RedisClient::connect() {
  if (context_ != nullptr) return true;
  auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return false;
  std::string why;
  std::optional<RedisAddress> target = locate_redis(address_, &preferred_sentinel_, &why);
  if (target) why = open(*target);
  if (why.empty()) {
    if (address_.uses_sentinels()) {
      const HostPort& sentinel = address_.sentinels[preferred_sentinel_];
      log::info("connected to the Redis primary at ", describe(connected_to_),
                " (named by sentinel ", sentinel.host, ":", sentinel.port, ")");
    } else {
      log::info("connected to Redis at ", describe(address_));
    }
    backoff_ = std::chrono::milliseconds(50);
    last_error_.clear();
    return true;
  }
  if (target && address_.uses_sentinels()) {
    // That sentinel's answer led nowhere (stale during a failover, or cut off
    // from the others): ask the next one first next time.
    why = target->host + ":" + std::to_string(target->port) + ": " + why;
    preferred_sentinel_ = (preferred_sentinel_ + 1) % address_.sentinels.size();
  }
  if (why != last_error_) log::warn("cannot connect to Redis at ", describe(address_), ": ", why);
  last_error_ = why;
  next_attempt_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(2000));
  return false;
}

std::string RedisClient::open(const RedisAddress& target) {
  redisContext* c = redisConnectWithTimeout(target.host.c_str(), target.port,
                                            to_timeval(std::chrono::milliseconds(1000)));
  if (c == nullptr) return "cannot allocate a connection";
  std::string why;
  if (c->err) {
    why = c->errstr;
  } else if (redisSetTimeout(c, to_timeval(timeout_)) != REDIS_OK) {
    why = "cannot set the socket timeout";
  } else {
    redisEnableKeepAlive(c);
    if (!target.password.empty()) authenticate(c, target.password, false, &why);
    if (why.empty() && target.db != 0) {
      auto* reply = static_cast<redisReply*>(redisCommand(c, "SELECT %d", target.db));
      if (reply == nullptr || c->err) {
        why = c->err ? c->errstr : "no reply";
      } else if (reply->type == REDIS_REPLY_ERROR) {
        why = "SELECT failed: " + std::string(reply->str, reply->len);
      }
      if (reply != nullptr) freeReplyObject(reply);
    }
    if (why.empty() && target.uses_sentinels()) check_primary(c, &why);
  }
  if (!why.empty()) {
    redisFree(c);
    return why;
  }
  context_ = c;
  connected_to_ = target;
  connected_to_.sentinels.clear();  // describe() then names the node
  fresh_connection_ = true;
  if (address_.uses_sentinels()) open_connections::add(describe(connected_to_), c);
  return {};
}

void RedisClient::drop(const std::string& why) {
  if (context_ == nullptr) return;
  log::warn("lost Redis at ", describe(connected_to_), ": ", why);
  close_context();
  last_error_ = why;
  // The next call may reconnect at once; only failed connects back off.
  next_attempt_ = std::chrono::steady_clock::now();
}

Reply RedisClient::run(int argc, const char** argv, const size_t* lengths) {
  auto* reply = static_cast<redisReply*>(redisCommandArgv(context_, argc, argv, lengths));
  if (reply == nullptr || context_->err) {
    std::string why = context_->err ? context_->errstr : "no reply";
    timed_out_ = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (timed_out_) why = "no answer within " + std::to_string(timeout_.count()) + " ms";
    if (reply != nullptr) freeReplyObject(reply);
    if (timed_out_ && address_.uses_sentinels()) {
      // Silence for a whole command timeout: the node's host is gone or cut
      // off (open_connections.h). Spare this process's other threads the wait.
      int others = open_connections::cut_off(describe(connected_to_), context_);
      if (others > 0) why += "; cut " + std::to_string(others) + " other connections to it short";
    }
    drop(why);
    return Reply::failure("Redis unavailable: " + why);
  }
  fresh_connection_ = false;
  // A failover demoted our node: it refuses writes ("READONLY You can't write
  // against a read only replica."). Drop it so that the retry, and every later
  // call, finds the new primary. Nothing was written.
  if (reply->type == REDIS_REPLY_ERROR && address_.uses_sentinels() &&
      std::string_view(reply->str, reply->len).starts_with("READONLY")) {
    Reply refused(reply);
    drop("it became a replica (READONLY)");
    return refused;
  }
  return Reply(reply);
}

Reply RedisClient::run_with_retry(int argc, const char** argv, const size_t* lengths) {
  if (!connect()) return Reply::failure("Redis unavailable: " + last_error_);
  Reply reply = run(argc, argv, lengths);
  // A connection that went stale while idle (Redis restarted) fails on first
  // use: retry once on a fresh one. Every command and script pidigits sends is
  // safe to repeat (scripts guard their writes with HSETNX or stage checks).
  // A timeout is not retried: Redis is there but stuck, and callers must not
  // wait twice as long as they asked.
  if (!reply.ok() && context_ == nullptr && !timed_out_ && connect()) {
    reply = run(argc, argv, lengths);
  }
  return reply;
}

Status RedisClient::wait_for_replicas() {
  const int wanted = address_.min_replicas;
  if (wanted == 0) return Status();
  if (context_ == nullptr || fresh_connection_) {
    return Status::unavailable(
        "the connection to Redis changed after the write, so its replication cannot be "
        "confirmed");
  }
  const auto wait = std::min(kWaitTimeout, timeout_ / 2);
  const std::string count = std::to_string(wanted);
  const std::string ms = std::to_string(wait.count());
  const char* argv[] = {"WAIT", count.c_str(), ms.c_str()};
  const size_t lengths[] = {4, count.size(), ms.size()};
  Reply reply = run(3, argv, lengths);
  if (!reply.ok()) return reply.status();
  int64_t confirmed = reply.integer().value_or(0);
  if (confirmed < wanted) {
    std::string error = "only " + std::to_string(confirmed) + " of " + count +
                        " replicas (PI_REDIS_MIN_REPLICAS) confirmed the write within " + ms +
                        " ms";
    // Our node may have been replaced in a failover without knowing it yet (a
    // sentinel demotes it only some seconds later). If the sentinels name
    // another primary now, go there with the next call.
    std::string why;
    std::optional<RedisAddress> primary = locate_redis(address_, &preferred_sentinel_, &why);
    if (primary && (primary->host != connected_to_.host || primary->port != connected_to_.port)) {
      drop("the sentinels name " + primary->host + ":" + std::to_string(primary->port) +
           " as the primary now");
    }
    return Status::unavailable(error);
  }
  return Status();
}

Reply RedisClient::command(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return run_with_retry(static_cast<int>(args.size()), argv.data(), lengths.data());
}

Reply RedisClient::command(std::initializer_list<std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (auto a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return run_with_retry(static_cast<int>(args.size()), argv.data(), lengths.data());
}

Reply RedisClient::eval(std::string_view lua, const std::vector<std::string>& keys,
                        const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.emplace_back("EVAL");
  argv.emplace_back(lua);
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return command(argv);
}

std::vector<Reply> RedisClient::run_pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<Reply> replies;
  for (const auto& command : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : command) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      drop(context_->errstr);
      break;
    }
  }
  while (context_ != nullptr && replies.size() < commands.size()) {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
      std::string why = context_->err ? context_->errstr : "no reply";
      timed_out_ = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
      drop(why);
      replies.push_back(Reply::failure("Redis unavailable: " + why));
      break;
    }
    replies.emplace_back(static_cast<redisReply*>(reply));
  }
  while (replies.size() < commands.size()) {
    replies.push_back(Reply::failure("Redis unavailable: " + last_error_));
  }
  return replies;
}

std::vector<Reply> RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
  std::vector<Reply> replies;
  if (!connect()) {
    while (replies.size() < commands.size()) {
      replies.push_back(Reply::failure("Redis unavailable: " + last_error_));
    }
    return replies;
  }
  replies = run_pipeline(commands);
  // As in run_with_retry: a connection gone stale while idle is retried once.
  if (!replies.empty() && !replies.front().ok() && context_ == nullptr && !timed_out_ &&
      connect()) {
    replies = run_pipeline(commands);
  }
  return replies;
}

Reply RedisClient::read_reply() {
  if (!connect()) return Reply::failure("Redis unavailable: " + last_error_);
  void* reply = nullptr;
  if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
    // hiredis reports a read timeout as an I/O error (EAGAIN); the context is
    // unusable after any error, so drop it either way.
    bool timed_out = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    std::string why = context_->errstr;
    if (timed_out) {
      close_context();
      return Reply::failure("timeout");
    }
    drop(why);
    return Reply::failure("Redis unavailable: " + why);
  }
  return Reply(static_cast<redisReply*>(reply));
}

}  // namespace pidigits
