// Sentinel discovery, failover and WAIT, against real redis-server processes
// (a primary, a replica and a sentinel on spare loopback ports).
#include "pidigits/sentinel.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "pidigits/redis.h"
#include "testing/redis_server.h"

namespace pidigits {
namespace {
using namespace std::chrono_literals;
using testing::RedisServer;
using testing::SentinelServer;

constexpr const char* kPassword = "s3cret-for-tests";
constexpr const char* kMaster = "pidigits";

std::string role_of(const RedisServer& server) {
  RedisClient client(server.address(), 1s);
  Reply reply = client.command({"ROLE"});
  auto fields = reply.strings();
  return fields.empty() ? "" : fields.front();
}

// Polls `condition` every 100 ms for at most `limit`.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

// A failover done by hand: the sentinel names `primary` from now on.
void name_as_primary(const SentinelServer& sentinel, const RedisServer& primary) {
  RedisClient admin(RedisAddress("127.0.0.1", sentinel.port(), kPassword), 2s);
  ASSERT_TRUE(admin.command({"SENTINEL", "REMOVE", kMaster}).ok());
  ASSERT_TRUE(admin
                  .command({"SENTINEL", "MONITOR", kMaster, "127.0.0.1",
                            std::to_string(primary.port()), "1"})
                  .ok());
  ASSERT_TRUE(admin.command({"SENTINEL", "SET", kMaster, "auth-pass", kPassword}).ok());
}

// A primary with one replica and one sentinel, all with a password.
RedisAddress via_sentinels(std::vector<HostPort> sentinels, int min_replicas = 0) {
  RedisAddress address;
  address.sentinels = std::move(sentinels);
  address.master_name = kMaster;
  address.password = kPassword;
  address.min_replicas = min_replicas;
  return address;
}

class SentinelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    primary_ = std::make_unique<RedisServer>(std::vector<std::string>{}, kPassword);
    ASSERT_TRUE(primary_->ok());
    replica_ = std::make_unique<RedisServer>(
        std::vector<std::string>{"replicaof 127.0.0.1 " + std::to_string(primary_->port()),
                                 "enable-debug-command local"},  // DEBUG SLEEP below
        kPassword);
    ASSERT_TRUE(replica_->ok());
    sentinel_ = std::make_unique<SentinelServer>(kMaster, primary_->port(), kPassword);
    ASSERT_TRUE(sentinel_->ok());
    // A failover needs the sentinel to know the replica (from the primary's
    // INFO, polled every 10 s, but at once on start) and the replica to be in sync.
    RedisClient probe(primary_->address(), 1s);
    ASSERT_TRUE(eventually(
        [&] {
          Reply r = probe.command({"WAIT", "1", "100"});
          return r.integer().value_or(0) == 1;
        },
        10s));
    RedisClient sentinel(RedisAddress("127.0.0.1", sentinel_->port(), kPassword), 1s);
    ASSERT_TRUE(eventually([&] { return replica_known(sentinel); }, 15s));
  }

  // SENTINEL REPLICAS lists our replica, and its flags say it is healthy.
  bool replica_known(RedisClient& sentinel) {
    Reply reply = sentinel.command({"SENTINEL", "REPLICAS", kMaster});
    if (!reply.ok() || reply.get()->type != REDIS_REPLY_ARRAY || reply.get()->elements != 1) {
      return false;
    }
    const redisReply* fields = reply.get()->element[0];
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
      if (std::string_view(fields->element[i]->str) == "flags") {
        return std::string_view(fields->element[i + 1]->str) == "slave";
      }
    }
    return false;
  }

  std::unique_ptr<RedisServer> primary_, replica_;
  std::unique_ptr<SentinelServer> sentinel_;
};

TEST_F(SentinelTest, FindsThePrimaryThroughTheSentinel) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}), 2s);
  ASSERT_TRUE(client.command({"SET", "pi:test", "1"}).ok());
  RedisClient direct(primary_->address(), 1s);
  EXPECT_EQ(direct.command({"GET", "pi:test"}).string(), "1");
}

TEST_F(SentinelTest, SkipsASentinelThatDoesNotAnswer) {
  HostPort dead{"127.0.0.1", testing::spare_port()};
  RedisClient client(via_sentinels({dead, sentinel_->endpoint()}), 2s);
  EXPECT_TRUE(client.command({"PING"}).ok());
}

TEST_F(SentinelTest, UnknownMasterNameIsAClearError) {
  RedisAddress address = via_sentinels({sentinel_->endpoint()});
  address.master_name = "nope";
  RedisClient client(address, 2s);
  Reply reply = client.command({"PING"});
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().find("does not monitor a master named 'nope'"), std::string::npos)
      << reply.error();
}

