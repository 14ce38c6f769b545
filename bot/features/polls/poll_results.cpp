// The results of a poll: counts, percentages, averages and bars, the change since the last run
// of the same question set, open answers without names in random order, and the CSV export.
// Nothing of an anonymous poll shows below its minimum number of answers.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/features/polls/poll_parts.hpp"
#include "bot/features/polls/polls.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace detail {
namespace {

using K = PollQuestion::Kind;

struct Tally {
    std::vector<int> counts;  ///< per option, or per scale point
    int answered = 0;
    double sum = 0;
    std::vector<std::string> texts;
};

std::vector<Tally> tally(const Poll& poll, const std::vector<PollAnswer>& answers) {
    std::vector<Tally> out(poll.questions.size());
    for (std::size_t i = 0; i < poll.questions.size(); ++i) {
        const auto& question = poll.questions[i];
        out[i].counts.assign(question.kind == K::rating ? question.scale : question.options.size(),
                             0);
    }
    for (const auto& answer : answers) {
        if (answer.question < 0 || static_cast<std::size_t>(answer.question) >= out.size() ||
            answer.value.empty()) {
            continue;  // skipped
        }
        auto& t = out[answer.question];
        const auto& question = poll.questions[answer.question];
        if (question.kind == K::text) {
            t.texts.push_back(answer.value);
            ++t.answered;
            continue;
        }
        bool counted = false;
        for (const auto& part : split(answer.value, ',')) {
            int number = 0;
            const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), number);
            if (ec != std::errc() || number < 1 ||
                static_cast<std::size_t>(number) > t.counts.size()) {
                continue;
            }
            ++t.counts[number - 1];
            if (question.kind == K::rating) {
                t.sum += number;
            }
            counted = true;
        }
        t.answered += counted ? 1 : 0;
    }
    return out;
}

/// True when the poll's results may be shown (named, or enough anonymous answers).
bool showable(Store& store, int default_min, const Poll& poll, std::size_t respondents) {
    return !poll.anonymous ||
           static_cast<int>(respondents) >= min_respondents(store, default_min, poll.network_id);
}

/// True when one question's tally may be shown: in an anonymous poll a question with fewer answers
/// than the minimum shows nothing, or those who skipped it would know who gave the few answers
/// (the poll's own count includes everyone who answered any question).
bool question_showable(Store& store, int default_min, const Poll& poll, int answered) {
    return !poll.anonymous || answered >= min_respondents(store, default_min, poll.network_id);
}

/// The previous closed run of the same question set in the network, when its results may show.
std::optional<std::pair<Poll, std::vector<Tally>>> previous_run(Store& store, int default_min,
                                                                const Poll& poll) {
    if (poll.template_code.empty()) {
        return std::nullopt;
    }
    for (const auto& other : store.polls_of(poll.network_id)) {
        if (other.id >= poll.id || other.template_code != poll.template_code ||
            other.state != PollState::closed) {
            continue;
        }
        if (!showable(store, default_min, other, store.poll_respondents(other.id).size())) {
            return std::nullopt;
        }
        auto counts = tally(other, store.poll_answers(other.id));
        return std::make_pair(other, std::move(counts));
    }
    return std::nullopt;
}

}  // namespace

int min_respondents(Store& store, int default_min, Id network_id) {
    return store.poll_min_respondents(network_id).value_or(default_min);
}

