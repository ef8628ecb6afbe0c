#include "form.h"

namespace pidigits::fcgi {
namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

FormFields parse_form(std::string_view text) {
  FormFields fields;
  while (!text.empty() && fields.size() < kMaxFields) {
    size_t amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      fields.emplace_back(url_decode(piece), std::string());
    } else {
      fields.emplace_back(url_decode(piece.substr(0, eq)), url_decode(piece.substr(eq + 1)));
    }
  }
  return fields;
}

std::optional<std::string> single_field(const FormFields& fields, std::string_view name,
                                        bool* duplicate) {
  std::optional<std::string> found;
  *duplicate = false;
  for (const auto& [key, value] : fields) {
    if (key != name) continue;
    if (found) {
      *duplicate = true;
    } else {
      found = value;
    }
  }
  return found;
}

}  // namespace pidigits::fcgi
