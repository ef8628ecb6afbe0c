#include "websocket_session.h"

#include <chrono>

namespace pidigits::relay {

WebsocketSession::WebsocketSession(Socket&& socket, std::shared_ptr<SharedState> state,
                                   std::string peer)
    : ws_(std::move(socket)), state_(std::move(state)), peer_(std::move(peer)) {}

WebsocketSession::~WebsocketSession() {
  state_->leave(this);
  if (open_) log::info("client ", peer_, " disconnected (", state_->size(), " clients)");
}

void WebsocketSession::run(http::request<http::string_body> request) {
  state_->join(this);
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(10);
  // Pings after 15 s of silence; a client that answers nothing for 30 s is
  // dead (a vanished laptop, a half-open connection) and is dropped.
  timeout.idle_timeout = std::chrono::seconds(30);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "pi-relay"); }));
  ws_.read_message_max(kMaxIncomingMessage);
  ws_.text(true);
  // One frame per message: a broadcast is then one send() per client.
  ws_.auto_fragment(false);
  ws_.async_accept(request,
                   beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
}

void WebsocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "handshake", peer_);
  if (closing_) return;
  open_ = true;
  log::info("client ", peer_, " connected (", state_->size(), " clients)");
  do_read();
  // Messages that arrived during the handshake waited in the queue.
  if (!queue_.empty()) do_write();
}

void WebsocketSession::do_read() {
  ws_.async_read(buffer_,
                 beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this()));
}

void WebsocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // Beast has already answered a protocol error, bad UTF-8 or an oversized
    // message with the matching close code, and tears the connection down:
    // broadcasts must stop piling up for it meanwhile.
    closing_ = true;
    forget_waiting_messages();
    return fail(ec, "read", peer_);
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void WebsocketSession::deliver(const std::shared_ptr<const std::string>& message) {
  if (closing_) return;
  // A client with nothing pending is never "slow", even for one message over
  // the byte bound: that would drop everyone at once.
  if (!queue_.empty() && (queue_.size() + 1 > kMaxQueuedMessages ||
                          queued_bytes_ + message->size() > kMaxQueuedBytes)) {
    return drop_slow_client();
  }
  queued_bytes_ += message->size();
  queue_.push_back(message);
  // One write at a time (Beast's rule); on_write starts the next.
  if (open_ && queue_.size() == 1) do_write();
}

void WebsocketSession::do_write() {
  ws_.async_write(net::buffer(*queue_.front()),
                  bind_memory(write_memory_, beast::bind_front_handler(&WebsocketSession::on_write,
                                                                       shared_from_this())));
}

void WebsocketSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    closing_ = true;  // the stream is unusable after a failed write
    queue_.clear();
    queued_bytes_ = 0;
    return fail(ec, "write", peer_);
  }
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (!closing_ && !queue_.empty()) do_write();
}

void WebsocketSession::drop_slow_client() {
  log::warn("client ", peer_, " is too slow (", queue_.size(), " messages, ", queued_bytes_,
            " bytes waiting); dropping it");
  closing_ = true;
  state_->count_dropped();
  forget_waiting_messages();
  // A close frame would wait behind a write the client does not read, so cut
  // the connection: pending operations end with operation_aborted.
  beast::get_lowest_layer(ws_).close();
}

void WebsocketSession::forget_waiting_messages() {
  // Keep only the message being written: its buffer is in use until on_write.
  if (queue_.empty()) return;
  queue_.erase(queue_.begin() + 1, queue_.end());
  queued_bytes_ = queue_.front()->size();
}

void WebsocketSession::close() {
  if (closing_) return;
  closing_ = true;
  if (!open_) {
    // Still in the handshake: nobody to say goodbye to yet.
    beast::get_lowest_layer(ws_).close();
    return;
  }
  forget_waiting_messages();
  // Beast lets the close wait for a write in progress; the pending read
  // completes with websocket::error::closed once the client answers.
  ws_.async_close(websocket::close_code::going_away,
                  beast::bind_front_handler(&WebsocketSession::on_close, shared_from_this()));
}

void WebsocketSession::on_close(beast::error_code ec) {
  if (ec) return fail(ec, "close", peer_);
}

}  // namespace pidigits::relay
