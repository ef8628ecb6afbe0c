#include "origin_policy.h"

#include <algorithm>
#include <cctype>

namespace pidigits::relay {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// host[:port]: a name or IPv4 address (letters, digits, '-', '.'), or an IPv6
// address in brackets, then an optional port of 1 to 5 digits.
bool valid_authority(std::string_view authority) {
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    }
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    host = {};
    port = rest.empty() ? rest : rest.substr(1);
    if (!rest.empty() && port.empty()) return false;
  } else {
    auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty()) return false;
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
    }
  }
  if (port.size() > 5) return false;
  return std::all_of(port.begin(), port.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool valid_origin(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.substr(0, scheme.size()) == scheme) {
      return valid_authority(origin.substr(scheme.size()));
    }
  }
  return false;
}

}  // namespace

std::optional<OriginPolicy> OriginPolicy::parse(std::string_view list, std::string* error) {
  OriginPolicy policy;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    std::string origin = lowercase(entry);
    if (!valid_origin(origin)) {
      *error = "PI_ALLOWED_ORIGINS: \"" + std::string(entry) +
               "\" is not an origin like https://example.org or http://host:8080 "
               "(scheme, host and optional port; no path)";
      return std::nullopt;
    }
    policy.listed_.push_back(std::move(origin));
  }
  return policy;
}

bool OriginPolicy::allows(std::optional<std::string_view> origin, std::string_view host) const {
  if (!origin) return true;
  std::string given = lowercase(*origin);
  if (!host.empty()) {
    std::string own = lowercase(host);
    if (given == "http://" + own || given == "https://" + own) return true;
  }
  return std::find(listed_.begin(), listed_.end(), given) != listed_.end();
}

}  // namespace pidigits::relay
