#include "adapters/net/retry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <string>

namespace leernetwerk::net {
namespace {

using namespace std::chrono;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Reads exactly `digits` decimal digits (any count when digits is 0) at the front of `text`.
std::optional<int> take_number(std::string_view& text, std::size_t digits = 0) {
    std::size_t n = 0;
    while (n < text.size() && std::isdigit(static_cast<unsigned char>(text[n])) != 0) {
        ++n;
    }
    if (n == 0 || (digits != 0 && n != digits) || n > 9) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(text.data(), text.data() + n, value);
    text.remove_prefix(n);
    return value;
}

bool take(std::string_view& text, std::string_view expected) {
    if (text.substr(0, expected.size()) != expected) {
        return false;
    }
    text.remove_prefix(expected.size());
    return true;
}

void skip_spaces(std::string_view& text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
}

std::optional<unsigned> take_month(std::string_view& text) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (text.size() >= 3 && equals_ignoring_case(text.substr(0, 3), kMonths[i])) {
            text.remove_prefix(3);
            return static_cast<unsigned>(i + 1);
        }
    }
    return std::nullopt;
}

/// Skips a day name ("Sun" or "Sunday"); the name itself is not cross-checked with the date.
bool take_day_name(std::string_view& text) {
    std::size_t n = 0;
    while (n < text.size() && std::isalpha(static_cast<unsigned char>(text[n])) != 0) {
        ++n;
    }
    if (n < 3) {
        return false;
    }
    text.remove_prefix(n);
    return true;
}

struct TimeOfDay {
    int hour = 0;
    int minute = 0;
    int second = 0;
};

std::optional<TimeOfDay> take_time(std::string_view& text) {
    const auto hour = take_number(text, 2);
    if (!hour || !take(text, ":")) {
        return std::nullopt;
    }
    const auto minute = take_number(text, 2);
    if (!minute || !take(text, ":")) {
        return std::nullopt;
    }
    const auto second = take_number(text, 2);
    if (!second || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    return TimeOfDay{*hour, *minute, *second};
}

std::optional<system_clock::time_point> make_time(int y, unsigned m, unsigned d, TimeOfDay t) {
    const year_month_day date{year{y}, month{m}, day{d}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return sys_days{date} + hours{t.hour} + minutes{t.minute} + seconds{t.second};
}

/// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<system_clock::time_point> parse_imf_fixdate(std::string_view text) {
    if (!take_day_name(text) || !take(text, ", ")) {
        return std::nullopt;
    }
    const auto d = take_number(text, 2);
    if (!d || !take(text, " ")) {
        return std::nullopt;
    }
    const auto m = take_month(text);
    if (!m || !take(text, " ")) {
        return std::nullopt;
    }
    const auto y = take_number(text, 4);
    if (!y || !take(text, " ")) {
        return std::nullopt;
    }
    const auto t = take_time(text);
    if (!t || !take(text, " GMT") || !text.empty()) {
        return std::nullopt;
    }
    return make_time(*y, *m, static_cast<unsigned>(*d), *t);
}

/// RFC 850 (obsolete): "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year more than 50 years
/// ahead of `now` is taken to be in the previous century (RFC 9110 §5.6.7).
std::optional<system_clock::time_point> parse_rfc850(std::string_view text,
                                                     system_clock::time_point now) {
    if (!take_day_name(text) || !take(text, ", ")) {
        return std::nullopt;
    }
    const auto d = take_number(text, 2);
    if (!d || !take(text, "-")) {
        return std::nullopt;
    }
    const auto m = take_month(text);
    if (!m || !take(text, "-")) {
        return std::nullopt;
    }
    const auto yy = take_number(text, 2);
    if (!yy || !take(text, " ")) {
        return std::nullopt;
    }
    const auto t = take_time(text);
    if (!t || !take(text, " GMT") || !text.empty()) {
        return std::nullopt;
    }
    const int this_year = static_cast<int>(year_month_day{floor<days>(now)}.year());
    int y = this_year / 100 * 100 + *yy;
    if (y > this_year + 50) {
        y -= 100;
    }
    return make_time(y, *m, static_cast<unsigned>(*d), *t);
}

/// asctime (obsolete): "Sun Nov  6 08:49:37 1994".
std::optional<system_clock::time_point> parse_asctime(std::string_view text) {
    if (!take_day_name(text) || !take(text, " ")) {
        return std::nullopt;
    }
    const auto m = take_month(text);
    if (!m || !take(text, " ")) {
        return std::nullopt;
    }
    skip_spaces(text);
    const auto d = take_number(text);
    if (!d || *d > 31 || !take(text, " ")) {
        return std::nullopt;
    }
    const auto t = take_time(text);
    if (!t || !take(text, " ")) {
        return std::nullopt;
    }
    const auto y = take_number(text, 4);
    if (!y || !text.empty()) {
        return std::nullopt;
    }
    return make_time(*y, *m, static_cast<unsigned>(*d), *t);
}

}  // namespace

