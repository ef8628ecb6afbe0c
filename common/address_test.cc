#include "pidigits/address.h"

#include <gtest/gtest.h>

namespace pidigits {
namespace {

TEST(Address, LoopbackIsIpv4LoopbackNetAndIpv6One) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.255.3.4"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback("128.0.0.1"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("::2"));
  EXPECT_FALSE(is_loopback(""));
  EXPECT_FALSE(is_loopback("localhost"));
  EXPECT_FALSE(is_loopback("unix:"));
}

TEST(Address, ListMatchesAddressesAndNetworks) {
  auto list = AddressList::parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8,2001:db8::5, 172.16.0.0/12");
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_TRUE(list->contains("10.1.2.3"));
  EXPECT_TRUE(list->contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(list->contains("11.0.0.1"));
  EXPECT_TRUE(list->contains("192.168.1.7"));
  EXPECT_FALSE(list->contains("192.168.1.8"));
  EXPECT_TRUE(list->contains("fd12:3456::1"));
  EXPECT_FALSE(list->contains("fe80::1"));
  EXPECT_TRUE(list->contains("2001:db8::5"));
  EXPECT_FALSE(list->contains("2001:db8::6"));
  EXPECT_TRUE(list->contains("172.31.255.255"));
  EXPECT_FALSE(list->contains("172.32.0.0"));
  EXPECT_FALSE(list->contains("127.0.0.1"));
  EXPECT_FALSE(list->contains("not an address"));
}

TEST(Address, PrefixBitsInsideAByte) {
  auto list = AddressList::parse("192.168.1.128/25");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->contains("192.168.1.200"));
  EXPECT_FALSE(list->contains("192.168.1.127"));
  auto everyone = AddressList::parse("0.0.0.0/0");
  ASSERT_TRUE(everyone.ok());
  EXPECT_TRUE(everyone->contains("8.8.8.8"));
  EXPECT_FALSE(everyone->contains("2001:db8::1"));  // IPv4's /0 is not all of IPv6
}

TEST(Address, EmptyTextIsAnEmptyList) {
  auto list = AddressList::parse("  ");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_FALSE(list->contains("10.0.0.1"));
}

TEST(Address, MalformedItemsAreErrorsNamingThem) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "fd00::/129", "10.0.0.1,,10.0.0.2",
                          "host.example", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1"}) {
    auto list = AddressList::parse(bad);
    EXPECT_FALSE(list.ok()) << bad;
    if (!list.ok()) {
      EXPECT_EQ(list.status().code(), Status::Code::kInvalidArgument);
    }
  }
  EXPECT_NE(AddressList::parse("a.b").status().message().find("'a.b'"), std::string::npos);
}

}  // namespace
}  // namespace pidigits
