// The adviser's decision on an external expert request: one click on the card and a reason (or
// `deskundige 2 goedkeuren <reden>` typed), who hears it, and the network's announcement of an
// approved expert; `deskundige 2 intrekken` before it is decided.
#include <algorithm>
#include <charconv>
#include <span>

#include "bot/features/experts/experts.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

constexpr auto kReasonTtl = std::chrono::hours(24 * 7);
constexpr std::size_t kMaxReason = 1000;

enum class Verb { show, approve, decline, withdraw };

/// The verb after the number ("goedkeuren", "decline", …), taken off `rest`; show when none.
Verb read_verb(std::string& rest) {
    const auto [word, after] = first_word(rest);
    const auto folded = bare_word(word);
    // Arrays of their own: an initializer_list inside a pair would end with the pair's
    // initialiser, before the loop reads it.
    static constexpr std::string_view kApprove[] = {"goedkeuren", "goedgekeurd", "akkoord",
                                                    "approve", "approved"};
    static constexpr std::string_view kDecline[] = {"afwijzen", "afgewezen", "decline",
                                                    "declined", "reject"};
    static constexpr std::string_view kWithdraw[] = {"intrekken", "ingetrokken", "withdraw",
                                                     "withdrawn"};
    const std::pair<Verb, std::span<const std::string_view>> kVerbs[] = {
        {Verb::approve, kApprove},
        {Verb::decline, kDecline},
        {Verb::withdraw, kWithdraw},
    };
    for (const auto& [verb, spellings] : kVerbs) {
        if (is_word(folded, spellings)) {
            rest = after;
            return verb;
        }
    }
    return Verb::show;
}

/// Tells the sender the request was decided (or withdrawn) already: by whom and when.
void reply_decided(Turn& turn, const ExpertRequest& request) {
    turn.reply_privately(
        TextContent{turn.t("expert.already_decided", {{"number", std::to_string(request.number)}}) +
                        " " + decision_label(turn.store, turn.settings, request, turn.lang) + ".",
                    {}});
}

/// Who hears a decision: the requester and whoever runs the network.
std::vector<Member> facilitators(Store& store, const ExpertRequest& request) {
    std::vector<Member> people;
    if (request.requested_by) {
        if (auto requester = store.member(*request.requested_by)) {
            people.push_back(*requester);
        }
    }
    for (const auto& entry : store.roster(request.network_id)) {
        const bool listed = std::any_of(people.begin(), people.end(),
                                        [&](const Member& m) { return m.id == entry.member.id; });
        if (can_manage_network(entry.membership.role) && !listed) {
            people.push_back(entry.member);
        }
    }
    return people;
}

void tell_facilitators(Turn& turn, const ExpertRequest& request, const Network& network) {
    const auto key = request.status == ExpertRequestStatus::approved ? "expert.approved_notice"
                                                                     : "expert.declined_notice";
    for (const auto& person : facilitators(turn.store, request)) {
        if (turn.me && person.id == turn.me->id) {
            continue;  // the adviser runs this network too: the reply says it
        }
        turn.postman.to_member(
            person,
            [&](Lang lang) {
                return Content{TextContent{
                    tr(lang, key,
                       {{"number", std::to_string(request.number)},
                        {"network", network.name},
                        {"adviser", turn.me->display_name},
                        {"reason", request.decision_reason.empty() ? tr(lang, "expert.no_reason")
                                                                   : request.decision_reason},
                        {"expert", request.expert},
                        {"organisation", request.organisation},
                        {"meetings", meetings_label(turn.store, request.meeting_ids, lang)}}),
                    {}}};
            },
            Privately{network.id});
    }
}

/// An approved expert, said once in the network's group conversation(s).
void announce(Turn& turn, const ExpertRequest& request, const Network& network) {
    turn.postman.to_network(network.id, [&](Lang lang) {
        return Content{
            TextContent{tr(lang, "expert.announce",
                           {{"expert", request.expert},
                            {"organisation", request.organisation},
                            {"topic", request.topic},
                            {"meetings", meetings_label(turn.store, request.meeting_ids, lang)}}),
                        {}}};
    });
}