milliseconds backoff_delay(int attempt, milliseconds base, milliseconds cap,
                           std::mt19937_64& random) {
    if (base.count() <= 0 || cap.count() <= 0) {
        return milliseconds{0};
    }
    attempt = std::max(attempt, 1);
    // base * 2^(attempt-1), without overflowing: stop doubling once the cap is reached.
    std::int64_t ceiling = base.count();
    for (int i = 1; i < attempt && ceiling < cap.count(); ++i) {
        ceiling *= 2;
    }
    ceiling = std::min<std::int64_t>(ceiling, cap.count());
    std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
    return milliseconds{pick(random)};
}

std::optional<seconds> parse_retry_after(std::string_view value, system_clock::time_point now) {
    value = trim(value);
    if (value.empty()) {
        return std::nullopt;
    }
    if (std::all_of(value.begin(), value.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
        std::int64_t delta = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), delta);
        if (error != std::errc{} || end != value.data() + value.size()) {
            return std::nullopt;  // more digits than any sensible delay
        }
        return seconds{delta};
    }
    auto date = parse_imf_fixdate(value);
    if (!date) {
        date = parse_rfc850(value, now);
    }
    if (!date) {
        date = parse_asctime(value);
    }
    if (!date) {
        return std::nullopt;
    }
    return std::max(seconds{0}, ceil<seconds>(*date - now));
}

WindowLimiter::WindowLimiter(std::vector<std::pair<int, milliseconds>> windows)
    : windows_(std::move(windows)) {
    for (const auto& [limit, window] : windows_) {
        if (limit < 1 || window.count() <= 0) {
            throw std::invalid_argument(
                "WindowLimiter: every window needs a limit >= 1 and a length > 0");
        }
    }
}

milliseconds WindowLimiter::wait_time(SteadyTime now) const {
    steady_clock::duration wait{0};
    for (const auto& [limit, window] : windows_) {
        // Events still inside this window at `now`: those with now - event < window.
        const auto first_inside = std::upper_bound(events_.begin(), events_.end(), now - window);
        const auto inside = std::distance(first_inside, events_.end());
        if (inside < limit) {
            continue;
        }
        // The oldest (inside - limit + 1) events must leave the window first.
        const SteadyTime must_expire = *(first_inside + (inside - limit));
        wait = std::max(wait, steady_clock::duration{must_expire + window - now});
    }
    return ceil<milliseconds>(wait);
}

void WindowLimiter::record(SteadyTime now) {
    events_.insert(std::upper_bound(events_.begin(), events_.end(), now), now);
    milliseconds longest{0};
    for (const auto& window : windows_) {
        longest = std::max(longest, window.second);
    }
    const SteadyTime horizon = events_.back() - longest;
    while (!events_.empty() && events_.front() <= horizon) {
        events_.pop_front();
    }
}

}  // namespace leernetwerk::net
