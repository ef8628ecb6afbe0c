// libFuzzer target: request parsing and validation on arbitrary bytes.
// The first byte picks the parser, the rest is its input:
//   0 JSON body, 1 form body, 2 other content type, 3 /pi/ path, 4 /api/tasks/ path,
//   5 list query, 6 ?from= query, 7 url_decode + parse_form, 8 /api/digits
//   query, 9 /api/search query.
// Besides "no crash, no sanitizer report", it checks the promises callers rely
// on: an accepted n is in range; messages are short and printable ASCII.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "digits_query.h"
#include "form.h"
#include "validation.h"

namespace {
constexpr uint64_t kMax = 100'000'000;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_message(const std::string& message) {
  check(!message.empty() && message.size() < 400);
  for (char c : message) check(c >= 0x20 && c <= 0x7e);
}

void check_n(bool ok, uint64_t n, const std::string& message) {
  if (ok) {
    check(n >= 1 && n <= kMax);
  } else {
    check_message(message);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pidigits::fcgi;
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 10;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (input.size() > kMaxBodyBytes) input = input.substr(0, kMaxBodyBytes);
  uint64_t n = 0;
  std::string error;
  std::string_view n_text;
  bool txt = false;
  switch (mode) {
    case 0:
    case 1:
    case 2: {
      const char* type = mode == 0   ? "application/json; charset=utf-8"
                         : mode == 1 ? "application/x-www-form-urlencoded"
                                     : "text/plain";
      BodyError body_error;
      bool ok = parse_task_body(type, input, kMax, &n, &body_error);
      check(mode != 2 || (!ok && body_error.status == 415));
      check_n(ok, n, body_error.message);
      break;
    }
    case 3: {
      std::string path = "/pi/" + std::string(input);
      if (split_pi_path(path, &n_text, &txt))
        check_n(parse_n_text(n_text, kMax, &n, &error), n, error);
      break;
    }
    case 4: {
      std::string path = "/api/tasks/" + std::string(input);
      if (split_task_path(path, &n_text)) check_n(parse_n_text(n_text, kMax, &n, &error), n, error);
      break;
    }
    case 5: {
      ListQuery query;
      if (parse_list_query(input, &query, &error)) {
        check(query.limit >= 1 && query.limit <= kMaxListLimit);
      } else {
        check_message(error);
      }
      break;
    }
    case 6: {
      uint64_t from = 0;
      if (parse_from_query(input, 123456, &from, &error)) {
        check(from <= 123456);
      } else {
        check_message(error);
      }
      break;
    }
    case 7: {
      check(url_decode(input).size() <= input.size());
      check(parse_form(input).size() <= kMaxFields);
      break;
    }
    case 8: {
      uint64_t start = 0, count = 0;
      if (parse_digits_query(input, &start, &count, &error)) {
        check(start >= 1 && count >= 1 && count <= kMaxDigitsCount && start + count > start);
      } else {
        check_message(error);
      }
      break;
    }
    case 9: {
      std::string q;
      if (parse_search_query(input, &q, &error)) {
        check(!q.empty() && q.size() <= kMaxQueryDigits);
        for (char c : q) check(c >= '0' && c <= '9');
      } else {
        check_message(error);
      }
      break;
    }
  }
  return 0;
}
