// The one way fallible functions report failure across common/, fcgi-app/, workers/ and relay/
// (LevelDB's Status, with a value beside it in Result<T>, like std::expected).
//
//   Result<Task> task = lifecycle::get_task(redis, n);
//   if (!task.ok()) return unavailable(task.status());
//   use(*task);
//
// Codes say what a caller can do about it; messages say it to a person (one line, no secrets).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace pidigits {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,    // the input is wrong: fix it and ask again
    kNotFound,           // no such thing
    kUnavailable,        // Redis (or another dependency) cannot be reached now: try later
    kResourceExhausted,  // out of space (Redis maxmemory): nothing was written
    kInternal,           // a broken invariant or an unexpected reply: a bug or a mismatch
  };

  Status() = default;  // ok
  static Status invalid_argument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status not_found(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status unavailable(std::string message) {
    return Status(Code::kUnavailable, std::move(message));
  }
  static Status resource_exhausted(std::string message) {
    return Status(Code::kResourceExhausted, std::move(message));
  }
  static Status internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit, like std::expected
  // REQUIRES: !status.ok()
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace pidigits
