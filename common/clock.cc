#include "pidigits/clock.h"

#include <chrono>

namespace pidigits {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

namespace {
// Days since 1970-01-01 to a proleptic Gregorian date: the "civil_from_days"
// algorithm (H. Hinnant, chrono-Compatible Low-Level Date Algorithms), which
// counts in 400-year eras whose years start on March 1st.
struct Date {
  int64_t year;
  int month, day;
};

Date date_of(int64_t days) {
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;  // 0 to 146096
  // The year within the era, 0 to 399.
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // 0 (March) to 11
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

char* put_digits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}
}  // namespace

// Arithmetic rather than gmtime_r + snprintf: every task JSON holds up to nine
// of these, and gmtime_r takes glibc's time zone lock on each call.
std::string iso_time(int64_t ms) {
  const int64_t day_ms = 86'400'000;
  int64_t days = ms / day_ms, in_day = ms % day_ms;
  if (in_day < 0) {
    in_day += day_ms;
    --days;
  }
  const Date date = date_of(days);
  if (date.year < 0 || date.year > 9999) {  // not a time the service writes; keep it readable
    return std::to_string(ms) + "ms";
  }
  char text[24];
  char* out = put_digits(text, date.year, 4);
  *out++ = '-';
  out = put_digits(out, date.month, 2);
  *out++ = '-';
  out = put_digits(out, date.day, 2);
  *out++ = 'T';
  out = put_digits(out, in_day / 3'600'000, 2);
  *out++ = ':';
  out = put_digits(out, in_day / 60'000 % 60, 2);
  *out++ = ':';
  out = put_digits(out, in_day / 1000 % 60, 2);
  *out++ = '.';
  out = put_digits(out, in_day % 1000, 3);
  *out++ = 'Z';
  return std::string(text, out);
}

}  // namespace pidigits
