#pragma once
// Internal to the core's polls (the flows: poll_flows.hpp; question_sets.cpp: the question
// sets and how a question is shown; poll_results.cpp: the summary and the CSV export).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/bot.hpp"
#include "bot/vocab/content.hpp"
#include "bot/i18n/i18n.hpp"
#include "bot/features/polls/poll.hpp"

namespace leernetwerk::detail {

/// One question of a question set: its kind, and for a choice its options in the catalogue.
struct TemplateItem {
    PollQuestion::Kind kind = PollQuestion::Kind::rating;
    std::string_view options_key;  ///< for single: "|"-separated options in the catalogue
};

/// A question set of DOMAIN.md §5.3.
struct PollTemplate {
    std::string_view code;
    std::vector<std::string_view> words;  ///< folded words that choose it
    std::vector<TemplateItem> items;
    int days = 7;  ///< how long it stays open unless the facilitator says
};

/// The question sets of DOMAIN.md §5.3, "a" (after a meeting) to "g" (energy check).
const std::vector<PollTemplate>& poll_templates();
const PollTemplate* template_by_code(std::string_view code);
/// The set a facilitator named: "tussentijds", "midterm", "energie", ...
const PollTemplate* template_by_word(std::string_view typed);
/// A poll of one of the question sets, in `lang` (stored so that exports read as asked).
Poll poll_from_template(const PollTemplate& t, Lang lang);

/// Markdown: a template's wording from the catalogue, a facilitator's text escaped.
std::string prompt_of(const Poll& poll, std::size_t index, Lang lang);
/// A question's short name in results (Markdown).
std::string label_of(const Poll& poll, std::size_t index, Lang lang);
/// A question's options (Markdown).
std::vector<std::string> options_of(const Poll& poll, std::size_t index, Lang lang);
/// A template's name in `lang`, or the facilitator's question (data, for tr arguments).
std::string title_of(const Poll& poll, Lang lang);

std::string network_zone(const Network& network, const BotSettings& settings);
/// An instant as the network's local time, "vr 4 dec 2026 17:00".
std::string moment(Instant instant, const Network& network, const BotSettings& settings, Lang lang);
/// One decimal, with a comma in Dutch: "3,4".
std::string decimal(double value, Lang lang);
/// `days` days after today, at 17:00 in the network's zone (a deadline people can remember), on the
/// next school day when that day is a weekend or holiday day.
Instant default_deadline(const Network& network, const BotSettings& settings, Instant now,
                         int days);
/// The message that asks question `index`; with an intro key, a first line naming the poll.
Content question_content(const Poll& poll, const Network& network, const BotSettings& settings,
                         std::size_t index, Lang lang, std::string_view intro_key);

/// A stored answer as the member gave it (Markdown): the options' text, the scale point, the text.
std::string answer_text(const Poll& poll, std::size_t index, const std::string& value, Lang lang);

/// How many answers an anonymous poll of the network needs before anything of it shows.
int min_respondents(Store& store, int default_min, Id network_id);
/// The neutral summary: counts, percentages, averages, bars, and the change since the last run.
Summary results_summary(Store& store, const BotSettings& settings, const Poll& poll,
                        const Network& network, Lang lang);
/// The open answers, without names, in random order; nullopt when there are none to show.
std::optional<TextContent> open_answers(Store& store, const BotSettings& settings, const Poll& poll,
                                        Lang lang);

}  // namespace leernetwerk::detail
