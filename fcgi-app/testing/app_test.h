// Fixture for handlers through route(): a real Redis (RedisTest), the test
// templates, a Config the test adjusts, and the process's render caches.
#pragma once

#include <memory>
#include <string>

#include "app.h"
#include "render_cache.h"
#include "router.h"
#include "templates.h"
#include "testing/redis_test.h"

namespace pidigits::fcgi::testing {

class AppTest : public RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    std::string error;
    auto texts = load_templates(PI_FCGI_TESTDATA, &error);
    ASSERT_TRUE(texts) << error;
    templates_ = std::make_unique<Templates>(*texts);
  }
  Response route_request(const HttpRequest& request) {
    App app{config_, *redis_, *templates_, cache_};
    return route(request, app);
  }

  Config config_;
  std::unique_ptr<Templates> templates_;
  RenderCaches cache_;
};

}  // namespace pidigits::fcgi::testing
