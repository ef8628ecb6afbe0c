#include "validation.h"

#include <gtest/gtest.h>

namespace pidigits::fcgi {
namespace {
constexpr uint64_t kMax = 100'000'000;
const char* kJson = "application/json";
const char* kForm = "application/x-www-form-urlencoded";

// Parses a body expecting failure; returns the error.
BodyError refused(std::string_view type, std::string_view body) {
  uint64_t n = 0;
  BodyError error;
  EXPECT_FALSE(parse_task_body(type, body, kMax, &n, &error)) << body;
  return error;
}

uint64_t accepted(std::string_view type, std::string_view body) {
  uint64_t n = 0;
  BodyError error;
  EXPECT_TRUE(parse_task_body(type, body, kMax, &n, &error)) << body << ": " << error.message;
  return n;
}

TEST(ValidationTest, AcceptsJsonIntegers) {
  EXPECT_EQ(accepted(kJson, R"({"n": 5})"), 5u);
  EXPECT_EQ(accepted("Application/JSON; charset=utf-8", R"({"n":100000000})"), kMax);
  EXPECT_EQ(accepted(kJson, R"( {"x": [1, {"n": 7}], "n": 9, "extra": null} )"), 9u);
}

TEST(ValidationTest, AcceptsFormFields) {
  EXPECT_EQ(accepted(kForm, "n=5"), 5u);
  EXPECT_EQ(accepted(kForm, "other=x&n=%31%32"), 12u);
  EXPECT_EQ(accepted(kForm, "n=+42+"), 42u);  // spaces around the number
}

TEST(ValidationTest, RefusesBadJsonValuesWithMessages) {
  EXPECT_EQ(
      refused(kJson, R"({"n": "5"})").message,
      R"(n must be an integer from 1 to 100000000; got "5" (write it as a JSON number, without quotes))");
  EXPECT_EQ(refused(kJson, R"({"n": 5.0})").message,
            "n must be an integer from 1 to 100000000; got 5.0");
  EXPECT_EQ(refused(kJson, R"({"n": 1e3})").message,
            "n must be an integer from 1 to 100000000; got 1e3");
  EXPECT_EQ(refused(kJson, R"({"n": -5})").message,
            "n must be an integer from 1 to 100000000; got -5");
  EXPECT_EQ(refused(kJson, R"({"n": 0})").message,
            "n must be an integer from 1 to 100000000; got 0");
  EXPECT_EQ(refused(kJson, R"({"n": 100000001})").message,
            "n must be an integer from 1 to 100000000; got 100000001");
  EXPECT_EQ(refused(kJson, R"({"n": null})").message,
            "n must be an integer from 1 to 100000000; got null");
  EXPECT_EQ(refused(kJson, R"({"n": [5]})").message,
            "n must be an integer from 1 to 100000000; got an array");
  EXPECT_EQ(refused(kJson, R"({"n": 99999999999999999999999999})").message,
            "n must be an integer from 1 to 100000000; got 99999999999999999999999999");
}

TEST(ValidationTest, RefusesBadJsonShapes) {
  EXPECT_EQ(refused(kJson, "").message,
            "the body is not valid JSON (error at byte 1); send {\"n\": N} with N an integer from "
            "1 to 100000000");
  EXPECT_EQ(refused(kJson, "{\"n\": 5").status, 400);
  EXPECT_NE(refused(kJson, "{\"n\": 5} x").message.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(
      refused(kJson, "[5]").message,
      "the JSON body must be an object; send {\"n\": N} with N an integer from 1 to 100000000");
  EXPECT_NE(refused(kJson, "5").message.find("must be an object"), std::string::npos);
  EXPECT_NE(refused(kJson, "\"n\"").message.find("must be an object"), std::string::npos);
  EXPECT_EQ(refused(kJson, "{}").message,
            "n is missing; send {\"n\": N} with N an integer from 1 to 100000000");
  EXPECT_EQ(refused(kJson, R"({"N": 5})").message.substr(0, 12), "n is missing");
  EXPECT_EQ(refused(kJson, R"({"n": 5, "n": 6})").message.substr(0, 25),
            "n is given more than once");
}

TEST(ValidationTest, QuotesTrimmedPrintableText) {
  std::string huge(3000, '9');
  std::string message = refused(kForm, "n=" + huge).message;
  EXPECT_EQ(message,
            "n can be at most 100,000,000 on this server; got \"" + std::string(40, '9') + "...\"");
  EXPECT_EQ(refused(kForm, "n=%3Cscript%3E%00%0a").message,
            "\"<script>??\" is not a whole number; type a whole number from 1 to 100,000,000, "
            "like 1000 or 1,000");
  EXPECT_EQ(refused(kJson, R"({"n": "\u0000\n"})").message.substr(0, 51),
            R"(n must be an integer from 1 to 100000000; got "\u00)");
}

TEST(ValidationTest, RefusesBadFormValues) {
  EXPECT_EQ(refused(kForm, "n=abc").message,
            "\"abc\" is not a whole number; type a whole number from 1 to 100,000,000, like "
            "1000 or 1,000");
  EXPECT_EQ(refused(kForm, "n=5.0").message,
            "n is a whole number (no decimal point or exponent); got \"5.0\"; type a whole "
            "number from 1 to 100,000,000, like 1000 or 1,000");
  EXPECT_EQ(refused(kForm, "n=1e3").status, 400);
  EXPECT_EQ(refused(kForm, "n=-5").message,
            "n starts at 1 (the first decimal after the point); got \"-5\"");
  EXPECT_EQ(refused(kForm, "n=0").message,
            "n starts at 1 (the first decimal after the point); got \"0\"");
  EXPECT_EQ(refused(kForm, "n=").message,
            "n is empty; type a whole number from 1 to 100,000,000, like 1000 or 1,000");
  EXPECT_EQ(refused(kForm, "m=5").message,
            "n is missing; send the form field n with an integer from 1 to 100000000");
  EXPECT_EQ(refused(kForm, "n=5&n=6").message, "n is given more than once; send one field n=N");
}

// The typed-number rule (parse_typed_n), the one rule for what a person types.
uint64_t typed(std::string_view text) {
  uint64_t n = 0;
  std::string error;
  EXPECT_TRUE(parse_typed_n(text, kMax, &n, &error)) << text << ": " << error;
  return n;
}
std::string typed_error(std::string_view text) {
  uint64_t n = 0;
  std::string error;
  EXPECT_FALSE(parse_typed_n(text, kMax, &n, &error)) << text;
  return error;
}

TEST(ValidationTest, TypedNumbersAsPeopleWriteThem) {
  EXPECT_EQ(typed("42"), 42u);
  EXPECT_EQ(typed(" 42 "), 42u);
  EXPECT_EQ(typed("\t42"), 42u);
  EXPECT_EQ(typed("1,000"), 1000u);
  EXPECT_EQ(typed("1 000"), 1000u);
  EXPECT_EQ(typed("1 000 000"), 1000000u);
  EXPECT_EQ(typed("1, 000"), 1000u);
  EXPECT_EQ(typed("1\u00a0000"), 1000u);                      // no-break space
  EXPECT_EQ(typed("1\u202f000"), 1000u);                      // narrow no-break space
  EXPECT_EQ(typed("\uff11\uff10\uff10\uff10"), 1000u);        // fullwidth digits
  EXPECT_EQ(typed("\uff11\uff0c\uff10\uff10\uff10"), 1000u);  // and the fullwidth comma
  EXPECT_EQ(typed("\u3000\uff15\u3000"), 5u);                 // ideographic spaces
  EXPECT_EQ(typed("007"), 7u);
  EXPECT_EQ(typed("100,000,000"), 100000000u);
}

TEST(ValidationTest, TypedNumbersRefusedWithWhatToType) {
  EXPECT_EQ(typed_error("1,00"),
            "digits are grouped by threes (1,000 or 1 000); got \"1,00\"; type a whole number "
            "from 1 to 100,000,000, like 1000 or 1,000");
  EXPECT_NE(typed_error("10,00,000").find("grouped by threes"), std::string::npos);
  EXPECT_NE(typed_error("1,,000").find("is not a whole number"), std::string::npos);
  EXPECT_NE(typed_error(",1000").find("is not a whole number"), std::string::npos);
  EXPECT_NE(typed_error("1000,").find("is not a whole number"), std::string::npos);
  EXPECT_NE(typed_error("1.5").find("no decimal point"), std::string::npos);
  EXPECT_EQ(typed_error("   "),
            "n is empty; type a whole number from 1 to 100,000,000, like 1000 or 1,000");
  EXPECT_EQ(typed_error("100,000,001"),
            "n can be at most 100,000,000 on this server; got \"100,000,001\"");
  EXPECT_NE(typed_error(std::string(30, '9')).find("at most"), std::string::npos);
  // Fullwidth letters are not digits; the quote shows only printable ASCII.
  EXPECT_EQ(typed_error("\uff41"),
            "\"???\" is not a whole number; type a whole number from 1 to 100,000,000, like "
            "1000 or 1,000");
  EXPECT_NE(typed_error("\xe3\x80").find("not a whole number"), std::string::npos);  // cut UTF-8
}

TEST(ValidationTest, TheJsonApiStaysStrict) {
  EXPECT_EQ(accepted(kJson, R"({"n": 42})"), 42u);
  EXPECT_EQ(refused(kJson, R"({"n": " 42 "})").status, 400);
  EXPECT_EQ(refused(kJson, R"({"n": "1,000"})").status, 400);
  EXPECT_EQ(accepted(kForm, "n=1%2C000"), 1000u);
  EXPECT_EQ(accepted(kForm, "n=%EF%BC%94%EF%BC%92"), 42u);  // fullwidth 42
}

TEST(ValidationTest, RefusesUnknownContentTypeWith415) {
  BodyError error = refused("text/plain", "n=5");
  EXPECT_EQ(error.status, 415);
  EXPECT_EQ(error.message,
            "send the body as application/json ({\"n\": N}) or as a form "
            "(application/x-www-form-urlencoded, n=N); got Content-Type \"text/plain\"");
  EXPECT_EQ(refused("", "{\"n\":5}").status, 415);
  EXPECT_NE(refused("", "").message.find("got Content-Type nothing"), std::string::npos);
}

TEST(ValidationTest, ParsesNText) {
  uint64_t n = 0;
  std::string error;
  EXPECT_TRUE(parse_n_text("123", kMax, &n, &error));
  EXPECT_EQ(n, 123u);
  for (std::string_view bad :
       {"", "0", "-1", "+1", " 1", "1.0", "1e3", "0x10", "100000001", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_n_text(bad, kMax, &n, &error)) << bad;
    EXPECT_EQ(error.rfind("n must be an integer from 1 to 100000000; got ", 0), 0u);
  }
}

TEST(ValidationTest, ParsesListQuery) {
  ListQuery q;
  std::string error;
  EXPECT_TRUE(parse_list_query("", &q, &error));
  EXPECT_EQ(q.limit, 50u);
  EXPECT_EQ(q.before, 0u);
  EXPECT_TRUE(parse_list_query("limit=500&before=17&status=running", &q, &error));
  EXPECT_EQ(q.limit, 500u);
  EXPECT_EQ(q.before, 17u);
  EXPECT_EQ(q.status, "running");
  EXPECT_FALSE(parse_list_query("limit=5&x=y", &q, &error));
  EXPECT_EQ(error, "unknown parameter \"x\"; the task list takes limit, before and status");
  EXPECT_FALSE(parse_list_query("status=finished", &q, &error));
  EXPECT_EQ(error,
            "status must be one of queued, running, done, error, cancelled; got \"finished\"");
  ListQuery empty;
  EXPECT_TRUE(parse_list_query("limit=&before=", &empty, &error));
  EXPECT_EQ(empty.limit, 50u);
  for (std::string_view bad : {"limit=0", "limit=501", "limit=abc", "limit=-1", "before=0",
                               "before=x", "limit=5&limit=6", "before=1&before=2",
                               "status=done&status=error", "Status=done"}) {
    ListQuery r;
    EXPECT_FALSE(parse_list_query(bad, &r, &error)) << bad;
  }
  ListQuery r;
  parse_list_query("limit=501", &r, &error);
  EXPECT_EQ(error, "limit must be an integer from 1 to 500; got \"501\"");
}

TEST(ValidationTest, ParsesFromQuery) {
  uint64_t from = 9;
  std::string error;
  EXPECT_TRUE(parse_from_query("", 100, &from, &error));
  EXPECT_EQ(from, 0u);
  EXPECT_TRUE(parse_from_query("from=100", 100, &from, &error));
  EXPECT_EQ(from, 100u);
  EXPECT_FALSE(parse_from_query("from=101", 100, &from, &error));
  EXPECT_EQ(error, "from must be a decimal position from 1 to 100; got \"101\"");
  EXPECT_FALSE(parse_from_query("from=0", 100, &from, &error));
  EXPECT_FALSE(parse_from_query("from=x", 100, &from, &error));
}

TEST(ValidationTest, SplitsPaths) {
  std::string_view n;
  bool txt = false;
  EXPECT_TRUE(split_pi_path("/pi/123", &n, &txt));
  EXPECT_EQ(n, "123");
  EXPECT_FALSE(txt);
  EXPECT_TRUE(split_pi_path("/pi/123.txt", &n, &txt));
  EXPECT_EQ(n, "123");
  EXPECT_TRUE(txt);
  EXPECT_TRUE(split_pi_path("/pi/", &n, &txt));
  EXPECT_EQ(n, "");
  EXPECT_FALSE(split_pi_path("/pie/1", &n, &txt));
  EXPECT_TRUE(split_task_path("/api/tasks/9", &n));
  EXPECT_EQ(n, "9");
  EXPECT_FALSE(split_task_path("/api/tasks", &n));
}

}  // namespace
}  // namespace pidigits::fcgi
