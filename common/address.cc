#include "pidigits/address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace pidigits {
namespace {
// The IPv4-mapped prefix ::ffff:0:0/96.
constexpr int kMappedPrefixBits = 96;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool same_prefix(const IpAddress& a, const IpAddress& b, int bits) {
  int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}
}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  // inet_pton wants a C string; an address is at most INET6_ADDRSTRLEN long.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  IpAddress out{};
  if (copy.find(':') == std::string::npos) {
    in_addr v4;
    if (inet_pton(AF_INET, copy.c_str(), &v4) != 1) return std::nullopt;
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  if (inet_pton(AF_INET6, copy.c_str(), out.data()) != 1) return std::nullopt;
  return out;
}

bool is_loopback(std::string_view address) {
  static const AddressList kLoopback = *AddressList::parse("127.0.0.0/8, ::1");
  return kLoopback.contains(address);
}

Result<AddressList> AddressList::parse(std::string_view text) {
  AddressList list;
  while (!trim(text).empty()) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    auto bad = [&](std::string_view why) {
      // Appended, not "'" + ...: GCC 12 warns falsely (-Wrestrict) on that form.
      std::string message(1, '\'');
      message.append(item).append("' is not an address or network (").append(why) += ')';
      return Status::invalid_argument(std::move(message));
    };
    if (item.empty()) return bad("empty item");
    size_t slash = item.find('/');
    auto address = parse_ip(item.substr(0, slash));
    if (!address) return bad("want 10.0.0.0/8, 192.168.1.7 or fd00::/8");
    const bool v4 = item.substr(0, slash).find(':') == std::string_view::npos;
    const int max_bits = v4 ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
      std::string_view digits = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
          bits > max_bits) {
        return bad("the prefix length must be 0 to " + std::to_string(max_bits));
      }
    }
    list.networks_.push_back({*address, v4 ? bits + kMappedPrefixBits : bits});
  }
  return list;
}

bool AddressList::contains(std::string_view address) const {
  auto ip = parse_ip(trim(address));
  if (!ip) return false;
  for (const Network& network : networks_) {
    if (same_prefix(*ip, network.address, network.prefix_bits)) return true;
  }
  return false;
}

}  // namespace pidigits
