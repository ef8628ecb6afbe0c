// Handlers through route(), against a real Redis and the test templates.
#include <gtest/gtest.h>

#include <set>

#include "pidigits/keys.h"
#include "router.h"
#include "testing/app_test.h"
#include "validation.h"

namespace pidigits::fcgi {
namespace {
using nlohmann::json;

HttpRequest make_request(std::string method, std::string path, std::string query = "",
                         std::string content_type = "", std::string body = "",
                         std::string accept = "*/*") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.content_type = std::move(content_type);
  request.accept = std::move(accept);
  request.body = std::move(body);
  return request;
}

class ApiTest : public testing::AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    config_.max_digits = 100'000'000;
    config_.max_queue = 3;
    config_.worker_memory = 0;  // no memory check unless a test sets one
  }
  Response call(std::string method, std::string path, std::string query = "",
                std::string content_type = "", std::string body = "", std::string accept = "*/*") {
    return route_request(make_request(std::move(method), std::move(path), std::move(query),
                                      std::move(content_type), std::move(body), std::move(accept)));
  }
  Response post_json(const std::string& body) {
    return call("POST", "/api/tasks", "", "application/json", body);
  }
  static json body(const Response& r) { return json::parse(r.body); }
};

TEST_F(ApiTest, PostCreatesThenReturnsTheExistingTask) {
  Response created = post_json(R"({"n": 5})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("Location"), "/api/tasks/5");
  EXPECT_EQ(created.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(body(created)["status"], "queued");
  EXPECT_EQ(body(created)["url"], "/pi/5");
  Response existing = call("POST", "/api/tasks", "", "application/x-www-form-urlencoded", "n=5");
  EXPECT_EQ(existing.status, 200);
  EXPECT_EQ(body(existing)["id"], body(created)["id"]);
  Response got = call("GET", "/api/tasks/5");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(body(got)["n"], 5);
}

// Owner tokens come from a pool of random bytes refilled every 16 tokens:
// across refills every new task still gets a token of its own.
TEST_F(ApiTest, EveryNewTaskGetsItsOwnOwnerToken) {
  config_.max_queue = 100;
  config_.max_queued_per_client = 0;  // no limit
  std::set<std::string> tokens;
  for (int n = 1; n <= 40; ++n) {
    Response created = post_json("{\"n\": " + std::to_string(n) + "}");
    ASSERT_EQ(created.status, 201) << created.body;
    std::string cookie = created.header("Set-Cookie");
    ASSERT_EQ(cookie.rfind("pi_owner=", 0), 0u) << cookie;
    std::string token = cookie.substr(9, cookie.find(';') - 9);
    ASSERT_EQ(token.size(), 32u) << cookie;
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    tokens.insert(token);
  }
  EXPECT_EQ(tokens.size(), 40u);
}

TEST_F(ApiTest, BadInputIs400And415And413AndWritesNothing) {
  Response bad = post_json(R"({"n": "abc"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body(bad)["error"],
            "n must be an integer from 1 to 100000000; got \"abc\" (write it as a JSON number, "
            "without quotes)");
  EXPECT_EQ(call("POST", "/api/tasks", "", "text/plain", "n=5").status, 415);
  App app{config_, *redis_, *templates_, cache_};
  HttpRequest big =
      make_request("POST", "/api/tasks", "", "application/json", std::string(kMaxBodyBytes, ' '));
  big.body_too_large = true;
  Response too_large = route(big, app);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(body(too_large)["error"], "the body is larger than 4096 bytes; send {\"n\": N}");
  EXPECT_EQ(integer({"DBSIZE"}), 0);
}

TEST_F(ApiTest, FullQueueIs429WithRetryAfter) {
  for (int n = 1; n <= 3; ++n)
    ASSERT_EQ(post_json("{\"n\": " + std::to_string(n) + "}").status, 201);
  Response full = post_json(R"({"n": 4})");
  EXPECT_EQ(full.status, 429);
  EXPECT_EQ(full.header("Retry-After"), "5");
  EXPECT_EQ(body(full)["error"], "the queue is full (3 tasks waiting); try again in a few seconds");
  EXPECT_EQ(integer({"EXISTS", keys::task(4)}), 0);
}

TEST_F(ApiTest, TooMuchMemoryIs422UnlessCached) {
  config_.worker_memory = 1;  // nothing fits
  Response refused = post_json(R"({"n": 1000})");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(body(refused)["error"].get<std::string>().find("more than a worker may use"),
            std::string::npos);
  put_digits("3." + std::string(1000, '7'));
  EXPECT_EQ(post_json(R"({"n": 1000})").status, 201);
}

TEST_F(ApiTest, CachedAnswerIsImmediate) {
  put_digits("3.14159");
  Response r = post_json(R"({"n": 4})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(body(r)["status"], "done");
  EXPECT_EQ(body(r)["digit"], 5);
  EXPECT_EQ(body(r)["source"], "cached");
}

TEST_F(ApiTest, BrowserFormGetsRedirectOrHtmlError) {
  const char* html = "text/html,application/xhtml+xml";
  Response ok = call("POST", "/api/tasks", "", "application/x-www-form-urlencoded", "n=8", html);
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.header("Location"), "/#task-8");
  Response bad = call("POST", "/api/tasks", "", "application/x-www-form-urlencoded", "n=x", html);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.content_type, "text/html; charset=utf-8");
  EXPECT_NE(bad.body.find("&quot;x&quot; is not a whole number"), std::string::npos) << bad.body;
}

// A form carries what a person typed: the typed-number rule (parse_typed_n).
TEST_F(ApiTest, FormPostsTakeNumbersAsPeopleTypeThem) {
  const char* form = "application/x-www-form-urlencoded";
  EXPECT_EQ(body(call("POST", "/api/tasks", "", form, "n=1%2C000"))["n"], 1000);
  EXPECT_EQ(body(call("POST", "/api/tasks", "", form, "n=+2+000+"))["n"], 2000);
  EXPECT_EQ(body(call("POST", "/api/tasks", "", form, "n=%EF%BC%94%EF%BC%92"))["n"], 42);
  Response bad = call("POST", "/api/tasks", "", form, "n=1%2C00");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(body(bad)["error"].get<std::string>().find("grouped by threes"), std::string::npos);
  // The JSON API stays strict.
  EXPECT_EQ(post_json(R"({"n": "1,000"})").status, 400);
}

TEST_F(ApiTest, GoToBoxRedirectsToTheTaskPage) {
  Response jump = call("GET", "/", "n=1%2C000");
  EXPECT_EQ(jump.status, 303);
  EXPECT_EQ(jump.header("Location"), "/pi/1000");
  Response bad = call("GET", "/", "n=abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("is not a whole number"), std::string::npos) << bad.body;
}

TEST_F(ApiTest, IndexKeepsOlderActiveTasksOnTheFirstPageAndLinksBack) {
  for (int n : {101, 102, 103}) post_json("{\"n\": " + std::to_string(n) + "}");
  Response first = call("GET", "/", "limit=2");
  ASSERT_EQ(first.status, 200);
  // 101 is older than the page's two rows, and queued: it is shown above them.
  const size_t active = first.body.find("<tbody id=\"active-rows\">");
  ASSERT_NE(active, std::string::npos) << first.body;
  const size_t rows = first.body.find("<tbody id=\"task-rows\">");
  const size_t row101 = first.body.find("id=\"task-101\"");
  EXPECT_TRUE(active < row101 && row101 < rows) << first.body;
  EXPECT_EQ(first.body.find("id=\"task-101\"", row101 + 1), std::string::npos);  // once
  EXPECT_NE(first.body.find("Queued 3"), std::string::npos) << first.body;
  EXPECT_EQ(first.body.find("id=\"newer\""), std::string::npos);
  // An older page links to the newest tasks of the same filter.
  Response older = call("GET", "/", "status=queued&before=102");
  EXPECT_NE(older.body.find("<a id=\"newer\" href=\"/?status=queued\">"), std::string::npos)
      << older.body;
  EXPECT_EQ(older.body.find("active-rows"), std::string::npos);
  EXPECT_NE(older.body.find("aria-current=\"page\">Queued"), std::string::npos) << older.body;
}

TEST_F(ApiTest, ListsTasksWithSeqAndNextBefore) {
  for (int n : {11, 12, 13}) post_json("{\"n\": " + std::to_string(n) + "}");
  Response page = call("GET", "/api/tasks", "limit=2");
  ASSERT_EQ(page.status, 200);
  json j = body(page);
  EXPECT_EQ(j["tasks"].size(), 2u);
  EXPECT_EQ(j["tasks"][0]["n"], 13);
  EXPECT_EQ(j["seq"], 3);  // one event per new task
  EXPECT_EQ(j["counts"]["queued"], 3);
  EXPECT_EQ(j["counts"]["done"], 0);
  EXPECT_EQ(j["next_before"], 2);
  json rest = body(call("GET", "/api/tasks", "limit=2&before=2"));
  EXPECT_EQ(rest["tasks"].size(), 1u);
  EXPECT_TRUE(rest["next_before"].is_null());
  EXPECT_EQ(call("GET", "/api/tasks", "limit=0").status, 400);
  EXPECT_EQ(call("GET", "/api/tasks", "before=abc").status, 400);
}

TEST_F(ApiTest, MissingTaskIs404AndBadNIs400) {
  Response missing = call("GET", "/api/tasks/77");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body(missing)["error"], "no task for n=77; create it with POST /api/tasks");
  EXPECT_EQ(call("GET", "/api/tasks/0").status, 400);
  EXPECT_EQ(call("GET", "/api/tasks/100000001").status, 400);
  EXPECT_EQ(call("GET", "/api/tasks/1.5").status, 400);
}

TEST_F(ApiTest, HealthzReportsQueueAndWorkers) {
  post_json(R"({"n": 3})");
  redis_->command({"SADD", keys::workers(), "w1"});
  Response r = call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r), (json{{"status", "ok"}, {"queue", 1}, {"workers", 1}, {"digits", 0}}));
}

