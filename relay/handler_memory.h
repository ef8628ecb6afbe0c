// Memory for a session's one outstanding write, reused from write to write.
//
// Asio allocates every asynchronous operation; its own cache keeps two blocks
// per thread, so during a broadcast to 10,000 clients (10,000 writes pending
// at once) every write went to malloc and back: 12% of the relay's CPU at
// 10,000 clients, in glibc's _int_malloc. A completion handler wrapped with
// bind_memory() makes Asio (and Beast's composed operations, which pass the
// handler's allocator down) use this block instead (Asio's "allocation"
// example, for Boost 1.74's associated_allocator).
//
// One block per kind of operation that is never outstanding twice at a time;
// a request that does not fit, or comes while the block is in use, falls back
// to operator new, so a wrong guess costs speed, never correctness.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace pidigits::relay {

class HandlerMemory {
 public:
  static constexpr std::size_t kBytes = 1024;

  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

  void* allocate(std::size_t size) {
    if (!in_use_ && size <= kBytes) {
      in_use_ = true;
      return &storage_;
    }
    return ::operator new(size);
  }
  void deallocate(void* pointer) {
    if (pointer == &storage_) {
      in_use_ = false;
    } else {
      ::operator delete(pointer);
    }
  }

 private:
  std::aligned_storage_t<kBytes, alignof(std::max_align_t)> storage_;
  bool in_use_ = false;
};

// The standard allocator interface over a HandlerMemory.
template <typename T>
class HandlerAllocator {
 public:
  using value_type = T;

  explicit HandlerAllocator(HandlerMemory& memory) : memory_(&memory) {}
  template <typename U>
  HandlerAllocator(const HandlerAllocator<U>& other) noexcept : memory_(other.memory_) {}

  T* allocate(std::size_t n) const { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
  void deallocate(T* pointer, std::size_t) const { memory_->deallocate(pointer); }

  template <typename U>
  bool operator==(const HandlerAllocator<U>& other) const noexcept {
    return memory_ == other.memory_;
  }
  template <typename U>
  bool operator!=(const HandlerAllocator<U>& other) const noexcept {
    return memory_ != other.memory_;
  }

 private:
  template <typename>
  friend class HandlerAllocator;
  HandlerMemory* memory_;
};

// A completion handler whose associated allocator is a HandlerMemory.
template <typename Handler>
class MemoryBoundHandler {
 public:
  using allocator_type = HandlerAllocator<Handler>;

  MemoryBoundHandler(HandlerMemory& memory, Handler handler)
      : memory_(memory), handler_(std::move(handler)) {}

  allocator_type get_allocator() const noexcept { return allocator_type(memory_); }

  template <typename... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  HandlerMemory& memory_;
  Handler handler_;
};

// REQUIRES: `memory` outlives the operation (a member of the session the
// handler keeps alive).
template <typename Handler>
MemoryBoundHandler<std::decay_t<Handler>> bind_memory(HandlerMemory& memory, Handler&& handler) {
  return MemoryBoundHandler<std::decay_t<Handler>>(memory, std::forward<Handler>(handler));
}

}  // namespace pidigits::relay
