#include <malloc.h>

#include "pidigits/engine.h"

namespace pidigits {

void tune_process_allocator() {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace pidigits
