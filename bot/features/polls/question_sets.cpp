// The question sets of DOMAIN.md §5.3 in nl and en, and how one question of a poll is shown to a
// member in their language (a card, a native poll or numbered text, by the adapter).
#include <algorithm>
#include <cstdio>

#include "bot/features/polls/poll_parts.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

using K = PollQuestion::Kind;

std::string item_key(const Poll& poll, std::size_t index) {
    return "poll.tpl." + poll.template_code + "." + std::to_string(index + 1);
}

const TemplateItem* template_item(const Poll& poll, std::size_t index) {
    const auto* t = template_by_code(poll.template_code);
    return t && index < t->items.size() ? &t->items[index] : nullptr;
}

std::string action_id(const Poll& poll, std::size_t index) {
    return "poll:" + std::to_string(poll.id) + ":" + std::to_string(index + 1);
}

}  // namespace

const std::vector<PollTemplate>& poll_templates() {
    static const TemplateItem R{K::rating, {}};
    static const TemplateItem T{K::text, {}};
    static const TemplateItem Y{K::single, "poll.options.yes_partly_no"};
    static const std::vector<PollTemplate> all = {
        {"a",
         {"na", "na de bijeenkomst", "na bijeenkomst", "nabespreking", "after", "after the meeting",
          "after meeting", "post-meeting"},
         {R, T, {K::single, "poll.options.a3"}, R, R, T},
         7},
        {"b",
         {"tussentijds", "tussentijdse", "tussentijdse evaluatie", "halverwege", "midterm",
          "mid-term", "mid term", "halfway"},
         {R, R, R, R, R, R, Y, R, R, R, R, T, T},
         14},
        {"c",
         {"eind", "einde", "eindevaluatie", "eind evaluatie", "end", "final", "end of year"},
         {R, T, T, T, R, Y, T, R, T, T, R},
         14},
        {"d", {"intake", "kennismaking", "introduction", "joining"}, {T, T, Y, T, T, Y, Y, Y}, 14},
        {"e",
         {"start", "startbijeenkomst", "startdocument", "kick-off", "kickoff", "kick off"},
         {T, T, T, T, T, T, T},
         7},
        {"f",
         {"terugkom", "terugkommoment", "terugkomen", "terugkomdag", "reunion", "follow-up",
          "follow up"},
         {T, T, Y},
         14},
        {"g", {"energie", "energiecheck", "pulse", "energy", "energy check"}, {R}, 3},
    };
    return all;
}

const PollTemplate* template_by_code(std::string_view code) {
    for (const auto& t : poll_templates()) {
        if (t.code == code) {
            return &t;
        }
    }
    return nullptr;
}

const PollTemplate* template_by_word(std::string_view typed) {
    const auto folded = fold(typed);
    for (const auto& t : poll_templates()) {
        if (std::find(t.words.begin(), t.words.end(), folded) != t.words.end()) {
            return &t;
        }
    }
    return nullptr;
}

/// A poll of one of the question sets, in `lang` (stored so that exports read as asked).
Poll poll_from_template(const PollTemplate& t, Lang lang) {
    Poll poll;
    poll.template_code = std::string(t.code);
    poll.lang = lang;
    poll.title = tr(lang, "poll.tpl." + poll.template_code + ".title");
    for (std::size_t i = 0; i < t.items.size(); ++i) {
        PollQuestion question;
        question.kind = t.items[i].kind;
        question.prompt = tr(lang, item_key(poll, i));
        question.label = tr(lang, item_key(poll, i) + ".label");
        if (!t.items[i].options_key.empty()) {
            question.options = split(tr(lang, t.items[i].options_key), '|');
        }
        if (question.kind == K::rating) {
            question.low_label = tr(lang, "poll.scale.low");
            question.high_label = tr(lang, "poll.scale.high");
        }
        poll.questions.push_back(std::move(question));
    }
    return poll;
}

/// Markdown: a template's wording from the catalogue, a facilitator's text escaped.
std::string prompt_of(const Poll& poll, std::size_t index, Lang lang) {
    if (template_item(poll, index)) {
        return tr(lang, item_key(poll, index));
    }
    return escape_markdown(poll.questions[index].prompt);
}

std::string label_of(const Poll& poll, std::size_t index, Lang lang) {
    if (template_item(poll, index)) {
        return tr(lang, item_key(poll, index) + ".label");
    }
    const auto& question = poll.questions[index];
    return escape_markdown(question.label.empty() ? question.prompt : question.label);
}

