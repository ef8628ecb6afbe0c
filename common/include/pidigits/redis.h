// A small synchronous Redis client over hiredis 0.14 (no RESP3, no SSL).
//
// RedisClient owns at most one connection and reconnects lazily: a call on a
// broken or missing connection first tries to connect (at most once per
// backoff interval, doubling up to 2 s), so a Redis restart costs callers a few
// failed calls, never a hang: every socket operation has a timeout.
// A context that failed is dropped, never reused (hiredis' rule).
//
// With sentinels (RedisAddress::sentinels, PI_REDIS_SENTINELS) every
// connection starts by asking them where the primary is, and checks its ROLE
// (sentinel.h). A connection that fails, or answers READONLY because its node
// was demoted in a failover, is dropped, and the next call finds the new
// primary. wait_for_replicas() is the WAIT that makes a write survive a
// failover (PI_REDIS_MIN_REPLICAS).
//
// Not thread-safe: one RedisClient per thread.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pidigits/config.h"
#include "pidigits/status.h"

namespace pidigits {

// One reply, or why there is none. Server errors (-ERR ...) are failures too,
// with the server's text; ok() is true for every other reply type.
class Reply {
 public:
  static Reply failure(std::string error) { return Reply(nullptr, std::move(error)); }
  explicit Reply(redisReply* reply, std::string error = {});

  bool ok() const { return reply_ != nullptr && error_.empty(); }
  const std::string& error() const { return error_; }
  // Why it failed, as a Status: no reply at all is kUnavailable; an error
  // reply is Redis refusing: OOM (maxmemory) is kResourceExhausted, a server
  // busy, loading or read-only is kUnavailable, anything else kInternal.
  // REQUIRES: !ok()
  Status status() const;
  const redisReply* get() const { return reply_.get(); }

  bool is_nil() const { return ok() && reply_->type == REDIS_REPLY_NIL; }
  // The reply as an integer (integer replies, or strings holding one).
  std::optional<int64_t> integer() const;
  // The reply as a string (status and string replies); nullopt otherwise.
  std::optional<std::string> string() const;
  // Elements of an array reply as strings (nil elements become "").
  std::vector<std::string> strings() const;

 private:
  struct Free {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  std::unique_ptr<redisReply, Free> reply_;
  std::string error_;
};

class RedisClient {
 public:
  // command_timeout bounds every reply wait; blocking commands must use a
  // server-side timeout shorter than it.
  explicit RedisClient(RedisAddress address,
                       std::chrono::milliseconds command_timeout = std::chrono::seconds(5));
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  Reply command(const std::vector<std::string>& args);
  Reply command(std::initializer_list<std::string_view> args);
  // EVAL of a Lua script. Redis caches compiled scripts by their hash, so
  // sending the (short) source each time costs only the bytes.
  Reply eval(std::string_view lua, const std::vector<std::string>& keys,
             const std::vector<std::string>& args);

  // Confirms that the writes of the command just before this call reached
  // address().min_replicas replicas (WAIT, at most 1 s and half the command
  // timeout), so that a failover cannot lose them. True at once when
  // min_replicas is 0. kUnavailable when fewer confirmed in time, or when
  // the connection failed or changed since that command (WAIT can only vouch
  // for writes made on its own connection): the write may then be lost.
  // Not retried: a second WAIT on a new connection would vouch for nothing.
  // With sentinels, a WAIT that falls short also asks them whether this node
  // is still the primary, and drops the connection if not (a failover it has
  // not heard of yet).
  Status wait_for_replicas();
  // Several commands sent together, their replies read together: one round
  // trip. Redis runs them in order, though not atomically (other clients'
  // commands may come between). Replies in the commands' order; when the
  // connection fails, every reply not read is that failure.
  std::vector<Reply> pipeline(const std::vector<std::vector<std::string>>& commands);

  // Connects now if not connected (respecting the backoff); true when connected.
  bool connect();
  bool connected() const { return context_ != nullptr; }
  const RedisAddress& address() const { return address_; }
  // Waits for and returns the next reply on this connection (pub/sub readers).
  // A timeout is a failure with error() == "timeout"; like every failure it
  // drops the connection (hiredis cannot resume a context after an error).
  Reply read_reply();

 private:
  Reply run(int argc, const char** argv, const size_t* lengths);
  Reply run_with_retry(int argc, const char** argv, const size_t* lengths);
  std::vector<Reply> run_pipeline(const std::vector<std::vector<std::string>>& commands);
  void drop(const std::string& why);
  void close_context();  // frees context_ (and forgets it: open_connections.h)
  // Connects to `target` and logs in (AUTH, SELECT, and ROLE with sentinels);
  // sets context_, or returns why not.
  std::string open(const RedisAddress& target);

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  RedisAddress connected_to_;      // the node of context_ (the primary, with sentinels)
  size_t preferred_sentinel_ = 0;  // the one to ask first (sentinel.h)
  bool fresh_connection_ = true;   // no command yet on context_ (for WAIT)
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{50};
  std::string last_error_;
  bool timed_out_ = false;  // the last failed command timed out
};

// For log lines: "host:port", or "primary 'name' via sentinels h:p,h:p".
// Never the password.
std::string describe(const RedisAddress& address);

}  // namespace pidigits