Summary results_summary(Store& store, const BotSettings& settings, const Poll& poll,
                        const Network& network, Lang lang) {
    const auto respondents = respondent_count(store, settings, poll);
    const auto invited = store.poll_invitees(poll.id).size();
    Summary summary;
    summary.title =
        tr(lang, poll.state == PollState::closed ? "poll.results_title" : "poll.results_title_live",
           {{"title", title_of(poll, lang)}, {"number", std::to_string(poll.number)}});
    summary.rows.push_back(
        {tr(lang, "poll.row_answers"),
         tr(lang, "poll.row_answers_value",
            {{"count", std::to_string(respondents)}, {"invited", std::to_string(invited)}})});
    summary.rows.push_back(
        {tr(lang, "poll.row_state"),
         poll.state == PollState::closed
             ? tr(lang, "poll.state_closed")
             : tr(lang, "poll.state_open",
                  {{"deadline", moment(poll.deadline, network, settings, lang)}})});
    const int default_min = settings.min_anonymous_respondents;
    if (!showable(store, default_min, poll, respondents)) {
        summary.footnote =
            tr(lang, "poll.results_too_few",
               {{"min", std::to_string(min_respondents(store, default_min, poll.network_id))}});
        return summary;
    }
    const auto counts = tally(poll, answers_of(store, settings, poll));
    const auto previous = previous_run(store, default_min, poll);
    const bool several = poll.questions.size() > 1;
    for (std::size_t i = 0; i < poll.questions.size(); ++i) {
        const auto& question = poll.questions[i];
        const auto& t = counts[i];
        const auto label = label_of(poll, i, lang);
        if (!question_showable(store, default_min, poll, t.answered)) {
            summary.rows.push_back(
                {label, tr(lang, "poll.row_too_few",
                           {{"count", std::to_string(t.answered)},
                            {"min", std::to_string(
                                        min_respondents(store, default_min, poll.network_id))}})});
            continue;
        }
        if (question.kind == K::text) {
            summary.rows.push_back({label, tr(lang, "poll.row_text_answers",
                                              {{"count", std::to_string(t.answered)}})});
            continue;
        }
        if (question.kind == K::rating) {
            Bar bar;
            bar.label = label + " (1–" + std::to_string(question.scale) + ")";
            bar.max = question.scale;
            if (t.answered > 0) {
                bar.value = t.sum / t.answered;
                bar.display = decimal(bar.value, lang) + " (n=" + std::to_string(t.answered) + ")";
            } else {
                bar.display = "–";
            }
            summary.bars.push_back(std::move(bar));
            if (previous && i < previous->second.size() && previous->second[i].answered > 0 &&
                question_showable(store, default_min, previous->first,
                                  previous->second[i].answered) &&
                t.answered > 0) {
                const auto& before = previous->second[i];
                summary.rows.push_back({label, decimal(before.sum / before.answered, lang) + " → " +
                                                   decimal(t.sum / t.answered, lang)});
            }
            continue;
        }
        const auto options = options_of(poll, i, lang);
        for (std::size_t o = 0; o < options.size() && o < t.counts.size(); ++o) {
            Bar bar;
            bar.label = several ? label + ": " + options[o] : options[o];
            bar.value = t.counts[o];
            bar.max = std::max(t.answered, 1);
            const int percent =
                t.answered > 0 ? static_cast<int>(std::lround(100.0 * t.counts[o] / t.answered))
                               : 0;
            bar.display = std::to_string(t.counts[o]) + " (" + std::to_string(percent) + "%)";
            summary.bars.push_back(std::move(bar));
        }
    }
    summary.footnote = tr(lang, poll.anonymous ? "poll.footnote_anonymous" : "poll.footnote_named");
    if (previous) {
        summary.footnote += " " + tr(lang, "poll.footnote_previous",
                                     {{"number", std::to_string(previous->first.number)}});
    }
    return summary;
}

std::string answer_text(const Poll& poll, std::size_t index, const std::string& value, Lang lang) {
    const auto& question = poll.questions[index];
    if (value.empty()) {
        return tr(lang, "poll.answer_skipped");
    }
    if (question.kind == K::text || question.kind == K::rating) {
        auto line = escape_markdown(value);  // on one line: it is shown as a list item
        std::replace_if(
            line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
        return line;
    }
    const auto options = options_of(poll, index, lang);
    std::string shown;
    for (const auto& part : split(value, ',')) {
        int n = 0;
        std::from_chars(part.data(), part.data() + part.size(), n);
        if (n >= 1 && static_cast<std::size_t>(n) <= options.size()) {
            shown += (shown.empty() ? "" : ", ") + options[n - 1];
        }
    }
    return shown;
}

/// The open answers, without names, in random order; nullopt when there are none to show.
std::optional<TextContent> open_answers(Store& store, const BotSettings& settings, const Poll& poll,
                                        Lang lang) {
    const auto respondents = respondent_count(store, settings, poll);
    if (!showable(store, settings.min_anonymous_respondents, poll, respondents)) {
        return std::nullopt;
    }
    auto counts = tally(poll, answers_of(store, settings, poll));
    std::string text;
    std::random_device seed;
    std::mt19937 shuffle_with(seed());
    for (std::size_t i = 0; i < poll.questions.size(); ++i) {
        auto& texts = counts[i].texts;
        if (poll.questions[i].kind != K::text || texts.empty() ||
            !question_showable(store, settings.min_anonymous_respondents, poll,
                               counts[i].answered)) {
            continue;
        }
        std::shuffle(texts.begin(), texts.end(), shuffle_with);
        text += (text.empty() ? "" : "\n\n") + std::string("**") + label_of(poll, i, lang) + "**";
        for (const auto& answer : texts) {
            std::string line = escape_markdown(answer);
            std::replace(line.begin(), line.end(), '\n', ' ');
            text += "\n- " + line;
        }
    }
    if (text.empty()) {
        return std::nullopt;
    }
    return TextContent{
        tr(lang, "poll.open_answers_title",
           {{"title", title_of(poll, lang)}, {"number", std::to_string(poll.number)}}) +
            "\n\n" + text,
        {}};
}

}  // namespace detail

