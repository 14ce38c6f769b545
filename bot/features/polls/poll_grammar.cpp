// Reading what a facilitator typed after `peiling` or `evaluatie`: the question, its options and
// the keywords (anonymous, live, multiple, scale, open, audience, deadline), "|"-separated.
#include <string>
#include <utility>
#include <vector>

#include "bot/features/polls/poll_flows.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

using namespace detail;

constexpr int kMaxDeadlineDays = 60;

std::optional<Role> read_role_plural(std::string_view word) {
    const auto folded = fold(word);
    for (const auto& candidate :
         {folded, folded.size() > 1 ? folded.substr(0, folded.size() - 1) : folded,
          folded.size() > 2 ? folded.substr(0, folded.size() - 2) : folded}) {
        if (auto role = parse_role_word(candidate)) {
            return role;
        }
    }
    return std::nullopt;
}

}  // namespace

namespace detail {

// ---- reading commands ----------------------------------------------------------------------

/// "3" or "#3"; at most 9 digits (a number members type, or an id in a job key).
std::optional<Id> poll_number(std::string_view word) {
    return read_hash_number(word, kMaxIntDigits);
}

std::string strip_quotes(std::string_view text) {
    auto out = std::string(trim(text));
    for (const auto& [open, close] : std::vector<std::pair<std::string, std::string>>{
             {"\"", "\""}, {"“", "”"}, {"'", "'"}, {"„", "”"}, {"‘", "’"}}) {
        if (out.size() >= open.size() + close.size() && out.rfind(open, 0) == 0 &&
            out.compare(out.size() - close.size(), close.size(), close) == 0) {
            return std::string(
                trim(out.substr(open.size(), out.size() - open.size() - close.size())));
        }
    }
    return out;
}

/// Reads one part; `error_key` is set when it is a keyword that is wrong.
PartRead read_part(detail::Turn& turn, const Network& network, std::string_view part,
                   PollOptions& options, std::string& error_key, MessageArgs& error_args) {
    const auto folded = fold(part);
    const auto w = words(folded);
    if (w.empty()) {
        return PartRead::option;
    }
    if (means_anonymous(folded)) {
        options.anonymous = true;
        return PartRead::keyword;
    }
    if (means_named(folded)) {
        options.anonymous = false;
        return PartRead::keyword;
    }
    if (folded == "live") {
        options.live = true;
        return PartRead::keyword;
    }
    if (w[0] == "meerdere" || w[0] == "multiple" || folded == "meer keuzes" ||
        folded == "meerkeuze") {
        if (w.size() == 1 || folded == "meer keuzes" || folded == "meerkeuze") {
            options.multiple = 0;
            return PartRead::keyword;
        }
        if (const auto count = w.size() == 2 ? read_number(w[1], 2) : std::nullopt) {
            options.multiple = static_cast<int>(*count);
            return PartRead::keyword;
        }
        error_key = "poll.bad_multiple";
        return PartRead::error;
    }
    if (w[0] == "schaal" || w[0] == "scale") {
        if (w.size() == 1 || (w.size() == 2 && (w[1] == "1-5" || w[1] == "5"))) {
            options.scale = 5;
            return PartRead::keyword;
        }
        if (w.size() == 2 && (w[1] == "1-10" || w[1] == "10")) {
            options.scale = 10;
            return PartRead::keyword;
        }
        error_key = "poll.bad_scale";
        return PartRead::error;
    }
    if (folded == "open" || folded == "open vraag" || folded == "open question" ||
        folded == "tekst" || folded == "text") {
        options.text = true;
        return PartRead::keyword;
    }
    if (folded == "voor iedereen" || folded == "iedereen" || folded == "for everyone" ||
        folded == "everyone" || folded == "heel het netwerk" || folded == "whole network") {
        options.audience = PollAudience::network;
        return PartRead::keyword;
    }
    if (folded == "voor aanwezigen" || folded == "aanwezigen" || folded == "for attendees" ||
        folded == "attendees" || folded == "wie er was" || folded == "wie er waren" ||
        folded == "who came") {
        options.audience = PollAudience::attended;
        return PartRead::keyword;
    }
    if ((w[0] == "voor" || w[0] == "for") && w.size() >= 2) {
        std::string rest;
        for (std::size_t i = 1; i < w.size(); ++i) {
            rest += (i > 1 ? " " : "") + w[i];
        }
        if (auto role = read_role_plural(rest)) {
            options.audience = PollAudience::role;
            options.role = *role;
            return PartRead::keyword;
        }
    }
    if (w[0] == "tot" || w[0] == "until" || w[0] == "deadline" || w[0] == "uiterlijk" ||
        w[0] == "before" || w[0] == "voor" || w[0] == "sluit" || w[0] == "closes") {
        const auto space = std::string(trim(part)).find(' ');
        const auto rest = space == std::string::npos
                              ? std::string()
                              : std::string(trim(std::string(trim(part)).substr(space)));
        const auto zone = network_zone(network, turn.settings);
        WhenError why = WhenError::not_understood;
        const auto when = parse_when(rest, turn.today(zone), &why);
        if (!when || when->kind == When::Kind::week) {
            if (w[0] == "voor" || w[0] == "before") {
                return PartRead::option;  // "voor de kerst" may just be an option
            }
            error_key = "poll.bad_deadline";
            error_args = {{"typed", rest}};
            return PartRead::error;
        }
        auto local = when->local();
        if (when->kind == When::Kind::day) {
            local += std::chrono::hours(17);  // a day alone: that afternoon, at 17:00
        }
        const auto instant = to_instant(local, zone);
        if (!instant) {
            error_key = "poll.bad_deadline";
            error_args = {{"typed", rest}};
            return PartRead::error;
        }
        if (instant->instant <= turn.now + std::chrono::minutes(30)) {
            error_key = "poll.deadline_past";
            error_args = {{"when", format_moment(local, turn.lang)}};
            return PartRead::error;
        }
        if (instant->instant > turn.now + date::days(kMaxDeadlineDays)) {
            error_key = "poll.deadline_far";
            error_args = {{"days", std::to_string(kMaxDeadlineDays)}};
            return PartRead::error;
        }
        options.deadline = instant->instant;
        return PartRead::keyword;
    }
    return PartRead::option;
}

}  // namespace detail
}  // namespace leernetwerk
