// Client addresses and lists of networks (PI_METRICS_ALLOW): which addresses
// may see what only operators should. Addresses are numeric IPv4 or IPv6, as
// nginx passes REMOTE_ADDR; IPv4 is compared as its IPv4-mapped IPv6 form, so
// "::ffff:10.0.0.1" and "10.0.0.1" are the same client.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "pidigits/status.h"

namespace pidigits {

// 16 bytes, IPv4 as ::ffff:a.b.c.d; nullopt for anything that is not a numeric address.
using IpAddress = std::array<uint8_t, 16>;
std::optional<IpAddress> parse_ip(std::string_view text);

// 127.0.0.0/8 or ::1.
bool is_loopback(std::string_view address);

class AddressList {
 public:
  // Comma-separated addresses and CIDR networks, spaces allowed around items:
  // "10.0.0.0/8, 192.168.1.7, fd00::/8". An empty text is an empty list. A
  // malformed item is an InvalidArgument error naming it.
  static Result<AddressList> parse(std::string_view text);

  // Whether `address` (numeric) is in one of the networks; false when it is
  // not an address at all.
  bool contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    IpAddress address;
    int prefix_bits;  // of the 128
  };
  std::vector<Network> networks_;
};

}  // namespace pidigits