std::vector<EvaluationResult> evaluation_results(Store& store, Id network_id, Lang lang,
                                                 int default_min_respondents) {
    using namespace detail;
    std::vector<EvaluationResult> results;
    std::random_device seed;
    std::mt19937 shuffle_with(seed());
    auto polls = store.polls_of(network_id);
    std::sort(polls.begin(), polls.end(), [](const Poll& a, const Poll& b) { return a.id < b.id; });
    for (const auto& poll : polls) {
        if (poll.template_code.empty() || poll.state != PollState::closed) {
            continue;
        }
        EvaluationResult result;
        result.title = title_of(poll, lang);
        result.closed_at = poll.closed_at.value_or(poll.deadline);
        result.respondents = static_cast<int>(store.poll_respondents(poll.id).size());
        result.invited = static_cast<int>(store.poll_invitees(poll.id).size());
        result.minimum = min_respondents(store, default_min_respondents, network_id);
        result.shown = showable(store, default_min_respondents, poll,
                                static_cast<std::size_t>(result.respondents));
        if (result.shown) {
            auto counts = tally(poll, store.poll_answers(poll.id));
            for (std::size_t i = 0; i < poll.questions.size(); ++i) {
                const auto& question = poll.questions[i];
                auto& t = counts[i];
                const auto label = label_of(poll, i, lang);
                if (t.answered > 0 &&
                    !question_showable(store, default_min_respondents, poll, t.answered)) {
                    // Those who skipped it would know whose the few answers are.
                    result.results.push_back(
                        {label, tr(lang, "poll.row_too_few",
                                   {{"count", std::to_string(t.answered)},
                                    {"min", std::to_string(result.minimum)}})});
                    continue;
                }
                if (question.kind == K::text) {
                    std::shuffle(t.texts.begin(), t.texts.end(), shuffle_with);
                    if (!t.texts.empty()) {
                        result.open.push_back({label, std::move(t.texts)});
                    }
                    continue;
                }
                if (t.answered == 0) {
                    continue;
                }
                if (question.kind == K::rating) {
                    result.results.push_back({label + " (1–" + std::to_string(question.scale) + ")",
                                              decimal(t.sum / t.answered, lang) +
                                                  " (n=" + std::to_string(t.answered) + ")"});
                    continue;
                }
                std::string value;
                const auto options = options_of(poll, i, lang);
                for (std::size_t o = 0; o < options.size() && o < t.counts.size(); ++o) {
                    const int percent =
                        static_cast<int>(std::lround(100.0 * t.counts[o] / t.answered));
                    value += (value.empty() ? "" : ", ") + options[o] + " " +
                             std::to_string(t.counts[o]) + " (" + std::to_string(percent) + "%)";
                }
                result.results.push_back({label, value});
            }
        }
        results.push_back(std::move(result));
    }
    std::stable_sort(results.begin(), results.end(),
                     [](const auto& a, const auto& b) { return a.closed_at < b.closed_at; });
    return results;
}

