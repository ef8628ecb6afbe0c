// OriginPolicy: which Origin headers may open the WebSocket, and what
// PI_ALLOWED_ORIGINS accepts. (The 403 itself is tested against the real
// relay in relay_test.cc and through nginx in tests/integration/ws.test.mjs.)
#include "origin_policy.h"

#include <gtest/gtest.h>

namespace pidigits::relay {
namespace {

OriginPolicy parsed(std::string_view list) {
  std::string error;
  auto policy = OriginPolicy::parse(list, &error);
  EXPECT_TRUE(policy) << list << ": " << error;
  return policy ? *policy : OriginPolicy();
}

TEST(OriginPolicy, NoOriginHeaderIsNotABrowserAndIsAllowed) {
  EXPECT_TRUE(OriginPolicy().allows(std::nullopt, "pi.example:8080"));
  EXPECT_TRUE(OriginPolicy().allows(std::nullopt, ""));
}

TEST(OriginPolicy, ThePagesOwnOriginIsAllowedOverHttpAndHttps) {
  OriginPolicy own;
  EXPECT_TRUE(own.allows("http://pi.example:8080", "pi.example:8080"));
  EXPECT_TRUE(own.allows("https://pi.example", "pi.example"));
  EXPECT_TRUE(own.allows("HTTP://Pi.Example:8080", "pi.EXAMPLE:8080"));
}

TEST(OriginPolicy, AnyOtherOriginIsRefused) {
  OriginPolicy own;
  EXPECT_FALSE(own.allows("http://evil.example", "pi.example"));
  EXPECT_FALSE(own.allows("http://pi.example:9999", "pi.example:8080"));  // another port
  EXPECT_FALSE(own.allows("http://pi.example", "pi.example:8080"));
  EXPECT_FALSE(own.allows("ws://pi.example", "pi.example"));
  EXPECT_FALSE(own.allows("null", "pi.example"));
  EXPECT_FALSE(own.allows("", "pi.example"));
  EXPECT_FALSE(own.allows("http://pi.example.evil.example", "pi.example"));
  EXPECT_FALSE(own.allows("http://", ""));  // no Host: nothing is the page's own
}

TEST(OriginPolicy, ListedOriginsAreAllowedExactly) {
  OriginPolicy policy = parsed(" https://Example.org ,http://intranet:8080,, http://[::1]:81");
  EXPECT_EQ(policy.listed(), (std::vector<std::string>{"https://example.org",
                                                       "http://intranet:8080", "http://[::1]:81"}));
  EXPECT_TRUE(policy.allows("https://example.org", "pi.example"));
  EXPECT_TRUE(policy.allows("https://EXAMPLE.org", "pi.example"));
  EXPECT_TRUE(policy.allows("http://intranet:8080", "pi.example"));
  EXPECT_TRUE(policy.allows("http://[::1]:81", "pi.example"));
  EXPECT_FALSE(policy.allows("http://example.org", "pi.example"));  // scheme counts
  EXPECT_FALSE(policy.allows("https://example.org:443", "pi.example"));
  EXPECT_FALSE(policy.allows("http://intranet", "pi.example"));
  EXPECT_TRUE(policy.allows("http://pi.example", "pi.example"));  // own still allowed
}

TEST(OriginPolicy, EmptyListMeansOnlyThePagesOwn) {
  EXPECT_TRUE(parsed("").listed().empty());
  EXPECT_TRUE(parsed(" , ").listed().empty());
}

TEST(OriginPolicy, MalformedEntriesAreRefusedWithTheirName) {
  for (std::string_view bad :
       {"example.org", "https://example.org/", "https://example.org/path", "ftp://example.org",
        "https://", "https://exa mple.org", "https://example.org:", "https://example.org:123456",
        "https://example.org:80x", "https://[::1", "https://[]:80", "*", "https://a.org, bad"}) {
    std::string error;
    EXPECT_FALSE(OriginPolicy::parse(bad, &error)) << bad;
    EXPECT_NE(error.find("PI_ALLOWED_ORIGINS"), std::string::npos) << error;
  }
  std::string error;
  OriginPolicy::parse("https://ok.org, https://bad.org/x", &error);
  EXPECT_NE(error.find("https://bad.org/x"), std::string::npos) << error;
}

}  // namespace
}  // namespace pidigits::relay
