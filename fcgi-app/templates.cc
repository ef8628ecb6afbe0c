#include "templates.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace pidigits::fcgi {
namespace {
// Template files are small; anything larger is a mistake, not a template.
constexpr std::streamsize kMaxTemplateBytes = 1 << 20;

bool read_file(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read template " + path;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.tellp() > kMaxTemplateBytes) {
    *error = "template " + path + " is larger than 1 MiB";
    return false;
  }
  *out = text.str();
  return true;
}
}  // namespace

bool check_template(const std::string& name, const std::string& text, std::string* error) {
  kainjow::mustache::mustache compiled(text);
  if (!compiled.is_valid()) {
    *error = "template " + name + " does not parse: " + compiled.error_message();
    return false;
  }
  // Unescaped output of request or Redis data would be an HTML injection.
  static const std::regex kUnescaped(R"(\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\})");
  for (std::sregex_iterator it(text.begin(), text.end(), kUnescaped), end; it != end; ++it) {
    std::string field = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    if (field != "row_template" && field != "rows_html" && field != "active_html" &&
        field != "digits_html") {
      *error = "template " + name + " prints " + it->str() +
               " without HTML escaping; only row_template, rows_html, active_html and digits_html "
               "may (use {{" +
               field + "}})";
      return false;
    }
  }
  return true;
}

std::optional<TemplateTexts> load_templates(const std::string& dir, std::string* error) {
  TemplateTexts texts;
  const std::pair<const char*, std::string*> files[] = {
      {"index.mustache", &texts.index}, {"row.mustache", &texts.row},
      {"pi.mustache", &texts.pi},       {"digits.mustache", &texts.digits},
      {"error.mustache", &texts.error},
  };
  for (const auto& [name, text] : files) {
    std::string path = dir + "/" + name;
    if (!read_file(path, text, error) || !check_template(path, *text, error)) return std::nullopt;
  }
  return texts;
}

Templates::Templates(TemplateTexts texts) : texts_(std::move(texts)) {
  for (Page page : {Page::kIndex, Page::kRow, Page::kPi, Page::kDigits, Page::kError}) {
    compiled(page) = std::make_unique<kainjow::mustache::mustache>(text_of(page));
  }
}

const std::string& Templates::text_of(Page page) const {
  switch (page) {
    case Page::kIndex:
      return texts_.index;
    case Page::kRow:
      return texts_.row;
    case Page::kPi:
      return texts_.pi;
    case Page::kDigits:
      return texts_.digits;
    case Page::kError:
      return texts_.error;
  }
  return texts_.error;
}

std::unique_ptr<kainjow::mustache::mustache>& Templates::compiled(Page page) {
  switch (page) {
    case Page::kIndex:
      return index_;
    case Page::kRow:
      return row_;
    case Page::kPi:
      return pi_;
    case Page::kDigits:
      return digits_;
    case Page::kError:
      return error_;
  }
  return error_;
}

bool Templates::render(Page page, kainjow::mustache::data& view, std::string* out,
                       std::string* error) {
  auto& tmpl = compiled(page);
  *out = tmpl->render(view);
  if (tmpl->is_valid()) return true;
  // kainjow keeps a render error in the object; start the next request afresh.
  *error = tmpl->error_message();
  tmpl = std::make_unique<kainjow::mustache::mustache>(text_of(page));
  return false;
}

}  // namespace pidigits::fcgi
