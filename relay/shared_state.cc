#include "shared_state.h"

#include <vector>

#include "websocket_session.h"

namespace pidigits::relay {

std::size_t shared_state::join(websocket_session* session) {
  std::lock_guard lock(mutex_);
  sessions_.insert(session);
  return sessions_.size();
}

std::size_t shared_state::leave(websocket_session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  return sessions_.size();
}

std::size_t shared_state::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool shared_state::full() const { return size() >= max_clients_; }

namespace {
// The sessions alive now, as strong references taken under the lock, so that
// sending happens outside it and no session dies while we use it.
std::vector<std::shared_ptr<websocket_session>> snapshot(
    std::mutex& mutex, const std::unordered_set<websocket_session*>& sessions) {
  std::vector<std::weak_ptr<websocket_session>> weak;
  {
    std::lock_guard lock(mutex);
    weak.reserve(sessions.size());
    for (auto* session : sessions) weak.push_back(session->weak_from_this());
  }
  std::vector<std::shared_ptr<websocket_session>> strong;
  strong.reserve(weak.size());
  // A session whose last reference is gone is being destroyed: skip it.
  for (auto& w : weak) {
    if (auto s = w.lock()) strong.push_back(std::move(s));
  }
  return strong;
}
}  // namespace

void shared_state::send(std::string message) {
  auto shared = std::make_shared<const std::string>(std::move(message));
  for (auto& session : snapshot(mutex_, sessions_)) session->send(shared);
}

void shared_state::close_all() {
  for (auto& session : snapshot(mutex_, sessions_)) session->close();
}

}  // namespace pidigits::relay