TEST_F(ApiTest, HealthzCachedOnlyWhileSubscribed) {
  cache_.done.subscribed(false);
  ASSERT_EQ(call("GET", "/healthz").status, 200);  // read and kept
  RedisAddress nowhere = server_->address();
  nowhere.port = testing::spare_port();
  RedisClient down(nowhere, std::chrono::seconds(1));
  App app{config_, down, *templates_, cache_};
  auto health = [&] { return route(make_request("GET", "/healthz"), app).status; };
  EXPECT_EQ(health(), 200) << "the answer kept while subscribed";
  cache_.done.lost();
  EXPECT_EQ(health(), 503) << "subscription lost: Redis is read again";
}

TEST_F(ApiTest, RedisDownIs503EverywhereWithoutHanging) {
  RedisAddress nowhere = server_->address();
  nowhere.port = testing::spare_port();
  RedisClient down(nowhere, std::chrono::seconds(1));
  App app{config_, down, *templates_, cache_};
  auto run = [&](std::string method, std::string path, std::string type = "", std::string b = "") {
    return route(make_request(method, path, "", type, b), app);
  };
  Response health = run("GET", "/healthz");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(body(health)["error"].get<std::string>().rfind("Redis unavailable: ", 0), 0u);
  EXPECT_EQ(run("POST", "/api/tasks", "application/json", R"({"n": 1})").status, 503);
  EXPECT_EQ(run("GET", "/api/tasks").status, 503);
  EXPECT_EQ(run("GET", "/api/tasks/1").status, 503);
  EXPECT_EQ(run("GET", "/pi/1.txt").status, 503);
  Response page = run("GET", "/");
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(run("GET", "/pi/5").status, 503);
}