std::vector<std::string> options_of(const Poll& poll, std::size_t index, Lang lang) {
    const auto* item = template_item(poll, index);
    std::vector<std::string> out;
    if (item && !item->options_key.empty()) {
        for (const auto& option : split(tr(lang, item->options_key), '|')) {
            out.push_back(option);
        }
        return out;
    }
    for (const auto& option : poll.questions[index].options) {
        out.push_back(escape_markdown(option));
    }
    return out;
}

std::string title_of(const Poll& poll, Lang lang) {
    if (template_by_code(poll.template_code)) {
        return tr(lang, "poll.tpl." + poll.template_code + ".title");
    }
    return poll.title;  // data: inserted through tr arguments, which escape it
}

std::string network_zone(const Network& network, const BotSettings& settings) {
    return network.time_zone.empty() ? settings.default_time_zone : network.time_zone;
}

std::string moment(Instant instant, const Network& network, const BotSettings& settings,
                   Lang lang) {
    const auto local = to_local(instant, network_zone(network, settings));
    return local ? format_moment(*local, lang) : std::string();
}

std::string decimal(double value, Lang lang) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    std::string text = buffer;
    if (lang == Lang::nl) {
        std::replace(text.begin(), text.end(), '.', ',');
    }
    return text;
}

/// `days` days after today, at 17:00 in the network's zone (a deadline people can remember).
Instant default_deadline(const Network& network, const BotSettings& settings, Instant now,
                         int days) {
    const auto zone = network_zone(network, settings);
    const auto local = to_local(now, zone);
    if (local) {
        auto day = date::floor<date::days>(*local) + date::days(days);
        // Not on a Saturday or in a holiday: on the next school day.
        for (int tries = 0; tries < 60 && !is_school_day(day, settings.send_window); ++tries) {
            day += date::days(1);
        }
        if (const auto at = to_instant(LocalTime{day} + std::chrono::hours(17), zone)) {
            return at->instant;
        }
    }
    return std::chrono::floor<std::chrono::seconds>(now + date::days(days));
}

/// The message that asks question `index`; with `intro` a first line naming the poll.
Content question_content(const Poll& poll, const Network& network, const BotSettings& settings,
                         std::size_t index, Lang lang, std::string_view intro_key) {
    const auto& question = poll.questions[index];
    std::string prompt;
    if (!intro_key.empty()) {
        const bool single = poll.questions.size() == 1 && intro_key == "poll.intro";
        prompt = tr(lang, single ? std::string("poll.intro_single") : std::string(intro_key),
                    {{"title", title_of(poll, lang)},
                     {"number", std::to_string(poll.number)},
                     {"network", network.name},
                     {"count", std::to_string(poll.questions.size())},
                     {"deadline", moment(poll.deadline, network, settings, lang)}}) +
                 " " + tr(lang, poll.anonymous ? "poll.is_anonymous" : "poll.is_named") + "\n\n";
    }
    if (poll.questions.size() > 1) {
        prompt += tr(lang, "poll.question_number",
                     {{"n", std::to_string(index + 1)},
                      {"total", std::to_string(poll.questions.size())}}) +
                  " ";
    }
    prompt += prompt_of(poll, index, lang);
    if (question.kind == K::text) {
        return TextContent{
            prompt + "\n\n" +
                tr(lang, "poll.type_answer", {{"number", std::to_string(poll.number)}}),
            {}};
    }
    ChoiceQuestion choice;
    choice.action_id = action_id(poll, index);
    choice.prompt = std::move(prompt);
    choice.anonymous = poll.anonymous;
    choice.deadline = poll.deadline;
    if (question.kind == K::rating) {
        choice.kind = ChoiceQuestion::Kind::rating;
        for (int point = 1; point <= question.scale; ++point) {
            choice.choices.push_back({std::to_string(point), std::to_string(point)});
        }
        if (template_item(poll, index)) {
            choice.low_label = tr(lang, "poll.scale.low");
            choice.high_label = tr(lang, "poll.scale.high");
        } else {
            choice.low_label = escape_markdown(question.low_label);
            choice.high_label = escape_markdown(question.high_label);
        }
    } else {
        choice.kind = question.kind == K::multiple ? ChoiceQuestion::Kind::multiple
                                                   : ChoiceQuestion::Kind::single;
        choice.max_choices = question.max_choices;
        const auto options = options_of(poll, index, lang);
        for (std::size_t i = 0; i < options.size(); ++i) {
            choice.choices.push_back({std::to_string(i + 1), options[i]});
        }
    }
    return choice;
}

}  // namespace leernetwerk::detail
