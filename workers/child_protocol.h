// The pipe protocol between a worker and its compute child (compute_child.h):
//
//   record = { u32 kind, u32 code, f64 fraction, u64 length }   (24 bytes)
//   kind 1 progress: code = engine Phase, fraction 0..1          (no payload)
//   kind 2 result:   code = ComputeError (or kInternalError), then `length`
//                    bytes: "3." + n decimals on success, else a one-line message
//
// Both ends run on the same machine from the same binary, so records are sent
// in native byte order. Progress records are smaller than PIPE_BUF, so each
// write is atomic.
#pragma once

#include <limits.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace pidigits::worker {

constexpr uint32_t kProgressRecord = 1;
constexpr uint32_t kResultRecord = 2;
// Result code beside the engine's ComputeError values: an exception escaped
// compute_pi (it must not cross the process boundary as anything but a code).
constexpr uint32_t kInternalError = 100;
// Longest error message accepted from the child.
constexpr uint64_t kMaxMessage = 4096;

struct Record {
  uint32_t kind;
  uint32_t code;
  double fraction;
  uint64_t length;
};
static_assert(sizeof(Record) == 24 && sizeof(Record) <= PIPE_BUF);

// write() until done; false if the pipe broke (the reader is gone).
bool write_all(int fd, const void* data, size_t size);

// Called with each progress report as it arrives.
using ProgressSink = std::function<void(double fraction, std::string_view phase)>;

// The parent's end: reads records from a non-blocking pipe as they arrive.
class RecordReader {
 public:
  // n: the task; a successful result must be exactly n + 2 bytes.
  RecordReader(uint64_t n, const ProgressSink& sink) : n_(n), sink_(sink) {}

  // Reads what is available, passing progress to the sink. Sets *eof when the
  // child closed its end. false on a protocol error (error() says which).
  bool drain(int fd, bool* eof);

  bool has_result() const { return has_result_; }
  uint32_t code() const { return code_; }
  std::string& payload() { return payload_; }
  const std::string& error() const { return error_; }

 private:
  bool start_record();
  bool finish_payload();
  bool fail(std::string why);

  uint64_t n_;
  const ProgressSink& sink_;
  char header_[sizeof(Record)];
  size_t header_got_ = 0;
  bool in_payload_ = false;
  std::string payload_;
  size_t payload_got_ = 0;
  bool has_result_ = false;
  uint32_t code_ = 0;
  std::string error_;
};

}  // namespace pidigits::worker
