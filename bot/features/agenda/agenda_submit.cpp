// Agenda input (DOMAIN.md §5.2): members submit items for the next meeting, typed
// (`agendapunt …`) or through the form.
#include <algorithm>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/agenda/agenda_flows.hpp"
#include "bot/features/agenda/agenda_lists.hpp"

namespace leernetwerk::detail {
namespace {

bool is_introduce_phrase(std::string_view typed) {
    return is_phrase(
        typed, {"ik leid in", "ik leid het in", "ik kan het inleiden", "ik kan inleiden",
                "ik wil het inleiden", "ik wil inleiden", "inleiden", "ik leid dit in",
                "i can introduce it", "i can introduce", "i'll introduce it", "i will introduce it",
                "i introduce it", "introduce"});
}

/// A card's toggle is on: a yes, or the values toggles send ("true", "1", "on", "aan", "x").
bool toggle_on(std::string_view value) {
    return means_yes(value) || is_word(fold(value), {"true", "1", "on", "aan", "x"});
}

// ---- submitting ------------------------------------------------------------------------------

struct Submission {
    std::string text;
    std::string explanation;
    AgendaItemKind kind = AgendaItemKind::topic;
    bool introduces = false;
    bool hidden = false;
};

void store_submission(Turn& turn, const Network& network, Submission submission) {
    submission.text = one_line(submission.text);
    submission.explanation = one_line(submission.explanation);
    if (submission.text.empty()) {
        turn.reply_text("agenda.submit_usage");
        return;
    }
    if (const auto length = utf8_length(submission.text); length > kMaxItemChars) {
        turn.reply_text("agenda.text_too_long", {{"length", std::to_string(length)},
                                                 {"max", std::to_string(kMaxItemChars)}});
        return;
    }
    if (const auto length = utf8_length(submission.explanation); length > kMaxExplanationChars) {
        turn.reply_text(
            "agenda.explanation_too_long",
            {{"length", std::to_string(length)}, {"max", std::to_string(kMaxExplanationChars)}});
        return;
    }
    const auto meeting = agenda_meeting(turn.store, network.id, turn.now);
    // The same item again (a double send, a retyped line): said so, not listed twice.
    const auto wanted_meeting = meeting ? std::optional<Id>(meeting->id) : std::nullopt;
    for (const auto& existing : turn.store.agenda_items(network.id)) {
        if (existing.meeting_id == wanted_meeting && fold(existing.text) == fold(submission.text)) {
            turn.reply_text("agenda.duplicate", {{"number", std::to_string(existing.id)},
                                                 {"text", existing.text}});
            return;
        }
    }
    AgendaItem item;
    item.network_id = network.id;
    item.meeting_id = meeting ? std::optional<Id>(meeting->id) : std::nullopt;
    item.kind = submission.kind;
    item.text = submission.text;
    item.explanation = submission.explanation;
    item.status = AgendaStatus::proposed;
    item.submitters = {{turn.me->id, submission.hidden, submission.introduces}};
    item.created_at = turn.now;
    item.id = turn.store.create_agenda_item(item);
    if (const auto stored = turn.store.agenda_item(item.id)) {
        item.number = stored->number;
    }

    std::string text = turn.t("agenda.submitted", {{"number", std::to_string(item.number)},
                                                   {"text", item.text},
                                                   {"meeting", meeting_label(meeting, turn.lang)}});
    if (item.kind != AgendaItemKind::topic) {
        text += " " + turn.t("agenda.submitted_kind", {{"kind", kind_label(item.kind, turn.lang)}});
    }
    if (submission.introduces) {
        text += " " + turn.t("agenda.submitted_introduces");
    }
    if (item.kind == AgendaItemKind::case_study) {
        text += " " + turn.t("agenda.submitted_case");
    } else if (submission.hidden) {
        text += " " + turn.t("agenda.submitted_hidden");
    }
    text += "\n" + turn.t("agenda.submitted_more");
    if (submission.hidden || item.kind == AgendaItemKind::case_study) {
        turn.reply_privately(TextContent{text, {}});
    } else {
        turn.reply(TextContent{text, {}});
    }
}

ShortForm agenda_form(Turn& turn, const Network& network) {
    ShortForm form;
    form.action_id = "form:agenda_item";
    form.title = turn.t("agenda.form_title", {{"network", network.name}});
    form.intro = turn.t("agenda.form_intro", {{"max", std::to_string(kMaxItemChars)}});
    form.fields = {
        {"text", turn.t("agenda.field_text"), FormField::Kind::text, true,
         turn.t("agenda.field_text_example")},
        {"explanation", turn.t("agenda.field_explanation"), FormField::Kind::multiline, false, ""},
        {"kind", turn.t("agenda.field_kind"), FormField::Kind::text, false,
         turn.t("agenda.field_kind_example")},
        {"introduce", turn.t("agenda.field_introduce"), FormField::Kind::toggle, false, ""},
        {"hidden", turn.t("agenda.field_hidden"), FormField::Kind::toggle, false, ""},
    };
    form.submit_label = turn.t("agenda.form_submit");
    return form;
}

}  // namespace

void submit_agenda_item(Turn& turn, const std::string& args) {
    const auto network = member_network(turn);
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        turn.reply(agenda_form(turn, *network));
        return;
    }
    const auto parts = bar_parts(args);
    Submission submission;
    submission.text = std::string(trim(parts.front()));
    std::vector<std::string> explanation;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto part = std::string(trim(parts[i]));
        if (part.empty()) {
            continue;
        }
        if (is_introduce_phrase(part)) {
            submission.introduces = true;
        } else if (means_anonymous(part)) {
            submission.hidden = true;
        } else if (means_named(part)) {
            submission.hidden = false;  // the default, said out loud: not taken as explanation
        } else if (const auto kind = parse_kind_word(part)) {
            submission.kind = *kind;
        } else {
            explanation.push_back(part);
        }
    }
    for (const auto& part : explanation) {
        submission.explanation += (submission.explanation.empty() ? "" : " | ") + part;
    }
    store_submission(turn, *network, std::move(submission));
}

void submit_agenda_form(Turn& turn, const ActionSubmission& action) {
    const auto network = member_network(turn);
    if (!network) {
        return;
    }
    const auto field = [&](const char* id) {
        const auto found = action.fields.find(id);
        return found == action.fields.end() ? std::string() : std::string(trim(found->second));
    };
    Submission submission;
    submission.text = field("text");
    submission.explanation = field("explanation");
    submission.introduces = toggle_on(field("introduce"));
    submission.hidden = toggle_on(field("hidden"));
    if (const auto kind_text = field("kind"); !kind_text.empty()) {
        const auto kind = parse_kind_word(kind_text);
        if (!kind) {
            turn.reply_text("agenda.kind_unknown", {{"typed", kind_text}});
            return;
        }
        submission.kind = *kind;
    }
    store_submission(turn, *network, std::move(submission));
}

}  // namespace leernetwerk::detail