PollExport poll_results_csv(Store& store, Id poll_id, Lang lang, int default_min_respondents) {
    using namespace detail;
    PollExport result;
    const auto poll = store.poll(poll_id);
    if (!poll) {
        result.error = PollExportError::no_such_poll;
        return result;
    }
    // An open anonymous poll's answers are sealed (even a live one's): its CSV waits for the
    // closing, when they are counted.
    if (poll->anonymous && poll->state == PollState::open) {
        result.error = PollExportError::not_closed;
        return result;
    }
    const auto respondents = store.poll_respondents(poll->id);
    if (!showable(store, default_min_respondents, *poll, respondents.size())) {
        result.error = PollExportError::too_few_answers;
        return result;
    }
    const auto answers = store.poll_answers(poll->id);
    const auto counts = tally(*poll, answers);
    const auto plain = [](const std::string& markdown) { return markdown_to_plain(markdown); };
    using Cell = TableCell;
    Table totals;
    totals.name = tr(lang, "poll.csv.results_sheet");
    totals.header = {tr(lang, "poll.csv.poll"),    tr(lang, "poll.csv.question"),
                     tr(lang, "poll.csv.prompt"),  tr(lang, "poll.csv.kind"),
                     tr(lang, "poll.csv.option"),  tr(lang, "poll.csv.count"),
                     tr(lang, "poll.csv.percent"), tr(lang, "poll.csv.average")};
    auto& out = totals.rows;
    const auto poll_number = Cell::integer(poll->number);
    for (std::size_t i = 0; i < poll->questions.size(); ++i) {
        const auto& question = poll->questions[i];
        const auto& t = counts[i];
        const auto number = Cell::integer(static_cast<long long>(i + 1));
        const auto prompt = Cell::of(plain(prompt_of(*poll, i, lang)));
        const auto kind = Cell::of(std::string(poll_question_kind_code(question.kind)));
        const auto percent = [&](int count) {
            return Cell::percent(t.answered > 0 ? static_cast<double>(count) / t.answered : 0.0);
        };
        const auto answered = Cell::integer(t.answered);
        if (!question_showable(store, default_min_respondents, *poll, t.answered)) {
            // Too few answers to this question: how many, and nothing of what they were.
            out.push_back({poll_number, number, prompt, kind, Cell::empty(), answered,
                           Cell::empty(), Cell::empty()});
            continue;
        }
        if (question.kind == K::text) {
            out.push_back({poll_number, number, prompt, kind, Cell::empty(), answered,
                           Cell::empty(), Cell::empty()});
            if (poll->anonymous) {
                for (const auto& text : t.texts) {  // ordered by token: not by who or when
                    out.push_back({poll_number, number, prompt, kind, Cell::of(text), Cell::empty(),
                                   Cell::empty(), Cell::empty()});
                }
            }
            continue;
        }
        if (question.kind == K::rating) {
            for (std::size_t p = 0; p < t.counts.size(); ++p) {
                out.push_back({poll_number, number, prompt, kind,
                               Cell::integer(static_cast<long long>(p + 1)),
                               Cell::integer(t.counts[p]), percent(t.counts[p]), Cell::empty()});
            }
            out.push_back({poll_number, number, prompt, kind, Cell::empty(), answered,
                           Cell::empty(),
                           t.answered ? Cell::decimal(t.sum / t.answered) : Cell::empty()});
            continue;
        }
        const auto options = options_of(*poll, i, lang);
        for (std::size_t o = 0; o < options.size() && o < t.counts.size(); ++o) {
            out.push_back({poll_number, number, prompt, kind, Cell::of(plain(options[o])),
                           Cell::integer(t.counts[o]), percent(t.counts[o]), Cell::empty()});
        }
    }
    result.tables.push_back(std::move(totals));
    if (!poll->anonymous) {
        Table named;
        named.name = tr(lang, "poll.csv.answers_sheet");
        named.header = {tr(lang, "poll.csv.member"), tr(lang, "poll.csv.question"),
                        tr(lang, "poll.csv.prompt"), tr(lang, "poll.csv.answer")};
        std::map<std::string, std::string> names;
        for (const auto& respondent : respondents) {
            if (respondent.member_id) {
                const auto member = store.member(*respondent.member_id);
                names[respondent.token] = member ? member->display_name : std::string();
            }
        }
        std::vector<std::tuple<std::string, std::size_t, std::string, std::string>> rows;
        for (const auto& answer : answers) {
            if (answer.question < 0 ||
                static_cast<std::size_t>(answer.question) >= poll->questions.size()) {
                continue;
            }
            const auto index = static_cast<std::size_t>(answer.question);
            const auto& question = poll->questions[index];
            std::string shown = answer.value;
            if (question.kind == K::single || question.kind == K::multiple) {
                const auto options = options_of(*poll, index, lang);
                shown.clear();
                for (const auto& part : split(answer.value, ',')) {
                    int n = 0;
                    std::from_chars(part.data(), part.data() + part.size(), n);
                    if (n >= 1 && static_cast<std::size_t>(n) <= options.size()) {
                        shown += (shown.empty() ? "" : "; ") + plain(options[n - 1]);
                    }
                }
            }
            rows.emplace_back(names[answer.token], index + 1, plain(prompt_of(*poll, index, lang)),
                              shown);
        }
        std::sort(rows.begin(), rows.end());
        for (const auto& [name, question, prompt, shown] : rows) {
            // A rating's answer is a number; any other answer text.
            const bool rating = poll->questions[question - 1].kind == K::rating;
            int value = 0;
            const auto [end, error] =
                std::from_chars(shown.data(), shown.data() + shown.size(), value);
            named.rows.push_back(
                {Cell::of(name), Cell::integer(static_cast<long long>(question)), Cell::of(prompt),
                 rating && error == std::errc() && end == shown.data() + shown.size()
                     ? Cell::integer(value)
                     : Cell::of(shown)});
        }
        result.tables.push_back(std::move(named));
    }
    result.csv = tables_to_csv(result.tables, lang);
    return result;
}

}  // namespace leernetwerk
