#include "request.h"

#include <gtest/gtest.h>

namespace pidigits::fcgi {
namespace {

RangeRequest parse(std::string_view header, uint64_t length, ByteRange* range) {
  *range = ByteRange{99, 99};
  return parse_range(header, length, range);
}

TEST(RangeTest, OneRangeOfEachForm) {
  ByteRange r;
  ASSERT_EQ(parse("bytes=0-9", 100, &r), RangeRequest::kRange);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 9u);
  ASSERT_EQ(parse("bytes=90-", 100, &r), RangeRequest::kRange);
  EXPECT_EQ(r.first, 90u);
  EXPECT_EQ(r.last, 99u);
  ASSERT_EQ(parse("bytes=-10", 100, &r), RangeRequest::kRange);
  EXPECT_EQ(r.first, 90u);
  EXPECT_EQ(r.last, 99u);
  ASSERT_EQ(parse("bytes=-1000", 100, &r), RangeRequest::kRange);  // more than there is
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 99u);
  ASSERT_EQ(parse("bytes=50-5000", 100, &r), RangeRequest::kRange);  // clipped to the end
  EXPECT_EQ(r.first, 50u);
  EXPECT_EQ(r.last, 99u);
  ASSERT_EQ(parse(" bytes=1-1 ", 100, &r), RangeRequest::kRange);
  EXPECT_EQ(r.first, 1u);
  EXPECT_EQ(r.last, 1u);
}

TEST(RangeTest, BeyondTheEndIsUnsatisfiable) {
  ByteRange r;
  EXPECT_EQ(parse("bytes=100-", 100, &r), RangeRequest::kUnsatisfiable);
  EXPECT_EQ(parse("bytes=100-200", 100, &r), RangeRequest::kUnsatisfiable);
  EXPECT_EQ(parse("bytes=-0", 100, &r), RangeRequest::kUnsatisfiable);
}

TEST(RangeTest, WhatThisServerIgnoresMeansTheWholeBody) {
  ByteRange r;
  for (const char* header :
       {"", "bytes=", "bytes=-", "bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=a-b",
        "bytes=1-x", "bytes=99999999999999999999-", "bytes=0--1"}) {
    EXPECT_EQ(parse(header, 100, &r), RangeRequest::kWhole) << header;
  }
}

TEST(EtagTest, MatchesStrongWeakListsAndStar) {
  EXPECT_TRUE(etag_matches("\"pi-5\"", "\"pi-5\""));
  EXPECT_TRUE(etag_matches("W/\"pi-5\"", "\"pi-5\""));
  EXPECT_TRUE(etag_matches("\"a\", \"pi-5\"", "\"pi-5\""));
  EXPECT_TRUE(etag_matches("*", "\"pi-5\""));
  EXPECT_FALSE(etag_matches("\"pi-50\"", "\"pi-5\""));
  EXPECT_FALSE(etag_matches("pi-5", "\"pi-5\""));
  EXPECT_FALSE(etag_matches("", "\"pi-5\""));
}

}  // namespace
}  // namespace pidigits::fcgi