/// Whether the sender may not take this decision now; they are told why.
bool decision_refused(Turn& turn, const ExpertRequest& request, bool approve,
                      const std::string& reason) {
    if (!is_adviser(turn.store, turn.settings, turn.me->id)) {
        turn.reply_privately(TextContent{turn.t("expert.not_adviser"), {}});
        return true;
    }
    if (request.status != ExpertRequestStatus::pending) {
        reply_decided(turn, request);
        return true;
    }
    if (!approve && reason.empty()) {
        // A decline without a reason leaves the facilitator guessing what to change.
        turn.reply_privately(TextContent{
            turn.t("expert.reason_needed", {{"number", std::to_string(request.number)}}), {}});
        return true;
    }
    if (utf8_length(reason) > kMaxReason) {
        turn.reply_privately(TextContent{
            turn.t("expert.reason_too_long", {{"max", std::to_string(kMaxReason)}}), {}});
        return true;
    }
    return false;
}

/// Takes the adviser's decision; false (after a reply) when it cannot be taken.
bool decide(Turn& turn, ExpertRequest request, bool approve, const std::string& typed_reason) {
    const auto reason = std::string(trim(typed_reason));
    const auto network = turn.store.network(request.network_id);
    if (!network || decision_refused(turn, request, approve, reason)) {
        return false;
    }
    request.status = approve ? ExpertRequestStatus::approved : ExpertRequestStatus::declined;
    request.decided_by = turn.me->id;
    request.decision_reason = reason;
    request.decided_at = turn.now;
    turn.store.update_expert_request(request);
    close_cards(turn, request.id, decision_label(turn.store, turn.settings, request, turn.lang));
    turn.reply_privately(TextContent{
        turn.t(approve ? "expert.approved" : "expert.declined",
               {{"number", std::to_string(request.number)}, {"network", network->name}}),
        {}});
    tell_facilitators(turn, request, *network);
    if (approve) {
        announce(turn, request, *network);
    }
    return true;
}

/// `deskundige 2 intrekken`: its requester or who runs the network, while it waits.
void withdraw(Turn& turn, ExpertRequest request) {
    const bool mine = request.requested_by == turn.me->id;
    if (!mine && !turn.manages(request.network_id)) {
        turn.reply_text("expert.withdraw_refused", {{"number", std::to_string(request.number)}});
        return;
    }
    if (request.status != ExpertRequestStatus::pending) {
        reply_decided(turn, request);
        return;
    }
    request.status = ExpertRequestStatus::withdrawn;
    request.decided_by = turn.me->id;
    request.decided_at = turn.now;
    turn.store.update_expert_request(request);
    close_cards(turn, request.id, decision_label(turn.store, turn.settings, request, turn.lang));
    turn.reply_text("expert.withdrawn", {{"number", std::to_string(request.number)}});
}

/// `deskundige 2`: the request, for an adviser, its requester or who runs the network.
void show(Turn& turn, const ExpertRequest& request) {
    const bool may_see = is_adviser(turn.store, turn.settings, turn.me->id) ||
                         request.requested_by == turn.me->id || turn.manages(request.network_id);
    if (!may_see) {
        turn.reply_text("expert.not_found", {{"number", std::to_string(request.number)}});
        return;
    }
    const std::string text = describe_request(turn.store, request, turn.lang) + "\n" +
                             turn.t("expert.status_line") + " " +
                             decision_label(turn.store, turn.settings, request, turn.lang);
    turn.reply_privately(TextContent{text, {}});
}

/// The networks a typed request number is looked up in: every network for an adviser (they
/// decide for all), else the sender's (numbers.cpp). A network named at the end is cut off.
std::vector<Network> request_networks(Turn& turn, std::string& rest) {
    if (!is_adviser(turn.store, turn.settings, turn.me->id)) {
        return number_networks(turn, rest);
    }
    auto all = turn.store.networks();
    if (const auto named = cut_network_name(rest, all)) {
        return {all[*named]};
    }
    return all;
}

/// The one request a number means, or nullopt after saying why not.
std::optional<ExpertRequest> find_request(Turn& turn, int number, std::string& rest) {
    std::vector<ExpertRequest> found;
    std::vector<std::string> names;
    for (const auto& network : request_networks(turn, rest)) {
        if (auto request = turn.store.expert_request_by_number(network.id, number)) {
            found.push_back(std::move(*request));
            names.push_back(network.name);
        }
    }
    if (found.size() > 1) {
        turn.reply_text("expert.which_network", {{"number", std::to_string(number)},
                                                 {"networks", join_names(names, turn.lang)},
                                                 {"example", names.front()}});
        return std::nullopt;
    }
    if (found.empty()) {
        turn.reply_text("expert.not_found", {{"number", std::to_string(number)}});
        return std::nullopt;
    }
    return found.front();
}

