// The pipe protocol between a worker and its compute child (compute_child.h):
//
//   record = { u32 kind, u32 code, f64 value, u64 length }   (24 bytes)
//   kind 1 progress: code = engine Phase, value = fraction 0..1      (no payload)
//   kind 3 computed: the engine finished; value = CPU seconds,
//                    length = peak RSS in bytes                      (no payload)
//   kind 2 result:   code = ComputeError, kInternalError or kStoreFailed, then
//                    `length` bytes: on success (kNone) "<length> <chunk_bytes>
//                    <first_chunk>" of the digits it staged in Redis
//                    (lifecycle::Staged), else a one-line message
//
// Both ends run on the same machine from the same binary, so records are sent
// in native byte order. Records are smaller than PIPE_BUF, so each write of
// one is atomic.
#pragma once

#include <limits.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "pidigits/io.h"

namespace pidigits::worker {

constexpr uint32_t kProgressRecord = 1;
constexpr uint32_t kResultRecord = 2;
constexpr uint32_t kComputedRecord = 3;
// Result codes beside the engine's ComputeError values: an exception escaped
// compute_pi (it must not cross the process boundary as anything but a code),
// and the digits could not be staged in Redis for a reason other than Redis
// being out of reach (which the child waits out).
constexpr uint32_t kInternalError = 100;
constexpr uint32_t kStoreFailed = 101;
// Longest payload accepted from the child.
constexpr uint64_t kMaxPayload = 4096;

struct Record {
  uint32_t kind;
  uint32_t code;
  double value;
  uint64_t length;
};
static_assert(sizeof(Record) == 24 && sizeof(Record) <= PIPE_BUF);

using pidigits::write_all;  // pidigits/io.h: async-signal-safe, for the child's failure path

// Called with each progress report as it arrives.
using ProgressSink = std::function<void(double fraction, std::string_view phase)>;
// Called once when the engine has finished (before the digits are staged).
using ComputedSink = std::function<void(double cpu_seconds, uint64_t peak_rss_bytes)>;

// The parent's end: reads records from a non-blocking pipe as they arrive.
class RecordReader {
 public:
  RecordReader(const ProgressSink& on_progress, const ComputedSink& on_computed)
      : on_progress_(on_progress), on_computed_(on_computed) {}

  // Reads what is available, passing progress to the sinks. Sets *eof when the
  // child closed its end. false on a protocol error (error() says which).
  bool drain(int fd, bool* eof);

  bool has_result() const { return has_result_; }
  bool computed() const { return computed_; }
  uint32_t code() const { return code_; }
  const std::string& payload() const { return payload_; }
  const std::string& error() const { return error_; }

 private:
  bool start_record();
  bool fail(std::string why);

  const ProgressSink& on_progress_;
  const ComputedSink& on_computed_;
  char header_[sizeof(Record)];
  size_t header_got_ = 0;
  bool in_payload_ = false;
  std::string payload_;
  size_t payload_got_ = 0;
  bool has_result_ = false;
  bool computed_ = false;
  uint32_t code_ = 0;
  std::string error_;
};

}  // namespace pidigits::worker
