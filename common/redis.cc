#include "pidigits/redis.h"

#include <sys/time.h>

#include <algorithm>
#include <cerrno>

#include "pidigits/log.h"

namespace pidigits {

std::string describe(const RedisAddress& address) {
  return address.host + ":" + std::to_string(address.port);
}

Reply::Reply(redisReply* reply, std::string error) : reply_(reply), error_(std::move(error)) {
  if (reply_ && reply_->type == REDIS_REPLY_ERROR) error_.assign(reply_->str, reply_->len);
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

RedisClient::~RedisClient() {
  if (context_ != nullptr) redisFree(context_);
}

namespace {
timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}
}  // namespace

bool RedisClient::connect() {
  if (context_ != nullptr) return true;
  auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return false;
  redisContext* c = redisConnectWithTimeout(address_.host.c_str(), address_.port,
                                            to_timeval(std::chrono::milliseconds(1000)));
  std::string why;
  if (c == nullptr) {
    why = "cannot allocate a connection";
  } else if (c->err) {
    why = c->errstr;
  } else if (redisSetTimeout(c, to_timeval(timeout_)) != REDIS_OK) {
    why = "cannot set the socket timeout";
  }
  if (why.empty()) {
    redisEnableKeepAlive(c);
    context_ = c;
    // AUTH and SELECT go through run() so that their failure drops the context.
    if (!address_.password.empty()) {
      const char* argv[] = {"AUTH", address_.password.c_str()};
      size_t lens[] = {4, address_.password.size()};
      if (Reply r = run(2, argv, lens); !r.ok()) why = "AUTH failed: " + r.error();
    }
    if (why.empty() && address_.db != 0) {
      std::string db = std::to_string(address_.db);
      const char* argv[] = {"SELECT", db.c_str()};
      size_t lens[] = {6, db.size()};
      if (Reply r = run(2, argv, lens); !r.ok()) why = "SELECT failed: " + r.error();
    }
    if (why.empty()) {
      log::info("connected to Redis at ", describe(address_));
      backoff_ = std::chrono::milliseconds(50);
      last_error_.clear();
      return true;
    }
    drop(why);
    return false;
  }
  if (c != nullptr) redisFree(c);
  if (why != last_error_) log::warn("cannot connect to Redis at ", describe(address_), ": ", why);
  last_error_ = why;
  next_attempt_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(2000));
  return false;
}

void RedisClient::drop(const std::string& why) {
  if (context_ == nullptr) return;
  log::warn("lost Redis at ", describe(address_), ": ", why);
  redisFree(context_);
  context_ = nullptr;
  last_error_ = why;
  // The next call may reconnect at once; only failed connects back off.
  next_attempt_ = std::chrono::steady_clock::now();
}

Reply RedisClient::run(int argc, const char** argv, const size_t* lengths) {
  auto* reply = static_cast<redisReply*>(redisCommandArgv(context_, argc, argv, lengths));
  if (reply == nullptr || context_->err) {
    std::string why = context_->err ? context_->errstr : "no reply";
    timed_out_ = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (reply != nullptr) freeReplyObject(reply);
    drop(why);
    return Reply::failure("Redis unavailable: " + why);
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
      redisFree(context_);
      context_ = nullptr;
      return Reply::failure("timeout");
    }
    drop(why);
    return Reply::failure("Redis unavailable: " + why);
  }
  return Reply(static_cast<redisReply*>(reply));
}

}  // namespace pidigits
