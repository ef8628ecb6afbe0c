// pi-relay end to end: a real redis-server and the real pi-relay binary on
// spare ports, WebSocket clients from test_client.h, raw sockets for garbage.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pidigits/config.h"
#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"
#include "test_client.h"
#include "test_support.h"

namespace pidigits::relay {
namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Relay : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_program("relay_test");  // the publisher's RedisClient logs too
    std::string tmpl = (std::filesystem::temp_directory_path() / "relay_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redis_port_ = spare_port();
    relay_port_ = spare_port();
    publisher_ = std::make_unique<RedisClient>(RedisAddress{"127.0.0.1", redis_port_, "", 0});
    start_redis();
    start_relay();
    ASSERT_TRUE(wait_for_redis_state("connected")) << relay_log();
  }

  void TearDown() override {
    kill_and_reap(relay_pid_);
    kill_and_reap(redis_pid_);
    std::filesystem::remove_all(dir_);
  }

  void start_redis() {
    redis_pid_ = spawn({"redis-server", "--port", std::to_string(redis_port_), "--bind",
                        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir_},
                       redis_port_, dir_ + "/redis.log");
    RedisClient probe(RedisAddress{"127.0.0.1", redis_port_, "", 0}, 500ms);
    auto deadline = Clock::now() + 5s;
    while (Clock::now() < deadline) {
      if (probe.command({"PING"}).ok()) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "redis-server did not answer PING on port " << redis_port_;
  }

  void start_relay(std::vector<std::string> extra = {}, const SpawnOptions& options = {}) {
    std::vector<std::string> args = {PI_RELAY_BIN, "--listen",
                                     "127.0.0.1:" + std::to_string(relay_port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    relay_pid_ = spawn(args, redis_port_, relay_log_path(), options);
    // Ready once it answers and, when Redis runs, has subscribed: an event
    // published before the subscription is active reaches no one.
    const std::string wanted = redis_pid_ > 0 ? "connected" : "disconnected";
    auto deadline = Clock::now() + 5s;
    while (Clock::now() < deadline) {
      if (health().value("redis", "") == wanted) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "pi-relay did not answer /healthz with redis " << wanted << ": " << relay_log();
  }

  nlohmann::json health() {
    auto r = http_get(relay_port_, "/healthz");
    auto json = nlohmann::json::parse(r.body, nullptr, false);
    // An empty object when the relay does not answer: callers read fields with value().
    return r.status == 200 && json.is_object() ? json : nlohmann::json::object();
  }

  // The value of one metric in GET /metrics, or -1.
  long metric(const std::string& name) {
    auto r = http_get(relay_port_, "/metrics");
    auto at = r.body.find("\n" + name + " ");
    if (r.status != 200 || at == std::string::npos) return -1;
    return std::atol(r.body.c_str() + at + name.size() + 2);
  }

  bool wait_for_redis_state(const std::string& state, std::chrono::milliseconds timeout = 5s) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (health().value("redis", "") == state) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  bool wait_for_clients(int clients, std::chrono::milliseconds timeout = 3s) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (health().value("clients", -1) == clients) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  void publish(const std::string& message) {
    auto reply = publisher_->command({"PUBLISH", keys::events(), message});
    ASSERT_TRUE(reply.ok()) << reply.error();
  }

  std::string relay_log_path() const { return dir_ + "/relay.log"; }
  std::string relay_log() const {
    std::ifstream in(relay_log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  int log_count(const std::string& needle) const {
    std::string log = relay_log();
    int count = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
      ++count;
    return count;
  }

  std::string dir_;
  int redis_port_ = 0;
  int relay_port_ = 0;
  pid_t redis_pid_ = -1;
  pid_t relay_pid_ = -1;
  std::unique_ptr<RedisClient> publisher_;
};

constexpr std::string_view kResync = R"({"type":"resync","reason":"relay reconnected to Redis"})";

TEST_F(Relay, HealthzReportsClientsAndRedis) {
  auto h = health();
  EXPECT_EQ(h.value("status", ""), "ok");
  EXPECT_EQ(h.value("clients", -1), 0);
  EXPECT_EQ(h.value("redis", ""), "connected");

  WsClient client;
  ASSERT_TRUE(client.connect(relay_port_)) << client.error();
  EXPECT_TRUE(wait_for_clients(1));

  auto other = http_get(relay_port_, "/api/tasks");
  EXPECT_EQ(other.status, 426);
  EXPECT_TRUE(nlohmann::json::parse(other.body, nullptr, false).contains("error")) << other.body;
}

TEST_F(Relay, MetricsCountClientsInPrometheusText) {
  auto r = http_get(relay_port_, "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("# TYPE pidigits_relay_clients gauge\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("# TYPE pidigits_relay_dropped_total counter\n"), std::string::npos);
  EXPECT_EQ(metric("pidigits_relay_clients"), 0);
  EXPECT_EQ(metric("pidigits_relay_dropped_total"), 0);
  {
    WsClient a, b;
    ASSERT_TRUE(a.connect(relay_port_)) << a.error();
    ASSERT_TRUE(b.connect(relay_port_)) << b.error();
    EXPECT_TRUE(wait_for_clients(2));
    EXPECT_EQ(metric("pidigits_relay_clients"), 2);
  }
  EXPECT_TRUE(wait_for_clients(0));
  EXPECT_EQ(metric("pidigits_relay_clients"), 0);
  EXPECT_EQ(metric("pidigits_relay_dropped_total"), 0);  // leaving is not being dropped
}

TEST_F(Relay, UpgradeFromAForeignOriginGets403) {
  kill_and_reap(relay_pid_);
  start_relay({}, {.env = {{"PI_ALLOWED_ORIGINS", "https://friend.example, http://other:81"}}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", " 101 "},                                    // no Origin: not a browser
      {"Origin: http://127.0.0.1\r\n", " 101 "},        // the page's own (Host: 127.0.0.1)
      {"Origin: https://127.0.0.1\r\n", " 101 "},       // the same page over TLS
      {"Origin: https://friend.example\r\n", " 101 "},  // listed
      {"Origin: http://other:81\r\n", " 101 "},
      {"Origin: https://evil.example\r\n", " 403 "},
      {"Origin: http://127.0.0.1:9999\r\n", " 403 "},  // another site on the same host
      {"Origin: http://friend.example\r\n", " 403 "},  // listed with https only
      {"Origin: null\r\n", " 403 "},
  };
  for (const auto& [headers, status] : cases) {
    RawConn conn(relay_port_);
    std::string head = conn.upgrade(headers);
    EXPECT_EQ(head.substr(8, 5), status) << headers << head;
    if (status == " 403 ") {
      bool closed = false;
      conn.receive(2s, &closed);
      EXPECT_TRUE(closed) << "a refused upgrade closes the connection";
    }
  }
  EXPECT_EQ(log_count("nor in PI_ALLOWED_ORIGINS"), 4) << relay_log();
}

TEST_F(Relay, RaisesItsOwnOpenFileLimit) {
  kill_and_reap(relay_pid_);
  constexpr long kClients = 3000;
  start_relay({"--max-clients", std::to_string(kClients)}, {.env = {}, .soft_fd_limit = 1024});
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max >= static_cast<rlim_t>(kClients + 256)) {
    EXPECT_GE(fd_limit_of(relay_pid_), kClients + 256) << relay_log();
  } else {
    // The hard limit is too low for this test's cap: the relay says so.
    EXPECT_EQ(log_count("open-file limit is"), 1) << relay_log();
  }
}

TEST_F(Relay, ServesAUnixSocketBesideTcp) {
  kill_and_reap(relay_pid_);
  std::string path = dir_ + "/relay.sock";
  start_relay({"--listen", "unix:" + path});
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666u) << "nginx's workers run as another user";

  RawConn conn(path);
  ASSERT_TRUE(conn.connected());
  ASSERT_NE(conn.upgrade().find(" 101 "), std::string::npos);
  EXPECT_TRUE(wait_for_clients(1));  // /healthz over TCP counts it
  publish("over the socket");
  // One unmasked text frame: FIN + text, length 15, the payload.
  EXPECT_EQ(conn.receive(500ms), "\x81\x0fover the socket");

  // A relay killed with SIGKILL leaves its socket behind; the next one takes the path over.
  kill_and_reap(relay_pid_);
  start_relay({"--listen", "unix:" + path});
  RawConn again(path);
  ASSERT_TRUE(again.connected());
  EXPECT_NE(again.upgrade().find(" 101 "), std::string::npos);
}

TEST_F(Relay, BroadcastReachesTwoClientsInOrderUnchanged) {
  WsClient a, b;
  ASSERT_TRUE(a.connect(relay_port_, "/ws")) << a.error();
  ASSERT_TRUE(b.connect(relay_port_, "/any/path")) << b.error();
  std::vector<std::string> sent;
  for (int i = 0; i < 200; ++i) {
    sent.push_back(R"({"type":"task","seq":)" + std::to_string(i) + R"(,"task":{"n":)" +
                   std::to_string(i + 1) + R"(,"note":"π \" \\ \n"}})");
    publish(sent.back());
  }
  for (WsClient* client : {&a, &b}) {
    for (const auto& expected : sent) {
      auto got = client->read();
      ASSERT_TRUE(got) << client->error();
      ASSERT_EQ(*got, expected);
    }
  }
}

TEST_F(Relay, ClientThatNeverReadsIsDroppedAndOthersKeepReceiving) {
  WsClient slow;
  ASSERT_TRUE(slow.connect(relay_port_, "/ws", 4096)) << slow.error();
  constexpr int kMessages = 300;
  constexpr size_t kSize = 64 << 10;  // 300 x 64 KiB: far over the 4 MiB bound
  auto message = [&](int i) { return std::to_string(i) + ":" + std::string(kSize, 'x'); };

  // The good clients read on their own threads while we publish.
  std::atomic<int> progress[2] = {0, 0};
  auto reader = [&](WsClient* client, std::atomic<int>* done) {
    for (int i = 0; i < kMessages; ++i) {
      auto got = client->read();
      if (!got) return "message " + std::to_string(i) + ": " + client->error();
      if (*got != message(i)) return "message " + std::to_string(i) + " differs";
      done->store(i + 1);
    }
    return std::string();
  };
  WsClient a, b;
  ASSERT_TRUE(a.connect(relay_port_)) << a.error();
  ASSERT_TRUE(b.connect(relay_port_)) << b.error();
  auto read_a = std::async(std::launch::async, reader, &a, &progress[0]);
  auto read_b = std::async(std::launch::async, reader, &b, &progress[1]);
  for (int i = 0; i < kMessages; ++i) {
    // Paced by the good readers (32 messages, 2 MiB ahead at most), so only a
    // client that does not read can fall 4 MiB behind, however busy the machine.
    auto deadline = Clock::now() + 5s;
    while (std::min(progress[0].load(), progress[1].load()) < i - 32 && Clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    publish(message(i));
  }
  EXPECT_EQ(read_a.get(), "");
  EXPECT_EQ(read_b.get(), "");

  EXPECT_TRUE(wait_for_clients(2)) << relay_log();
  EXPECT_EQ(log_count("too slow"), 1) << relay_log();
  EXPECT_EQ(metric("pidigits_relay_dropped_total"), 1);
  EXPECT_EQ(metric("pidigits_relay_clients"), 2);
  // What the kernel had buffered arrives, then the connection ends.
  int received = 0;
  while (slow.read(3s)) ++received;
  EXPECT_LT(received, kMessages);
  EXPECT_NE(slow.error(), "timeout");
}

TEST_F(Relay, GarbageFromClientsDoesNotDisturbOthers) {
  WsClient good;
  ASSERT_TRUE(good.connect(relay_port_)) << good.error();
  {
    RawConn not_http(relay_port_);
    not_http.send(std::string("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16));
    RawConn unmasked(relay_port_);
    ASSERT_NE(unmasked.upgrade().find(" 101 "), std::string::npos);
    unmasked.send("\x81\x05hello");  // clients must mask their frames
    RawConn noise(relay_port_);
    ASSERT_NE(noise.upgrade().find(" 101 "), std::string::npos);
    noise.send(std::string(1000, '\xff'));
    WsClient bad_utf8;
    ASSERT_TRUE(bad_utf8.connect(relay_port_)) << bad_utf8.error();
    bad_utf8.write("\xff\xfe\xfd not UTF-8");
    WsClient too_big;
    ASSERT_TRUE(too_big.connect(relay_port_)) << too_big.error();
    too_big.write(std::string(5000, 'a'));  // just over the 4 KiB limit

    for (RawConn* conn : {&not_http, &unmasked, &noise}) {
      bool closed = false;
      conn->receive(3s, &closed);
      EXPECT_TRUE(closed);
    }
    EXPECT_FALSE(bad_utf8.read());
    EXPECT_EQ(bad_utf8.close_code(), 1007) << bad_utf8.error();
    EXPECT_FALSE(too_big.read());
    EXPECT_EQ(too_big.close_code(), 1009) << too_big.error();

    // The raw peers have not hung up yet (Beast waits for that in its
    // teardown); broadcasts go on meanwhile.
    publish("while the garbage is there");
    auto got = good.read();
    ASSERT_TRUE(got) << good.error();
    EXPECT_EQ(*got, "while the garbage is there");
  }
  publish("after the garbage");
  auto got = good.read();
  ASSERT_TRUE(got) << good.error();
  EXPECT_EQ(*got, "after the garbage");
  EXPECT_TRUE(wait_for_clients(1)) << relay_log();
}

TEST_F(Relay, RedisRestartSendsResyncThenEvents) {
  WsClient client;
  ASSERT_TRUE(client.connect(relay_port_)) << client.error();
  kill_and_reap(redis_pid_);
  ASSERT_TRUE(wait_for_redis_state("disconnected")) << relay_log();
  std::this_thread::sleep_for(500ms);  // a few failed reconnects
  start_redis();

  auto got = client.read(5s);
  ASSERT_TRUE(got) << client.error() << relay_log();
  EXPECT_EQ(*got, kResync);
  ASSERT_TRUE(wait_for_redis_state("connected"));
  publish("after the restart");
  got = client.read();
  ASSERT_TRUE(got) << client.error();
  EXPECT_EQ(*got, "after the restart");
  EXPECT_EQ(log_count("lost Redis"), 1) << relay_log();
  EXPECT_LE(log_count("cannot reach Redis"), 1) << relay_log();
}

TEST_F(Relay, StartsWithoutRedisAndSubscribesWhenItComes) {
  kill_and_reap(relay_pid_);
  kill_and_reap(redis_pid_);
  start_relay();
  EXPECT_EQ(health().value("redis", ""), "disconnected");
  WsClient client;
  ASSERT_TRUE(client.connect(relay_port_)) << client.error();
  start_redis();

  auto got = client.read(5s);
  ASSERT_TRUE(got) << client.error() << relay_log();
  EXPECT_EQ(*got, kResync);
  ASSERT_TRUE(wait_for_redis_state("connected"));
  publish("first event");
  got = client.read();
  ASSERT_TRUE(got) << client.error();
  EXPECT_EQ(*got, "first event");
}

TEST_F(Relay, SigtermClosesClientsWithGoingAwayAndExitsZero) {
  WsClient a, b;
  ASSERT_TRUE(a.connect(relay_port_)) << a.error();
  ASSERT_TRUE(b.connect(relay_port_)) << b.error();
  RawConn idle(relay_port_);  // an HTTP connection that sends nothing
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(wait_for_clients(2));

  auto start = Clock::now();
  kill(relay_pid_, SIGTERM);
  for (WsClient* client : {&a, &b}) {
    EXPECT_FALSE(client->read(2s));
    EXPECT_EQ(client->close_code(), 1001) << client->error();
  }
  auto status = wait_exit(relay_pid_, 2s);
  ASSERT_TRUE(status) << "pi-relay still running 2 s after SIGTERM";
  relay_pid_ = -1;
  EXPECT_EQ(*status, 0);
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(log_count("stopped"), 1) << relay_log();
}

TEST_F(Relay, ClientOverTheCapGets503) {
  kill_and_reap(relay_pid_);
  start_relay({"--max-clients", "1"});
  WsClient first;
  ASSERT_TRUE(first.connect(relay_port_)) << first.error();
  RawConn second(relay_port_);
  EXPECT_NE(second.upgrade().find("HTTP/1.1 503 "), std::string::npos);
  EXPECT_EQ(health().value("clients", -1), 1);
}

TEST(RelayFlags, BadFlagsExitWithStatus2AndOneLine) {
  std::string log = (std::filesystem::temp_directory_path() / "relay_flags_test.log").string();
  for (std::vector<std::string> bad : {std::vector<std::string>{"--bogus", "1"},
                                       {"--listen"},
                                       {"--listen", "localhost"},
                                       {"--listen", "not-an-address:8082"},
                                       {"--listen", "127.0.0.1:70000"},
                                       {"--listen", "unix:"},
                                       {"--max-clients", "0"}}) {
    std::filesystem::remove(log);
    bad.insert(bad.begin(), PI_RELAY_BIN);
    pid_t pid = spawn(bad, 1, log);
    auto status = wait_exit(pid, 2s);
    ASSERT_TRUE(status) << bad[1];
    EXPECT_EQ(*status, 2) << bad[1];
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  }
  for (std::string bad : {"example.org", "https://example.org/", "https://ok.example, ftp://x"}) {
    std::filesystem::remove(log);
    pid_t pid = spawn({PI_RELAY_BIN}, 1, log, {.env = {{"PI_ALLOWED_ORIGINS", bad}}});
    auto status = wait_exit(pid, 2s);
    ASSERT_TRUE(status) << bad;
    EXPECT_EQ(*status, 2) << bad;
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_NE(text.find("PI_ALLOWED_ORIGINS"), std::string::npos) << text;
  }
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace pidigits::relay