TEST_F(SentinelTest, WrongPasswordIsRefusedAndNeverShown) {
  RedisAddress address = via_sentinels({sentinel_->endpoint()});
  address.password = "wrong-password";
  RedisClient client(address, 2s);
  Reply reply = client.command({"PING"});
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().find("AUTH failed"), std::string::npos) << reply.error();
  EXPECT_EQ(reply.error().find("wrong-password"), std::string::npos) << reply.error();
  EXPECT_EQ(describe(address).find(kPassword), std::string::npos);
  EXPECT_EQ(describe(address).find("wrong-password"), std::string::npos);
}

TEST_F(SentinelTest, CheckPrimaryRefusesAReplica) {
  size_t preferred = 0;
  std::string error;
  auto located = locate_redis(via_sentinels({sentinel_->endpoint()}), &preferred, &error);
  ASSERT_TRUE(located) << error;
  EXPECT_EQ(located->port, primary_->port());

  redisContext* c = redisConnect("127.0.0.1", replica_->port());
  ASSERT_TRUE(c != nullptr && c->err == 0);
  ASSERT_TRUE(authenticate(c, kPassword, false, &error)) << error;
  EXPECT_FALSE(check_primary(c, &error));
  EXPECT_NE(error.find("replica"), std::string::npos) << error;
  redisFree(c);
}

// The sentinel's failover promotes the replica and demotes the primary. Until
// the demotion the old primary still takes writes that the failover will
// drop: WAIT is what tells an acknowledged write from those. The client ends
// up on the promoted replica (the demoted node answers READONLY, or the
// sentinel closes its connections), and what it acknowledged is there.
TEST_F(SentinelTest, FollowsThePrimaryThroughAFailover) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}, 1), 2s);
  ASSERT_TRUE(client.command({"SET", "pi:before", "1"}).ok());
  std::string error;
  ASSERT_TRUE(client.wait_for_replicas().ok());
  RedisClient admin(RedisAddress("127.0.0.1", sentinel_->port(), kPassword), 2s);
  Reply failover = admin.command({"SENTINEL", "FAILOVER", kMaster});
  ASSERT_TRUE(failover.ok()) << failover.error();
  ASSERT_TRUE(eventually([&] { return role_of(*replica_) == "master"; }, 15s));

  int unconfirmed = 0;
  std::string acknowledged;
  ASSERT_TRUE(eventually(
      [&] {
        std::string value = std::to_string(unconfirmed);
        if (client.command({"SET", "pi:after", value}).ok() && client.wait_for_replicas().ok()) {
          acknowledged = value;
          return true;
        }
        ++unconfirmed;
        return false;
      },
      30s));
  RedisClient promoted(replica_->address(), 1s);
  EXPECT_EQ(promoted.command({"GET", "pi:before"}).string(), "1");
  EXPECT_EQ(promoted.command({"GET", "pi:after"}).string(), acknowledged);
  std::printf("%d writes not confirmed during the failover\n", unconfirmed);
}

// A primary lost for good: the sentinel promotes the replica on its own.
TEST_F(SentinelTest, FindsTheNewPrimaryAfterThePrimaryDies) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}, 1), 2s);
  ASSERT_TRUE(client.command({"SET", "pi:acknowledged", "1"}).ok());
  std::string error;
  ASSERT_TRUE(client.wait_for_replicas().ok());
  primary_->kill_now();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return client.command({"SET", "pi:later", "2"}).ok(); }, 30s));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(role_of(*replica_), "master");
  RedisClient promoted(replica_->address(), 1s);
  EXPECT_EQ(promoted.command({"GET", "pi:acknowledged"}).string(), "1");
  std::printf(
      "failover seen by the client after %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

// A node demoted behind the client's back (no sentinel closed the
// connection): the write gets READONLY, and the retry goes to the primary the
// sentinel names now.
TEST(SentinelReadOnly, ReadOnlyMakesTheClientAskAgain) {
  RedisServer first({}, kPassword), second({}, kPassword);
  ASSERT_TRUE(first.ok() && second.ok());
  SentinelServer sentinel(kMaster, first.port(), kPassword);
  ASSERT_TRUE(sentinel.ok());
  RedisClient client(via_sentinels({sentinel.endpoint()}), 2s);
  ASSERT_TRUE(client.command({"SET", "pi:where", "first"}).ok());

  ASSERT_NO_FATAL_FAILURE(name_as_primary(sentinel, second));
  RedisClient demote(first.address(), 2s);
  ASSERT_TRUE(demote.command({"REPLICAOF", "127.0.0.1", std::to_string(second.port())}).ok());

  Reply reply = client.command({"SET", "pi:where", "second"});
  ASSERT_TRUE(reply.ok()) << reply.error();
  RedisClient check(second.address(), 1s);
  EXPECT_EQ(check.command({"GET", "pi:where"}).string(), "second");
}

// A primary that goes silent (its host cut off): the first connection of the
// process that times out cuts the others to it short, so a thread blocked on
// one retries on the new primary at once instead of waiting out its own,
// longer timeout.
TEST(SentinelSilentPrimary, OneTimeoutCutsTheOtherConnectionsShort) {
  RedisServer first({}, kPassword), second({}, kPassword);
  ASSERT_TRUE(first.ok() && second.ok());
  SentinelServer sentinel(kMaster, first.port(), kPassword);
  ASSERT_TRUE(sentinel.ok());
  const RedisAddress address = via_sentinels({sentinel.endpoint()});
  RedisClient quick(address, 1s), patient(address, 20s);
  ASSERT_TRUE(quick.command({"PING"}).ok());
  ASSERT_TRUE(patient.command({"PING"}).ok());

  first.freeze();
  // The failover, done by hand: the sentinel names the second server now.
  ASSERT_NO_FATAL_FAILURE(name_as_primary(sentinel, second));

  Reply patient_reply = Reply::failure("not run");
  std::chrono::steady_clock::duration took{};
  std::thread blocked([&] {
    auto start = std::chrono::steady_clock::now();
    patient_reply = patient.command({"SET", "pi:where", "second"});
    took = std::chrono::steady_clock::now() - start;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(quick.command({"PING"}).ok());  // times out after 1 s
  blocked.join();
  first.thaw();
  ASSERT_TRUE(patient_reply.ok()) << patient_reply.error();
  EXPECT_LT(took, 5s);  // not its own 20 s
  RedisClient check(second.address(), 1s);
  EXPECT_EQ(check.command({"GET", "pi:where"}).string(), "second");
}

TEST_F(SentinelTest, WaitConfirmsAWriteOnTheReplica) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}, 1), 2s);
  ASSERT_TRUE(client.command({"SET", "pi:durable", "1"}).ok());
  std::string error;
  EXPECT_TRUE(client.wait_for_replicas().ok());
  RedisClient replica(replica_->address(), 1s);
  EXPECT_EQ(replica.command({"GET", "pi:durable"}).string(), "1");
}