TEST_F(ApiTest, WrongMethodIs405WithAllow) {
  Response r = call("DELETE", "/api/tasks");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(body(r)["error"],
            "method \"DELETE\" is not allowed on \"/api/tasks\"; use GET, HEAD, POST");
  EXPECT_EQ(call("POST", "/").header("Allow"), "GET, HEAD");
  EXPECT_EQ(call("PUT", "/pi/3").status, 405);
  Response on_task = call("POST", "/api/tasks/3");
  EXPECT_EQ(on_task.status, 405);
  EXPECT_EQ(on_task.header("Allow"), "GET, HEAD, DELETE");
  Response get_cancel = call("GET", "/api/tasks/3/cancel");
  EXPECT_EQ(get_cancel.status, 405);
  EXPECT_EQ(get_cancel.header("Allow"), "POST");
  EXPECT_EQ(call("PUT", "/api/tasks/3/retry").header("Allow"), "POST");
  Response head_cancel = call("HEAD", "/api/tasks/1000/cancel");
  EXPECT_EQ(head_cancel.status, 405);
  EXPECT_EQ(head_cancel.header("Allow"), "POST");
  EXPECT_EQ(call("DELETE", "/pi/3.txt").header("Allow"), "GET, HEAD");
  EXPECT_EQ(call("POST", "/healthz").header("Allow"), "GET, HEAD");
}

