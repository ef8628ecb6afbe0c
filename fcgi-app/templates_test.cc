#include "templates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "views.h"

namespace pidigits::fcgi {
namespace {
using nlohmann::json;

TemplateTexts test_texts() {
  std::string error;
  auto texts = load_templates(PI_FCGI_TESTDATA, &error);
  EXPECT_TRUE(texts) << error;
  return texts.value_or(TemplateTexts{});
}

std::string render(Templates& templates, Page page, const json& view) {
  auto data = to_data(view);
  std::string out, error;
  EXPECT_TRUE(templates.render(page, data, &out, &error)) << error;
  return out;
}

// The task JSON at time 0: rows of these tests show no ETA.
json to_json(const Task& task) { return pidigits::to_json(task, 0); }

Task failed_task(uint64_t n, std::string error) {
  Task t;
  t.n = n;
  t.id = 3;
  t.stage = Stage::kError;
  t.error = std::move(error);
  return t;
}

// The index as pages.cc builds it: rows rendered by the row template, then
// inserted as rows_html.
std::string index_html(Templates& templates, int64_t seq, uint64_t next_before,
                       const std::vector<Task>& tasks) {
  std::string rows;
  for (const Task& task : tasks) rows += render(templates, Page::kRow, row_view(to_json(task)));
  IndexListing listing;
  listing.seq = seq;
  listing.next_before = next_before;
  listing.has_tasks = !tasks.empty();
  json view = index_view(listing, 1000, templates.row_text());
  view["rows_html"] = rows;
  return render(templates, Page::kIndex, view);
}

std::string pi_html(Templates& templates, uint64_t n, std::string_view decimals) {
  PiWindow w = pi_window(n, 0);
  json view = pi_view(n, w, std::nullopt, 100);
  view["digits_html"] = render(templates, Page::kDigits, digits_view(n, w, decimals));
  return render(templates, Page::kPi, view);
}

TEST(TemplatesTest, IndexInsertsRenderedRowsAndEscapesHtml) {
  Templates templates(test_texts());
  std::string html = index_html(templates, 9, 3, {failed_task(77, "<script>alert(1)</script>")});
  EXPECT_NE(html.find("<tr id=\"task-77\" data-id=\"3\">"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script>alert"), std::string::npos) << html;
  EXPECT_NE(html.find("data-seq=\"9\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/?before=3\""), std::string::npos);
  // The row template itself goes out raw, for the browser to render.
  EXPECT_NE(html.find("<script id=\"row-template\" type=\"text/x-mustache\"><tr id=\"task-{{n}}\""),
            std::string::npos);
}

TEST(TemplatesTest, PiPageMarksTheNthDigit) {
  Templates templates(test_texts());
  std::string html = pi_html(templates, 12, "141592653589");
  EXPECT_NE(html.find("3.<span>1415926535</span><span>8<mark>9</mark></span>"), std::string::npos)
      << html;
}

TEST(TemplatesTest, ErrorPageEscapesTheMessage) {
  Templates templates(test_texts());
  std::string html =
      render(templates, Page::kError, error_view(404, "Not found", "no \"<b>\" & co", 5));
  EXPECT_NE(html.find("no &quot;&lt;b&gt;&quot; &amp; co"), std::string::npos) << html;
  EXPECT_NE(html.find("value=\"5\""), std::string::npos);
}

TEST(TemplatesTest, RefusesBrokenAndUnsafeTemplates) {
  std::string error;
  EXPECT_FALSE(check_template("x.mustache", "{{#open}} never closed", &error));
  EXPECT_EQ(error.rfind("template x.mustache does not parse: ", 0), 0u) << error;
  EXPECT_FALSE(check_template("y.mustache", "<p>{{{message}}}</p>", &error));
  EXPECT_EQ(error,
            "template y.mustache prints {{{message}}} without HTML escaping; only row_template, "
            "rows_html, active_html and digits_html may (use {{message}})");
  EXPECT_FALSE(check_template("z.mustache", "{{& title }}", &error));
  EXPECT_TRUE(check_template("ok.mustache", "{{{ row_template }}} {{a}}", &error));
  EXPECT_TRUE(check_template("ok.mustache", "{{{rows_html}}}{{{digits_html}}}", &error));
}

TEST(TemplatesTest, LoadNamesTheMissingOrBrokenFile) {
  std::string error;
  EXPECT_FALSE(load_templates("/nonexistent", &error));
  EXPECT_EQ(error, "cannot read template /nonexistent/index.mustache");

  auto dir = std::filesystem::temp_directory_path() / ("pi-fcgi-tpl-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (const char* name : {"index", "row", "pi", "digits", "error"}) {
    std::ofstream(dir / (std::string(name) + ".mustache")) << "ok";
  }
  std::ofstream(dir / "pi.mustache") << "{{/closed}}";
  EXPECT_FALSE(load_templates(dir.string(), &error));
  EXPECT_NE(error.find("pi.mustache does not parse"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

// The real templates (frontend/, another part of the project) must load.
TEST(TemplatesTest, FrontendTemplatesLoadAndRender) {
  if (!std::filesystem::exists(std::string(PI_FRONTEND_TEMPLATES) + "/index.mustache")) {
    GTEST_SKIP() << "no frontend templates at " << PI_FRONTEND_TEMPLATES;
  }
  std::string error;
  auto texts = load_templates(PI_FRONTEND_TEMPLATES, &error);
  ASSERT_TRUE(texts) << error;
  Templates templates(*texts);
  std::string html = index_html(templates, 1, 0, {failed_task(5, "<script>x</script>")});
  EXPECT_NE(html.find("task-5"), std::string::npos);
  EXPECT_EQ(html.find("<script>x</script>"), std::string::npos);
  EXPECT_NE(pi_html(templates, 3, "141").find("14"), std::string::npos);
  EXPECT_FALSE(render(templates, Page::kError, error_view(404, "Not found", "m", 3)).empty());
}

}  // namespace
}  // namespace pidigits::fcgi
