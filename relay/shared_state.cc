#include "shared_state.h"

#include "websocket_session.h"

namespace pidigits::relay {

void SharedState::join(WebsocketSession* session) {
  slots_.emplace(session, sessions_.size());
  sessions_.push_back(session);
  clients_.store(sessions_.size(), std::memory_order_relaxed);
}

void SharedState::leave(WebsocketSession* session) {
  auto found = slots_.find(session);
  if (found == slots_.end()) return;
  std::size_t slot = found->second;
  slots_.erase(found);
  if (slot + 1 != sessions_.size()) {
    sessions_[slot] = sessions_.back();
    slots_[sessions_[slot]] = slot;
  }
  sessions_.pop_back();
  clients_.store(sessions_.size(), std::memory_order_relaxed);
}

void SharedState::send(std::string message) {
  auto shared = std::make_shared<const std::string>(std::move(message));
  net::post(io_,
            [self = shared_from_this(), shared = std::move(shared)] { self->broadcast(shared); });
}

void SharedState::broadcast(const std::shared_ptr<const std::string>& message) {
  // Walking the live set is safe: deliver() neither destroys a session nor
  // joins or leaves one while it runs, because Asio never completes an
  // operation inside the call that started or cancelled it.
  for (auto* session : sessions_) session->deliver(message);
}

void SharedState::close_all() {
  net::post(io_, [self = shared_from_this()] {
    for (auto* session : self->sessions_) session->close();
  });
}

}  // namespace pidigits::relay
