#include "form.h"

#include <gtest/gtest.h>

namespace pidigits::fcgi {
namespace {

TEST(FormTest, DecodesPercentAndPlus) {
  EXPECT_EQ(url_decode("a+b%20c%2Bd"), "a b c+d");
  EXPECT_EQ(url_decode("%zz%4"), "%zz%4");  // malformed escapes stay as they are
  EXPECT_EQ(url_decode("%00"), std::string(1, '\0'));
}

TEST(FormTest, SplitsFieldsInOrderKeepingDuplicates) {
  FormFields fields = parse_form("a=1&&b=&c&a=2&=x");
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"b", ""}));
  EXPECT_EQ(fields[2], (std::pair<std::string, std::string>{"c", ""}));
  EXPECT_EQ(fields[3], (std::pair<std::string, std::string>{"a", "2"}));
  EXPECT_EQ(fields[4], (std::pair<std::string, std::string>{"", "x"}));
  bool duplicate = false;
  EXPECT_EQ(single_field(fields, "a", &duplicate), "1");
  EXPECT_TRUE(duplicate);
  EXPECT_EQ(single_field(fields, "b", &duplicate), "");
  EXPECT_FALSE(duplicate);
  EXPECT_EQ(single_field(fields, "zzz", &duplicate), std::nullopt);
}

TEST(FormTest, CapsTheNumberOfFields) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "x=1&";
  EXPECT_EQ(parse_form(many).size(), kMaxFields);
}

}  // namespace
}  // namespace pidigits::fcgi
