#include "pidigits/flags.h"

#include <charconv>

namespace pidigits {
namespace {

// 'text', for messages. Appended piecewise: "'" + std::string(...) trips a
// false -Wrestrict in GCC 12.
std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out.append(text);
  out.push_back('\'');
  return out;
}

}  // namespace

bool parse_uint(std::string_view text, uint64_t min, uint64_t max, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

Result<HostPort> parse_host_port(std::string_view text) {
  auto invalid = [&] {
    return Status::invalid_argument("must be HOST:PORT (e.g. 127.0.0.1:8081), got " +
                                    quoted(text));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return invalid();
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return invalid();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid();  // an IPv6 address needs brackets
  }
  uint64_t port = 0;
  if (!parse_uint(text.substr(colon + 1), 1, 65535, &port)) return invalid();
  return HostPort{std::string(host), static_cast<int>(port)};
}

void Flags::add_int(std::string_view name, int* out, int min, int max) {
  std::string flag(name);
  flags_.push_back({flag, true, [=](std::string_view value) {
                      uint64_t number = 0;
                      if (!parse_uint(value, static_cast<uint64_t>(min),
                                      static_cast<uint64_t>(max), &number)) {
                        return Status::invalid_argument(
                            flag + " must be an integer from " + std::to_string(min) + " to " +
                            std::to_string(max) + ", got " + quoted(value));
                      }
                      *out = static_cast<int>(number);
                      return Status();
                    }});
}

void Flags::add_string(std::string_view name, std::string* out) {
  std::string flag(name);
  flags_.push_back({flag, true, [=](std::string_view value) {
                      if (value.empty()) return Status::invalid_argument(flag + " needs a value");
                      *out = value;
                      return Status();
                    }});
}

void Flags::add_host_port(std::string_view name, std::string* out) {
  std::string flag(name);
  flags_.push_back({flag, true, [=](std::string_view value) {
                      auto parsed = parse_host_port(value);
                      if (!parsed.ok()) {
                        return Status::invalid_argument(flag + " " + parsed.status().message());
                      }
                      *out = value;
                      return Status();
                    }});
}

void Flags::add_custom(std::string_view name, std::function<Status(std::string_view)> set) {
  flags_.push_back({std::string(name), true, std::move(set)});
}

void Flags::add_switch(std::string_view name, bool* out) {
  flags_.push_back({std::string(name), false, [=](std::string_view) {
                      *out = true;
                      return Status();
                    }});
}

void Flags::add_positional(std::function<Status(std::string_view)> parse, std::string missing) {
  positional_ = std::move(parse);
  missing_ = std::move(missing);
}

const Flags::Flag* Flags::find(std::string_view name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

Status Flags::parse(int argc, const char* const* argv, bool* help) const {
  bool have_positional = false;
  *help = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
      continue;
    }
    // "-5" is not an option: it falls through to the positional argument,
    // whose message then says what it must be.
    const bool option = arg.size() > 1 && arg[0] == '-' && !(arg[1] >= '0' && arg[1] <= '9');
    if (!option) {
      if (!positional_ || have_positional) {
        return Status::invalid_argument("unexpected argument " + quoted(arg));
      }
      if (Status s = positional_(arg); !s.ok()) return s;
      have_positional = true;
      continue;
    }
    std::string_view name = arg;
    std::string_view value;
    const size_t eq = arg.find('=');
    const bool inline_value = arg.starts_with("--") && eq != std::string_view::npos;
    if (inline_value) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const Flag* flag = find(name);
    if (flag == nullptr) {
      return Status::invalid_argument("unknown option " + quoted(name) + " (see --help)");
    }
    if (!flag->takes_value) {
      if (inline_value) {
        return Status::invalid_argument(std::string(name) + " takes no value");
      }
    } else if (!inline_value) {
      if (i + 1 >= argc) return Status::invalid_argument(std::string(name) + " needs a value");
      value = argv[++i];
    }
    if (Status s = flag->set(value); !s.ok()) return s;
  }
  if (positional_ && !have_positional && !*help) return Status::invalid_argument(missing_);
  return Status();
}

}  // namespace pidigits
