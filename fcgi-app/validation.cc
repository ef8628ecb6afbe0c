#include "validation.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "form.h"
#include "pidigits/config.h"
#include "pidigits/display.h"
#include "pidigits/lifecycle.h"

namespace pidigits::fcgi {
namespace {
constexpr size_t kQuoteMax = 40;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type) {
  std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  std::string out(type);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string body_hint(uint64_t max) {
  return "send {\"n\": N} with N an integer from 1 to " + std::to_string(max);
}

// Reads the top-level object of a JSON body without building it: records the
// value given for "n" (its kind and text) and whether n appears twice.
class TaskBodySax : public nlohmann::json_sax<nlohmann::json> {
 public:
  enum class Kind { kMissing, kUnsigned, kOther };
  Kind kind = Kind::kMissing;
  uint64_t value = 0;
  std::string text;  // the value as given, for the message
  bool duplicate = false;
  bool not_object = false;
  size_t error_at = 0;

  bool null() override { return scalar(Kind::kOther, "null"); }
  bool boolean(bool v) override { return scalar(Kind::kOther, v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override {
    return scalar(Kind::kOther, std::to_string(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (depth_ == 1 && in_n_) value = v;
    return scalar(Kind::kUnsigned, std::to_string(v));
  }
  bool number_float(number_float_t, const string_t& s) override { return scalar(Kind::kOther, s); }
  bool string(string_t& v) override {
    return scalar(Kind::kOther,
                  nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  bool binary(binary_t&) override { return scalar(Kind::kOther, "binary"); }
  bool start_object(std::size_t) override { return open(true, "an object"); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false, "an array"); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    in_n_ = depth_ == 1 && k == "n";
    if (in_n_ && kind != Kind::kMissing) duplicate = true;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error_at = position == 0 ? 1 : position;
    return false;
  }

 private:
  bool scalar(Kind k, const std::string& t) {
    if (depth_ == 0) {  // the whole body is a scalar
      not_object = true;
      return false;
    }
    if (depth_ == 1 && in_n_) {
      if (kind == Kind::kMissing) {
        kind = k;
        text = t;
      }
      in_n_ = false;
    }
    return true;
  }
  bool open(bool object, const char* what) {
    if (depth_ == 0 && !object) {
      not_object = true;
      return false;
    }
    if (depth_ == 1 && in_n_) {
      if (kind == Kind::kMissing) {
        kind = Kind::kOther;
        text = what;
      }
      in_n_ = false;
    }
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  int depth_ = 0;
  bool in_n_ = false;
};

bool parse_json_body(std::string_view body, uint64_t max, uint64_t* n, BodyError* error) {
  TaskBodySax sax;
  bool ok = nlohmann::json::sax_parse(body, &sax);
  if (sax.not_object) {
    error->message = "the JSON body must be an object; " + body_hint(max);
    return false;
  }
  if (!ok) {
    error->message = "the body is not valid JSON (error at byte " + std::to_string(sax.error_at) +
                     "); " + body_hint(max);
    return false;
  }
  if (sax.duplicate) {
    error->message = "n is given more than once; " + body_hint(max);
    return false;
  }
  if (sax.kind == TaskBodySax::Kind::kMissing) {
    error->message = "n is missing; " + body_hint(max);
    return false;
  }
  if (sax.kind != TaskBodySax::Kind::kUnsigned || sax.value < 1 || sax.value > max) {
    // sax.text is JSON already (a string keeps its own quotes): show it as is.
    bool quoted = !sax.text.empty() && sax.text[0] == '"';
    error->message = n_range_message(max, shorten(sax.text));
    if (quoted) error->message += " (write it as a JSON number, without quotes)";
    return false;
  }
  *n = sax.value;
  return true;
}

bool parse_form_body(std::string_view body, uint64_t max, uint64_t* n, BodyError* error) {
  bool duplicate = false;
  auto value = single_field(parse_form(body), "n", &duplicate);
  if (duplicate) {
    error->message = "n is given more than once; send one field n=N";
    return false;
  }
  if (!value) {
    error->message =
        "n is missing; send the form field n with an integer from 1 to " + std::to_string(max);
    return false;
  }
  return parse_typed_n(*value, max, n, &error->message);
}

// One character of typed text, classified: a digit (its value), a group
// separator, a space, or something else. Reads one UTF-8 sequence at *i.
enum class Typed { kDigit, kComma, kSpace, kOther };
Typed next_typed(std::string_view text, size_t* i, int* digit) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(*i);
  if (c >= '0' && c <= '9') {
    *digit = c - '0';
    ++*i;
    return Typed::kDigit;
  }
  if (c == ',') {
    ++*i;
    return Typed::kComma;
  }
  if (c == ' ' || c == '\t') {
    ++*i;
    return Typed::kSpace;
  }
  if (c < 0x80 || *i + 1 >= text.size()) {
    ++*i;
    return Typed::kOther;
  }
  // Two- and three-byte sequences we know; anything else is "other".
  if (c == 0xC2 && byte(*i + 1) == 0xA0) {  // U+00A0 no-break space
    *i += 2;
    return Typed::kSpace;
  }
  if (*i + 2 < text.size()) {
    const uint32_t cp =
        ((c & 0x0Fu) << 12) | ((byte(*i + 1) & 0x3Fu) << 6) | (byte(*i + 2) & 0x3Fu);
    if ((c & 0xF0u) == 0xE0u && (byte(*i + 1) & 0xC0u) == 0x80u &&
        (byte(*i + 2) & 0xC0u) == 0x80u) {
      if (cp >= 0xFF10 && cp <= 0xFF19) {  // fullwidth digits
        *digit = static_cast<int>(cp - 0xFF10);
        *i += 3;
        return Typed::kDigit;
      }
      if (cp == 0xFF0C) {  // fullwidth comma
        *i += 3;
        return Typed::kComma;
      }
      // thin, narrow no-break, figure and ideographic spaces
      if (cp == 0x2009 || cp == 0x202F || cp == 0x2007 || cp == 0x3000) {
        *i += 3;
        return Typed::kSpace;
      }
    }
  }
  ++*i;
  return Typed::kOther;
}

std::string typed_hint(uint64_t max) {
  return "type a whole number from 1 to " + display_count(max) + ", like 1000 or 1,000";
}
}  // namespace

bool parse_typed_n(std::string_view text, uint64_t max, uint64_t* n, std::string* error) {
  // Classify everything first: a list of digit groups and the separators between them.
  std::vector<std::string> groups;  // ASCII digits
  std::vector<Typed> separators;    // between groups (kComma or kSpace)
  bool other = false, pending_separator = false;
  Typed separator = Typed::kSpace;
  for (size_t i = 0; i < text.size();) {
    int digit = 0;
    Typed kind = next_typed(text, &i, &digit);
    if (kind == Typed::kDigit) {
      if (groups.empty() || pending_separator) {
        if (!groups.empty()) separators.push_back(separator);
        groups.emplace_back();
        pending_separator = false;
      }
      groups.back().push_back(static_cast<char>('0' + digit));
    } else if (kind == Typed::kOther) {
      other = true;
    } else if (!groups.empty()) {
      // Spaces around a comma ("1 , 000") or several spaces make no group of their own.
      if (pending_separator && separator == Typed::kComma && kind == Typed::kSpace) continue;
      if (pending_separator && kind == Typed::kSpace) continue;
      if (pending_separator && kind == Typed::kComma && separator == Typed::kComma) other = true;
      separator = kind;
      pending_separator = true;
    } else if (kind == Typed::kComma) {
      other = true;  // a comma before any digit
    }
  }
  if (pending_separator && separator == Typed::kComma) other = true;  // "1000,"
  const std::string shown = quote_for_message(trim(text));
  if (groups.empty() && !other) {
    *error = "n is empty; " + typed_hint(max);
    return false;
  }
  const std::string_view t = trim(text);
  if (other) {
    if (t.starts_with('-')) {
      *error = "n starts at 1 (the first decimal after the point); got " + shown;
    } else if (t.find_first_of(".eE") != std::string_view::npos) {
      *error = "n is a whole number (no decimal point or exponent); got " + shown + "; " +
               typed_hint(max);
    } else {
      *error = shown + " is not a whole number; " + typed_hint(max);
    }
    return false;
  }
  for (size_t g = 1; g < groups.size(); ++g) {
    if (groups[g].size() != 3) {
      *error =
          "digits are grouped by threes (1,000 or 1 000); got " + shown + "; " + typed_hint(max);
      return false;
    }
  }
  std::string digits;
  for (const std::string& g : groups) digits += g;
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    *error = "n starts at 1 (the first decimal after the point); got " + shown;
    return false;
  }
  if (!parse_uint(digits.substr(first), 1, max, n)) {
    *error = "n can be at most " + display_count(max) + " on this server; got " + shown;
    return false;
  }
  return true;
}

std::string shorten(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size() && i < kQuoteMax; ++i) {
    char c = raw[i];
    out.push_back(c >= 0x20 && c <= 0x7e ? c : '?');
  }
  if (raw.size() > kQuoteMax) out += "...";
  return out;
}

std::string quote_for_message(std::string_view raw) {
  // Appended, not "\"" + ...: GCC 12 warns falsely (-Wrestrict) on that form.
  std::string out(1, '"');
  out.append(shorten(raw)).push_back('"');
  return out;
}

std::string n_range_message(uint64_t max, std::string_view got) {
  return "n must be an integer from 1 to " + std::to_string(max) + "; got " + std::string(got);
}

bool parse_n_text(std::string_view text, uint64_t max, uint64_t* n, std::string* error) {
  if (parse_uint(text, 1, max, n)) return true;
  *error = n_range_message(max, text.empty() ? "nothing" : quote_for_message(text));
  return false;
}

bool parse_task_body(std::string_view content_type, std::string_view body, uint64_t max,
                     uint64_t* n, BodyError* error) {
  std::string type = media_type(content_type);
  error->status = 400;
  if (type == "application/json") return parse_json_body(body, max, n, error);
  if (type == "application/x-www-form-urlencoded") return parse_form_body(body, max, n, error);
  error->status = 415;
  error->message =
      "send the body as application/json ({\"n\": N}) or as a form "
      "(application/x-www-form-urlencoded, n=N); got Content-Type " +
      (type.empty() ? std::string("nothing") : quote_for_message(type));
  return false;
}

bool parse_list_query(std::string_view query, ListQuery* out, std::string* error) {
  FormFields fields = parse_form(query);
  for (const auto& [name, value] : fields) {
    if (name != "limit" && name != "before" && name != "status") {
      *error = "unknown parameter " + quote_for_message(name) +
               "; the task list takes limit, before and status";
      return false;
    }
  }
  bool duplicate = false;
  auto status = single_field(fields, "status", &duplicate);
  if (duplicate) {
    *error = "status is given more than once";
    return false;
  }
  if (status && !status->empty()) {
    const auto& all = lifecycle::kStatuses;
    if (std::find(std::begin(all), std::end(all), *status) == std::end(all)) {
      *error = "status must be one of queued, running, done, error, cancelled; got " +
               quote_for_message(*status);
      return false;
    }
    out->status = *status;
  }
  auto limit = single_field(fields, "limit", &duplicate);
  if (duplicate) {
    *error = "limit is given more than once";
    return false;
  }
  if (limit && !limit->empty() && !parse_uint(*limit, 1, kMaxListLimit, &out->limit)) {
    *error = "limit must be an integer from 1 to " + std::to_string(kMaxListLimit) + "; got " +
             quote_for_message(*limit);
    return false;
  }
  auto before = single_field(fields, "before", &duplicate);
  if (duplicate) {
    *error = "before is given more than once";
    return false;
  }
  if (before && !before->empty() && !parse_uint(*before, 1, UINT64_MAX, &out->before)) {
    *error = "before must be a task id (an integer of at least 1, from next_before); got " +
             quote_for_message(*before);
    return false;
  }
  return true;
}

bool parse_from_query(std::string_view query, uint64_t n, uint64_t* from, std::string* error) {
  bool duplicate = false;
  auto value = single_field(parse_form(query), "from", &duplicate);
  *from = 0;
  if (duplicate) {
    *error = "from is given more than once";
    return false;
  }
  if (!value || value->empty()) return true;
  if (parse_uint(*value, 1, n, from)) return true;
  *error = "from must be a decimal position from 1 to " + std::to_string(n) + "; got " +
           quote_for_message(*value);
  return false;
}

bool split_pi_path(std::string_view path, std::string_view* n_text, bool* txt) {
  constexpr std::string_view kPrefix = "/pi/";
  constexpr std::string_view kTxt = ".txt";
  if (!path.starts_with(kPrefix)) return false;
  std::string_view rest = path.substr(kPrefix.size());
  *txt = rest.ends_with(kTxt);
  if (*txt) rest.remove_suffix(kTxt.size());
  *n_text = rest;
  return true;
}

bool split_task_path(std::string_view path, std::string_view* n_text) {
  constexpr std::string_view kPrefix = "/api/tasks/";
  if (!path.starts_with(kPrefix)) return false;
  *n_text = path.substr(kPrefix.size());
  return true;
}

}  // namespace pidigits::fcgi
