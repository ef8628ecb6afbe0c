// The page templates (frontend/templates/*.mustache): loaded and validated
// once at start-up, then compiled once per thread, because kainjow's render()
// is not const. HTML escaping is kainjow's default; triple braces (unescaped
// output) are refused at load time except for what the server itself made:
// {{{row_template}}} (row.mustache's own text, for the browser),
// {{{rows_html}}} (rows rendered by row.mustache) and {{{digits_html}}}
// (digits rendered by digits.mustache).
//
// Rows and digits are rendered by their own templates and inserted as text
// instead of through partials: kainjow parses a partial's text again at every
// use (50 times for a page of 50 rows), and a rendered row or window of
// digits can be cached (render_cache.h).
#pragma once

#include <kainjow/mustache.hpp>
#include <memory>
#include <optional>
#include <string>

namespace pidigits::fcgi {

struct TemplateTexts {
  std::string index;   // index.mustache (rows_html: rows rendered by row.mustache)
  std::string row;     // row.mustache
  std::string pi;      // pi.mustache (digits_html: rendered by digits.mustache)
  std::string digits;  // digits.mustache
  std::string error;   // error.mustache
};

// Reads DIR/{index,row,pi,digits,error}.mustache and checks each parses. On failure
// returns nullopt and sets *error to one line naming the file and the problem.
std::optional<TemplateTexts> load_templates(const std::string& dir, std::string* error);

// Checks one template's text: parses, and no unescaped output except
// row_template, rows_html and digits_html. `name` is used in *error.
bool check_template(const std::string& name, const std::string& text, std::string* error);

enum class Page { kIndex, kRow, kPi, kDigits, kError };

// One thread's compiled templates. Not thread-safe.
class Templates {
 public:
  explicit Templates(TemplateTexts texts);

  // Renders `page` with `view`. On a render error returns false with *error
  // set (the template is recompiled so the next request is unaffected).
  bool render(Page page, kainjow::mustache::data& view, std::string* out, std::string* error);

  const std::string& row_text() const { return texts_.row; }

 private:
  const std::string& text_of(Page page) const;
  std::unique_ptr<kainjow::mustache::mustache>& compiled(Page page);

  TemplateTexts texts_;
  std::unique_ptr<kainjow::mustache::mustache> index_, row_, pi_, digits_, error_;
};

}  // namespace pidigits::fcgi