std::optional<PendingAction> open_reason_form(Turn& turn, std::string_view action_id) {
    const auto number = action_id.substr(std::string_view("form:expert_reason:").size());
    Id id = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), id);
    auto pending = error == std::errc() ? turn.store.pending(id) : std::nullopt;
    if (!pending || pending->kind != kExpertReasonKind || pending->member_id != turn.me->id) {
        return std::nullopt;
    }
    return pending;
}

/// An earlier reason form of the adviser is replaced by a new one.
void close_reason_forms(Turn& turn) {
    for (const auto& pending : turn.store.pending_of_member(turn.me->id)) {
        if (pending.kind == kExpertReasonKind) {
            close_form(turn, pending, turn.t("expert.reason_replaced"));
        }
    }
}

/// After the click: the reason, asked in a form that is answered once.
void ask_reason(Turn& turn, const ExpertRequest& request, bool approve) {
    close_reason_forms(turn);
    PendingAction pending;
    pending.member_id = turn.me->id;
    pending.network_id = request.network_id;
    pending.kind = std::string(kExpertReasonKind);
    pending.payload = std::to_string(request.id) + (approve ? " approve" : " decline");
    pending.created_at = turn.now;
    pending.expires_at = turn.now + kReasonTtl;
    pending.id = turn.store.create_pending(pending);
    const MessageArgs args{
        {"number", std::to_string(request.number)},
        {"verb", turn.t(approve ? "expert.verb_approve" : "expert.verb_decline")}};
    ShortForm form;
    form.action_id = "form:expert_reason:" + std::to_string(pending.id);
    form.title =
        turn.t(approve ? "expert.reason_title_approve" : "expert.reason_title_decline", args);
    form.intro = turn.t("expert.reason_intro", args);
    form.fields = {
        {"reason", turn.t("expert.field_reason"), FormField::Kind::multiline, !approve, ""}};
    form.submit_label = turn.t(approve ? "expert.approve" : "expert.decline");
    turn.store.set_pending_question(pending.id, turn.reply_privately(form));
    turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                             pending.expires_at, "", JobState::due});
}

}  // namespace

void expert_card_click(Turn& turn, const ActionSubmission& action, Id request_id) {
    const auto request = turn.store.expert_request(request_id);
    const auto& choice = action.choice_ids.front();
    if (!request || (choice != "approve" && choice != "decline")) {
        turn.reply_text("action.unknown");
        return;
    }
    if (!is_adviser(turn.store, turn.settings, turn.me->id)) {
        turn.reply_privately(TextContent{turn.t("expert.not_adviser"), {}});
        return;
    }
    if (request->status != ExpertRequestStatus::pending) {
        reply_decided(turn, *request);
        return;
    }
    ask_reason(turn, *request, choice == "approve");
}

void expert_reason_form(Turn& turn, const ActionSubmission& action) {
    const auto form = open_reason_form(turn, action.action_id);
    if (!form) {
        turn.reply_privately(TextContent{turn.t("expert.form_used"), {}});
        return;
    }
    const auto [id_text, choice] = first_word(form->payload);
    const auto request_id = read_number(id_text);
    const auto request = request_id ? turn.store.expert_request(*request_id) : std::nullopt;
    if (!request) {
        close_form(turn, *form, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return;
    }
    const auto reason = action.fields.contains("reason") ? action.fields.at("reason") : "";
    const bool approve = choice == "approve";
    if (decide(turn, *request, approve, reason)) {
        close_form(turn, *form,
                   turn.t(approve ? "expert.status.approved" : "expert.status.declined"));
    } else if (turn.store.expert_request(request->id)->status != ExpertRequestStatus::pending) {
        close_form(turn, *form, turn.t("confirm.closed_gone"));
    }
}

void expert_command(Turn& turn, const std::string& args) {
    const auto number = read_leading_number(args, kMaxIntDigits);
    if (!number) {
        if (!turn.event.ambient) {  // "deskundige uitleg was goed": members talking
            turn.reply_text("expert.usage");
        }
        return;
    }
    auto rest = number->rest;
    const auto verb = read_verb(rest);
    const auto request = find_request(turn, static_cast<int>(number->number), rest);
    if (!request) {
        return;
    }
    switch (verb) {
        case Verb::show:
            show(turn, *request);
            return;
        case Verb::approve:
        case Verb::decline:
            decide(turn, *request, verb == Verb::approve, rest);
            return;
        case Verb::withdraw:
            withdraw(turn, *request);
            return;
    }
}

}  // namespace leernetwerk::detail