TEST_F(ApiTest, ExtraPathSegmentsAre404) {
  for (const char* path :
       {"/api/tasks/3/cancel/now", "/api/tasks/3/x", "/pi/3/4", "/pi/3.txt/x", "/healthz/x"}) {
    EXPECT_EQ(call("GET", path).status, 404) << path;
    EXPECT_EQ(call("POST", path).status, 404) << path;
  }
  EXPECT_EQ(call("GET", "/api/tasks/3/cancel/now").content_type, "application/json; charset=utf-8");
}

TEST_F(ApiTest, UnknownQueryParametersAre400OnTheApiAndIgnoredOnPages) {
  Response list = call("GET", "/api/tasks", "limit=2&sort=n");
  EXPECT_EQ(list.status, 400);
  EXPECT_EQ(body(list)["error"],
            "unknown parameter \"sort\" on \"/api/tasks\"; it takes limit, before, status");
  Response task = call("GET", "/api/tasks/3", "verbose=1");
  EXPECT_EQ(task.status, 400);
  EXPECT_EQ(body(task)["error"],
            "unknown parameter \"verbose\" on \"/api/tasks/3\"; it takes no query parameters");
  EXPECT_EQ(call("POST", "/api/tasks", "x=1", "application/json", R"({"n": 5})").status, 400);
  EXPECT_EQ(integer({"EXISTS", keys::task(5)}), 0);
  EXPECT_EQ(call("GET", "/api/tasks", "limit=2").status, 200);

  post_json(R"({"n": 31})");
  EXPECT_EQ(call("GET", "/", "utm_source=x&limit=5").status, 200);
  EXPECT_EQ(call("GET", "/", "utm_source=x&limit=0").status, 400);  // known ones still checked
  EXPECT_EQ(call("GET", "/pi/31", "ref=x").status, 200);
  EXPECT_EQ(call("GET", "/pi/31", "ref=x&from=99").status, 400);
}

TEST_F(ApiTest, ChangesFromAnotherSiteAre403AndNothingIsWritten) {
  App app{config_, *redis_, *templates_, cache_};
  auto post_from = [&](std::string origin, std::string fetch_site = "") {
    HttpRequest r = make_request("POST", "/api/tasks", "", "application/json", R"({"n": 9})");
    r.host = "pi.example:8080";
    r.origin = std::move(origin);
    r.fetch_site = std::move(fetch_site);
    return route(r, app);
  };
  Response foreign = post_from("https://evil.example");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_NE(body(foreign)["error"].get<std::string>().find("another site"), std::string::npos);
  EXPECT_EQ(post_from("null").status, 403);
  EXPECT_EQ(post_from("", "cross-site").status, 403);
  EXPECT_EQ(post_from("http://pi.example").status, 403);  // another port is another origin
  EXPECT_EQ(integer({"EXISTS", keys::task(9)}), 0);
  EXPECT_EQ(post_from("http://pi.example:8080", "same-origin").status, 201);
  config_.allowed_origins = {"https://friend.example"};
  EXPECT_EQ(post_from("https://friend.example").status, 200);
  // An API client sends no Origin.
  EXPECT_EQ(post_from("").status, 200);
  EXPECT_EQ(call("GET", "/api/tasks/9").status, 200);
}

TEST_F(ApiTest, UnknownPathIs404JsonUnderApiAndHtmlElsewhere) {
  Response api = call("GET", "/api/nope");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.content_type, "application/json; charset=utf-8");
  Response page = call("GET", "/nope<script>");
  EXPECT_EQ(page.status, 404);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
}

