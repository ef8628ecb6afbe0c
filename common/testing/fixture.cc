#include "testing/fixture.h"

#include <nlohmann/json.hpp>

#include "pidigits/keys.h"

namespace pidigits::testing {

const char kPi50[] = "3.14159265358979323846264338327950288419716939937510";

void RedisTest::SetUp() {
  server_ = std::make_unique<RedisServer>();
  ASSERT_TRUE(server_->ok()) << "cannot start redis-server";
  redis_ = std::make_unique<RedisClient>(server_->address());
  Status installed = lifecycle::install(*redis_, 1 << 20);
  ASSERT_TRUE(installed.ok()) << installed.message();
}

lifecycle::Answer RedisTest::submit_task(uint64_t n) {
  lifecycle::Admission a;
  a.client = "test";
  a.max_queue = 1000;
  a.estimate_ms = 100;
  auto answer = lifecycle::register_task(*redis_, n, "owner", a);
  EXPECT_TRUE(answer.ok()) << answer.status().message();
  return answer.ok() ? *answer : lifecycle::Answer{};
}

std::optional<Task> RedisTest::task(uint64_t n) {
  auto t = lifecycle::get_task(*redis_, n);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : std::nullopt;
}

std::vector<std::string> RedisTest::list(const std::string& key) {
  Reply reply = redis_->command({"LRANGE", key, "0", "-1"});
  EXPECT_TRUE(reply.ok()) << reply.error();
  return reply.strings();
}

std::string RedisTest::get(const std::string& key) {
  Reply reply = redis_->command({"GET", key});
  EXPECT_TRUE(reply.ok()) << reply.error();
  return reply.string().value_or("");
}

void put_digits(RedisClient& redis, std::string_view digits, uint64_t chunk_bytes) {
  for (uint64_t k = 0; k * chunk_bytes < digits.size(); ++k) {
    Reply r =
        redis.command({"SET", keys::digits_chunk(k), digits.substr(k * chunk_bytes, chunk_bytes)});
    ASSERT_TRUE(r.ok()) << r.error();
  }
  Reply r = redis.command({"HSET", keys::digits_info(), "length", std::to_string(digits.size()),
                           "chunk_bytes", std::to_string(chunk_bytes)});
  ASSERT_TRUE(r.ok()) << r.error();
}

std::string RedisTest::stored_digits() {
  auto info = lifecycle::digits_info(*redis_);
  EXPECT_TRUE(info.ok());
  std::string out;
  for (uint64_t k = 0; info.ok() && k * info->chunk_bytes < info->length; ++k) {
    out += get(keys::digits_chunk(k));
  }
  if (info.ok() && out.size() > info->length) out.resize(info->length);
  return out;
}

EventListener::EventListener(const RedisAddress& address, std::chrono::milliseconds timeout)
    : client_(address, timeout) {
  Reply reply = client_.command({"SUBSCRIBE", keys::events()});
  EXPECT_TRUE(reply.ok()) << reply.error();
}

std::optional<EventListener::Event> EventListener::read_one() {
  for (;;) {
    Reply reply = client_.read_reply();
    if (!reply.ok()) return std::nullopt;
    auto parts = reply.strings();
    if (parts.size() != 3 || parts[0] != "message") continue;
    auto json = nlohmann::json::parse(parts[2]);
    Event event;
    event.type = json.value("type", "");
    event.seq = json.value("seq", int64_t{0});
    if (event.type == "deleted") {
      event.n = json.value("n", uint64_t{0});
      event.version = json.value("version", uint64_t{0});
      return event;
    }
    const auto& hash = json["hash"];
    auto field = [&](const char* name) { return hash.value(name, std::string()); };
    event.n = std::stoull(field("n"));
    event.version = std::stoull(field("version"));
    event.stage = field("stage");
    event.progress = field("progress").empty() ? 0 : std::stod(field("progress"));
    event.worker = field("worker");
    if (json.contains("queue")) event.queue_position = json["queue"].value("position", int64_t{0});
    return event;
  }
}

std::vector<EventListener::Event> EventListener::read_until(
    const std::function<bool(const Event&)>& until) {
  std::vector<Event> events;
  // A failure (the client's timeout) ends the wait: the caller's checks fail.
  while (auto event = read_one()) {
    events.push_back(*event);
    if (until(*event)) break;
  }
  return events;
}

std::vector<EventListener::Event> EventListener::read_all() {
  std::vector<Event> events;
  while (auto event = read_one()) events.push_back(*event);
  return events;
}

}  // namespace pidigits::testing
