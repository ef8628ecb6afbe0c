// Which pages may open the WebSocket. A browser sends the page's origin with
// every upgrade; without this check any site a visitor has open could read
// the live task feed through the visitor's browser (cross-site WebSocket
// hijacking). Allowed:
//   - no Origin header at all: not a browser (curl, relay_bench, monitoring);
//   - the page's own origin: http:// or https:// followed by the Host header;
//   - an origin listed in PI_ALLOWED_ORIGINS (comma-separated, such as
//     "https://example.org, http://intranet:8080").
// Anything else, "null" included, gets 403 from HttpSession.
//
// The check lives in the relay, not in nginx: it is the relay's handshake
// that accepts or refuses, it holds wherever the relay runs (behind another
// proxy, on another machine), the list is validated at start-up with a clear
// error, and it is tested here as code. nginx passes the browser's Host header
// unchanged ($http_host) so that the comparison sees host and port.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pidigits::relay {

class OriginPolicy {
 public:
  OriginPolicy() = default;  // only the page's own origin

  // Parses PI_ALLOWED_ORIGINS. Entries are scheme://host[:port] with scheme
  // http or https, no path; spaces around entries and empty entries are
  // ignored. A malformed entry: nullopt and *error names it.
  static std::optional<OriginPolicy> parse(std::string_view list, std::string* error);

  // `origin`: the request's Origin header, nullopt when it has none; `host`:
  // its Host header (empty when missing). Case-insensitive, as host names are.
  bool allows(std::optional<std::string_view> origin, std::string_view host) const;

  // The listed origins, lowercased (for the start-up log line).
  const std::vector<std::string>& listed() const { return listed_; }

 private:
  std::vector<std::string> listed_;
};

}  // namespace pidigits::relay