TEST_F(ApiTest, IndexPageListsTasks) {
  post_json(R"({"n": 31})");
  Response r = call("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("task-31"), std::string::npos) << r.body;
  EXPECT_EQ(call("GET", "/", "before=x").status, 400);
}

TEST_F(ApiTest, PiPageShowsDigitsStatusOrOffer) {
  Response offer = call("GET", "/pi/20");
  EXPECT_EQ(offer.status, 404);
  EXPECT_NE(offer.body.find("value=\"20\""), std::string::npos) << offer.body;
  post_json(R"({"n": 20})");
  Response pending = call("GET", "/pi/20");
  EXPECT_EQ(pending.status, 200);
  EXPECT_NE(pending.body.find("class=\"status\">queued 0%"), std::string::npos) << pending.body;
  put_digits("3.14159265358979323846", 8);
  Response shown = call("GET", "/pi/20");
  EXPECT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("3.<span>1415926535</span><span>897932384<mark>6</mark></span>"),
            std::string::npos)
      << shown.body;
  EXPECT_NE(shown.body.find("<p class=\"answer\">Decimal 20 is 6</p>"), std::string::npos)
      << shown.body;
  // An n without a task: the digit is read from the stored digits.
  Response untasked = call("GET", "/pi/7");
  EXPECT_EQ(untasked.status, 200);
  EXPECT_NE(untasked.body.find("<p class=\"answer\">Decimal 7 is 6</p>"), std::string::npos)
      << untasked.body;
  EXPECT_EQ(call("GET", "/pi/20", "from=21").status, 400);
  EXPECT_EQ(call("GET", "/pi/abc").status, 400);
  EXPECT_EQ(call("GET", "/pi/100000001").status, 400);
}

TEST_F(ApiTest, PiTextStreamsExactlyNDecimals) {
  EXPECT_EQ(call("GET", "/pi/5.txt").status, 404);
  std::string digits = "3.";
  for (int i = 0; i < (1 << 20) + 100; ++i) digits.push_back(static_cast<char>('0' + i % 7));
  put_digits(digits, 300'000);        // several chunks
  const uint64_t n = (1 << 20) + 50;  // more than one chunk
  Response r = call("GET", "/pi/" + std::to_string(n) + ".txt");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(r.stream_length, n + 2);
  ASSERT_TRUE(r.stream);
  std::string out;
  int chunks = 0;
  EXPECT_TRUE(r.stream([&](std::string_view bytes) {
    out.append(bytes);
    ++chunks;
    return true;
  }));
  EXPECT_EQ(chunks, 2);
  EXPECT_EQ(out, digits.substr(0, n + 2));
  EXPECT_NE(header_block(r).find("Content-Length: " + std::to_string(n + 2) + "\r\n"),
            std::string::npos);
}

TEST_F(ApiTest, PiTextAnswersRangesAndConditionalRequests) {
  put_digits("3.14159265358979323846");
  auto get = [&](std::string range, std::string if_none_match = "", std::string if_range = "") {
    App app{config_, *redis_, *templates_, cache_};
    HttpRequest request{"GET", "/pi/20.txt", "", "", "*/*", "", false};
    request.range = std::move(range);
    request.if_none_match = std::move(if_none_match);
    request.if_range = std::move(if_range);
    return route(request, app);
  };
  auto body_of = [](const Response& r) {
    std::string out;
    if (r.stream) r.stream([&](std::string_view bytes) { return out.append(bytes), true; });
    return out;
  };
  Response whole = get("");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("ETag"), "\"pi-20\"");
  EXPECT_EQ(whole.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(body_of(whole), "3.14159265358979323846");

  Response part = get("bytes=2-11");
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("Content-Range"), "bytes 2-11/22");
  EXPECT_EQ(part.stream_length, 10u);
  EXPECT_EQ(body_of(part), "1415926535");
  EXPECT_EQ(body_of(get("bytes=-3")), "846");
  EXPECT_NE(header_block(part).find("Status: 206 Partial Content\r\n"), std::string::npos);

  Response beyond = get("bytes=22-");
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.header("Content-Range"), "bytes */22");
  // A range of another representation than the client's is no use: the whole body.
  EXPECT_EQ(get("bytes=2-11", "", "\"pi-19\"").status, 200);
  EXPECT_EQ(get("bytes=2-11", "", "\"pi-20\"").status, 206);

  Response unchanged = get("", "\"pi-20\"");
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_EQ(header_block(unchanged).find("Content-Length"), std::string::npos);
  EXPECT_EQ(get("", "\"pi-21\"").status, 200);
}

TEST_F(ApiTest, PagesCarryTheContentSecurityPolicyAndJsonDoesNot) {
  post_json(R"({"n": 31})");
  for (const char* path : {"/", "/pi/31", "/pi/abc", "/nope"}) {
    std::string headers = header_block(call("GET", path));
    EXPECT_NE(headers.find("Content-Security-Policy: default-src 'self'"), std::string::npos)
        << path << headers;
    EXPECT_EQ(headers.find("unsafe-inline"), std::string::npos) << path;
  }
  EXPECT_EQ(header_block(call("GET", "/api/tasks/31")).find("Content-Security-Policy"),
            std::string::npos);
}

