#include "child_protocol.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pidigits/engine.h"

namespace pidigits::worker {

bool RecordReader::drain(int fd, bool* eof) {
  for (;;) {
    char* dst;
    size_t want;
    if (in_payload_) {
      dst = payload_.data() + payload_got_;
      want = payload_.size() - payload_got_;
    } else {
      dst = header_ + header_got_;
      want = sizeof header_ - header_got_;
    }
    if (want == 0) {  // an empty payload is complete at once
      in_payload_ = false;
      has_result_ = true;
      continue;
    }
    ssize_t k = read(fd, dst, want);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (k < 0)
      return fail(std::string("cannot read from the compute child: ") + std::strerror(errno));
    if (k == 0) {
      *eof = true;
      return true;
    }
    if (in_payload_) {
      payload_got_ += static_cast<size_t>(k);
      if (payload_got_ == payload_.size()) {
        in_payload_ = false;
        has_result_ = true;
      }
    } else {
      header_got_ += static_cast<size_t>(k);
      if (header_got_ == sizeof header_ && !start_record()) return false;
    }
  }
}

bool RecordReader::start_record() {
  Record record;
  std::memcpy(&record, header_, sizeof record);
  header_got_ = 0;
  if (has_result_) return fail("compute child sent data after its result");
  if (record.kind == kProgressRecord) {
    if (record.code <= static_cast<uint32_t>(Phase::kConversion) && on_progress_) {
      on_progress_(record.value, phase_name(static_cast<Phase>(record.code)));
    }
    return true;
  }
  if (record.kind == kComputedRecord) {
    if (computed_) return fail("compute child reported its end twice");
    computed_ = true;
    if (on_computed_) on_computed_(record.value, record.length);
    return true;
  }
  if (record.kind != kResultRecord) return fail("compute child sent an unknown record");
  // Bounded before allocating: the length comes from another process.
  if (record.length > kMaxPayload) return fail("compute child sent an oversized result");
  code_ = record.code;
  payload_.resize(record.length);
  payload_got_ = 0;
  in_payload_ = true;
  return true;
}

bool RecordReader::fail(std::string why) {
  error_ = std::move(why);
  return false;
}

}  // namespace pidigits::worker