TEST_F(SentinelTest, WaitFailsWhenTooFewReplicasConfirm) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}, 2), 2s);
  ASSERT_TRUE(client.command({"SET", "pi:durable", "1"}).ok());
  auto start = std::chrono::steady_clock::now();
  Status waited = client.wait_for_replicas();
  EXPECT_FALSE(waited.ok());
  const std::string& error = waited.message();
  EXPECT_NE(error.find("only 1 of 2 replicas"), std::string::npos) << error;
  // Bounded by the client's timeout (half of 2 s), not the WAIT's default of forever.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(SentinelTest, WaitFailsWhenTheReplicaIsStuck) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}, 1), 2s);
  ASSERT_TRUE(client.command({"PING"}).ok());
  RedisClient replica(replica_->address(), 3s);
  // The replica sleeps on the server side: it cannot acknowledge anything.
  std::thread sleeper([&] { replica.command({"DEBUG", "SLEEP", "2"}); });
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(client.command({"SET", "pi:durable", "2"}).ok());
  Status waited = client.wait_for_replicas();
  EXPECT_FALSE(waited.ok());
  const std::string& error = waited.message();
  EXPECT_NE(error.find("only 0 of 1"), std::string::npos) << error;
  sleeper.join();
}

TEST_F(SentinelTest, WaitRefusesToVouchForAnotherConnectionsWrite) {
  RedisClient client(via_sentinels({sentinel_->endpoint()}, 1), 2s);
  ASSERT_TRUE(client.command({"CLIENT", "SETNAME", "victim"}).ok());
  ASSERT_TRUE(client.command({"SET", "pi:durable", "3"}).ok());
  RedisClient killer(primary_->address(), 1s);
  ASSERT_TRUE(killer.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).ok());
  EXPECT_FALSE(client.wait_for_replicas().ok());
  // Reconnected by the next command, the client still cannot vouch for the
  // earlier write: only a command on the new connection can be confirmed.
  ASSERT_TRUE(client.connect());
  Status waited = client.wait_for_replicas();
  EXPECT_FALSE(waited.ok());
  const std::string& error = waited.message();
  EXPECT_NE(error.find("connection to Redis changed"), std::string::npos) << error;
  ASSERT_TRUE(client.command({"SET", "pi:durable", "4"}).ok());
  EXPECT_TRUE(client.wait_for_replicas().ok());
}

TEST(WaitForReplicas, ConfirmsAtOnceWhenNoReplicasAreAskedFor) {
  // Nothing listens there: no round trip is made.
  RedisClient client(RedisAddress("127.0.0.1", testing::spare_port()), 1s);
  EXPECT_TRUE(client.wait_for_replicas().ok());
}

TEST(Describe, NamesSentinelsWithoutThePassword) {
  RedisAddress address;
  address.sentinels = {{"10.0.0.1", 26379}, {"::1", 26380}};
  address.master_name = "pidigits";
  address.password = "hidden";
  EXPECT_EQ(describe(address), "primary 'pidigits' via sentinels 10.0.0.1:26379,::1:26380");
  EXPECT_EQ(describe(RedisAddress("h", 1, "hidden")), "h:1");
}

}  // namespace
}  // namespace pidigits