// Tasks are rendered once per version: a new version is seen at once.
TEST_F(ApiTest, ANewVersionOfATaskIsServedAtOnce) {
  post_json(R"({"n": 31})");
  EXPECT_EQ(body(call("GET", "/api/tasks/31"))["stage"], "scheduled");
  EXPECT_NE(call("GET", "/").body.find("<td>queued</td>"), std::string::npos);
  redis_->command({"HSET", keys::task(31), "stage", "taken"});
  redis_->command({"HINCRBY", keys::task(31), "version", "1"});
  EXPECT_EQ(body(call("GET", "/api/tasks/31"))["stage"], "taken");
  EXPECT_EQ(body(call("GET", "/api/tasks"))["tasks"][0]["stage"], "taken");
  EXPECT_NE(call("GET", "/").body.find("<td>running</td>"), std::string::npos);
  // A page shows the events' sequence number too: a new one is a new page.
  const int64_t seq = integer({"GET", keys::event_seq()});
  EXPECT_NE(call("GET", "/").body.find("data-seq=\"" + std::to_string(seq) + "\""),
            std::string::npos);
  redis_->command({"INCR", keys::event_seq()});
  EXPECT_NE(call("GET", "/").body.find("data-seq=\"" + std::to_string(seq + 1) + "\""),
            std::string::npos);
  // The digits page follows the task's version the same way.
  put_digits("3.14159265358979323846264338327950288");
  EXPECT_NE(call("GET", "/pi/31").body.find("<p class=\"task\">running</p>"), std::string::npos);
  redis_->command({"HSET", keys::task(31), "stage", "stored", "digit", "0"});
  redis_->command({"HINCRBY", keys::task(31), "version", "1"});
  EXPECT_NE(call("GET", "/pi/31").body.find("<p class=\"task\">done</p>"), std::string::npos);
}

TEST_F(ApiTest, ListingsOfDoneTasksAreKeptWhileTheEventsSeqStays) {
  put_digits("3.14159");
  for (int n = 1; n <= 3; ++n) {
    ASSERT_EQ(post_json("{\"n\": " + std::to_string(n) + "}").status, 201);
  }
  EXPECT_EQ(body(call("GET", "/api/tasks"))["tasks"][0]["digit"], 1);  // n = 3, the newest
  EXPECT_NE(call("GET", "/").body.find("<td>done</td>"), std::string::npos);
  // A change that does not move seq (by hand: the life cycle always moves
  // it) is not seen: the listings are not read again...
  redis_->command({"HSET", keys::task(3), "digit", "8"});
  redis_->command({"HINCRBY", keys::task(3), "version", "1"});
  EXPECT_EQ(body(call("GET", "/api/tasks"))["tasks"][0]["digit"], 1);
  EXPECT_NE(call("GET", "/").body.find("<td>3</td><td>done</td><td>1</td>"), std::string::npos);
  // ...until seq moves, as with every change the life cycle makes.
  redis_->command({"INCR", keys::event_seq()});
  EXPECT_EQ(body(call("GET", "/api/tasks"))["tasks"][0]["digit"], 8);
  EXPECT_NE(call("GET", "/").body.find("<td>3</td><td>done</td><td>8</td>"), std::string::npos);
  // Each query has its own listing.
  EXPECT_EQ(body(call("GET", "/api/tasks", "limit=1"))["tasks"].size(), 1u);
  EXPECT_EQ(body(call("GET", "/api/tasks", "limit=2"))["tasks"].size(), 2u);
  EXPECT_EQ(body(call("GET", "/api/tasks", "status=queued"))["tasks"].size(), 0u);
  // A new task is on the next listing.
  ASSERT_EQ(post_json(R"({"n": 4})").status, 201);
  EXPECT_EQ(body(call("GET", "/api/tasks"))["tasks"].size(), 4u);
  EXPECT_NE(call("GET", "/").body.find("id=\"task-4\""), std::string::npos);
}

TEST(ResponseTest, HeaderBlockHasTheDefaults) {
  Response r = json_error(404, "x");
  EXPECT_EQ(
      header_block(r),
      "Status: 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Content-Length: 13\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n");
  EXPECT_EQ(dump_json(json{{"e", std::string("\xff")}}), "{\"e\":\"\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace pidigits::fcgi
