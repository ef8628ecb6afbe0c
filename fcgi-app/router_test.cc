// The router's pure parts: path patterns and query parameter checks.
#include "router.h"

#include <gtest/gtest.h>

namespace pidigits::fcgi {
namespace {

TEST(MatchPath, LiteralPathsMatchExactly) {
  std::string_view capture = "untouched";
  EXPECT_TRUE(match_path("/api/tasks", "/api/tasks", &capture));
  EXPECT_EQ(capture, "untouched");
  EXPECT_FALSE(match_path("/api/tasks", "/api/tasks/", &capture));
  EXPECT_FALSE(match_path("/api/tasks", "/api/task", &capture));
  EXPECT_FALSE(match_path("/", "", &capture));
}

TEST(MatchPath, ACaptureIsOneSegment) {
  std::string_view capture;
  EXPECT_TRUE(match_path("/api/tasks/{n}", "/api/tasks/42", &capture));
  EXPECT_EQ(capture, "42");
  EXPECT_TRUE(match_path("/api/tasks/{n}", "/api/tasks/", &capture));
  EXPECT_EQ(capture, "");
  EXPECT_FALSE(match_path("/api/tasks/{n}", "/api/tasks/42/cancel", &capture));
  EXPECT_FALSE(match_path("/api/tasks/{n}", "/api/tasks", &capture));
  EXPECT_TRUE(match_path("/api/tasks/{n}/cancel", "/api/tasks/7/cancel", &capture));
  EXPECT_EQ(capture, "7");
  EXPECT_FALSE(match_path("/api/tasks/{n}/cancel", "/api/tasks/7/cancel/x", &capture));
  EXPECT_FALSE(match_path("/api/tasks/{n}/cancel", "/api/tasks/7/retry", &capture));
}

TEST(MatchPath, ACaptureMayHaveALiteralSuffix) {
  std::string_view capture;
  EXPECT_TRUE(match_path("/pi/{n}.txt", "/pi/12.txt", &capture));
  EXPECT_EQ(capture, "12");
  EXPECT_FALSE(match_path("/pi/{n}.txt", "/pi/12", &capture));
  EXPECT_FALSE(match_path("/pi/{n}.txt", "/pi/12.txt/more", &capture));
  EXPECT_TRUE(match_path("/pi/{n}", "/pi/12.txt", &capture));  // why .txt comes first
  EXPECT_FALSE(match_path("/pi/{n}", "/pi/1/2", &capture));
}

TEST(QueryParams, UnknownNamesAreFoundDecoded) {
  EXPECT_EQ(unknown_param("", ""), std::nullopt);
  EXPECT_EQ(unknown_param("limit=3&before=9", "limit,before,status"), std::nullopt);
  EXPECT_EQ(unknown_param("limit=3&sort=n", "limit,before,status"), "sort");
  EXPECT_EQ(unknown_param("x=1", ""), "x");
  EXPECT_EQ(unknown_param("lim%69t=3", "limit"), std::nullopt);
  EXPECT_EQ(unknown_param("lim=3", "limit"), "lim");  // a prefix is not the name
  EXPECT_EQ(unknown_param("limits=3", "limit"), "limits");
}

TEST(QueryParams, KnownParamsKeepsTheRawKnownPieces) {
  EXPECT_EQ(known_params("from=5&utm_source=x", "from"), "from=5");
  EXPECT_EQ(known_params("utm=1&&limit=%32&x", "limit,before"), "limit=%32");
  EXPECT_EQ(known_params("a=1", ""), "");
}

}  // namespace
}  // namespace pidigits::fcgi
