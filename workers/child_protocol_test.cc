// The pipe protocol, through a real pipe: records split across reads, bounds.
#include "child_protocol.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "pidigits/engine.h"

namespace pidigits::worker {
namespace {

class ChildProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe(fds_), 0);
    fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  void TearDown() override {
    close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  void send(uint32_t kind, uint32_t code, double fraction, const std::string& payload) {
    Record r{kind, code, fraction, payload.size()};
    ASSERT_TRUE(write_all(fds_[1], &r, sizeof r));
    ASSERT_TRUE(write_all(fds_[1], payload.data(), payload.size()));
  }
  int fds_[2] = {-1, -1};
};

TEST_F(ChildProtocolTest, ProgressThenResultThenEof) {
  std::vector<std::pair<double, std::string>> progress;
  ProgressSink sink = [&](double f, std::string_view phase) { progress.emplace_back(f, phase); };
  ComputedSink computed = [&](double cpu, uint64_t rss) {
    progress.emplace_back(cpu, "computed " + std::to_string(rss));
  };
  RecordReader reader(sink, computed);
  send(kProgressRecord, static_cast<uint32_t>(Phase::kSeries), 0.25, "");
  // A record split across two reads.
  Record r{kProgressRecord, static_cast<uint32_t>(Phase::kConversion), 0.9, 0};
  ASSERT_TRUE(write_all(fds_[1], &r, 10));
  bool eof = false;
  ASSERT_TRUE(reader.drain(fds_[0], &eof));
  EXPECT_EQ(progress.size(), 1u);
  ASSERT_TRUE(write_all(fds_[1], reinterpret_cast<char*>(&r) + 10, sizeof r - 10));
  send(kComputedRecord, 0, 2.5, "");
  send(kResultRecord, 0, 1.0, "7 1024 0");
  close(fds_[1]);
  fds_[1] = -1;
  ASSERT_TRUE(reader.drain(fds_[0], &eof));
  EXPECT_TRUE(eof);
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress[0], std::make_pair(0.25, std::string("series")));
  EXPECT_EQ(progress[1], std::make_pair(0.9, std::string("conversion")));
  EXPECT_EQ(progress[2], std::make_pair(2.5, std::string("computed 0")));
  EXPECT_TRUE(reader.computed());
  ASSERT_TRUE(reader.has_result());
  EXPECT_EQ(reader.payload(), "7 1024 0");
}

TEST_F(ChildProtocolTest, OversizedPayloadUnknownKindAndDoubleEndAreRejected) {
  ProgressSink no_progress;
  ComputedSink no_computed;
  RecordReader reader(no_progress, no_computed);
  send(kResultRecord, static_cast<uint32_t>(ComputeError::kBadInput), 1.0,
       std::string(kMaxPayload + 1, 'x'));
  bool eof = false;
  EXPECT_FALSE(reader.drain(fds_[0], &eof));
  EXPECT_NE(reader.error(), "");

  for (uint32_t kind : {7u, kComputedRecord}) {
    RecordReader other(no_progress, no_computed);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    Record r{kind, 0, 0, 0};
    ASSERT_TRUE(write_all(fds[1], &r, sizeof r));
    if (kind == kComputedRecord) {
      ASSERT_TRUE(write_all(fds[1], &r, sizeof r));
    }
    close(fds[1]);
    EXPECT_FALSE(other.drain(fds[0], &eof)) << kind;
    close(fds[0]);
  }
}

}  // namespace
}  // namespace pidigits::worker
