// Writing to file descriptors, for the programs' low-level output (the CLI's
// digits, the compute child's pipe).
#pragma once

#include <cstddef>

namespace pidigits {

// write() until all `size` bytes are out, retrying on EINTR; false when the
// descriptor failed (a closed pipe, a full disk: errno says which).
// Async-signal-safe: the compute child calls it after an allocation failure.
bool write_all(int fd, const void* data, size_t size);

}  // namespace pidigits
