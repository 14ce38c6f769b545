// What is shown of external expert requests: a request's facts, `deskundigen` (the list), the
// expert on a meeting in `bijeenkomsten` and `volgende`, and a member's requests in `mijn
// gegevens`; and the adviser cards a decision closes.
#include <algorithm>

#include "bot/features/experts/experts.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

std::string cards_key(Id request_id) {
    return "core.expert_cards:" + std::to_string(request_id);
}

std::string network_name(Store& store, Id network_id) {
    const auto network = store.network(network_id);
    return network ? network->name : "#" + std::to_string(network_id);
}

std::string member_name(Store& store, std::optional<Id> member_id, Lang lang) {
    const auto member = member_id ? store.member(*member_id) : std::nullopt;
    return member ? member->display_name : tr(lang, "expert.someone");
}

/// "#2 · wacht op de adviseur · Rekenproblemen · Dr. Jansen (Rekenlab) · #3, #4"
std::string request_row(Store& store, const BotSettings& settings, const ExpertRequest& request,
                        Lang lang) {
    std::string meetings;
    for (const auto id : request.meeting_ids) {
        meetings += (meetings.empty() ? "#" : ", #") + std::to_string(id);
    }
    auto row = tr(lang, "expert.list_row",
                  {{"number", std::to_string(request.number)},
                   {"status", status_label(request.status, lang)},
                   {"topic", request.topic},
                   {"expert", request.expert},
                   {"organisation", request.organisation},
                   {"meetings", meetings}});
    if (request.status != ExpertRequestStatus::pending) {
        row += " — " + decision_label(store, settings, request, lang);
    }
    return row;
}

/// The requests of one network as a titled list; empty when it has none.
std::string network_list(Store& store, const BotSettings& settings, const Network& network,
                         Lang lang) {
    const auto requests = store.expert_requests_of(network.id);
    if (requests.empty()) {
        return {};
    }
    std::string text = tr(lang, "expert.list_title", {{"network", network.name}});
    for (const auto& request : requests) {
        text += "\n- " + request_row(store, settings, request, lang);
    }
    return text;
}

/// An adviser's `deskundigen`: every network's requests (they decide them all).
void list_for_adviser(Turn& turn) {
    std::string text;
    for (const auto& network : turn.store.networks()) {
        const auto part = network_list(turn.store, turn.settings, network, turn.lang);
        if (!part.empty()) {
            text += (text.empty() ? "" : "\n\n") + part;
        }
    }
    if (text.empty()) {
        turn.reply_text("expert.list_none_anywhere");
        return;
    }
    turn.reply_privately(TextContent{text + "\n\n" + turn.t("expert.list_adviser_hint"), {}});
}

}  // namespace

bool is_adviser(Store& store, const BotSettings& settings, Id member_id) {
    const auto& advisers = settings.participation.advisers;
    for (const auto& identity : store.identities_of(member_id)) {
        if (std::any_of(advisers.begin(), advisers.end(), [&](const PlatformUser& adviser) {
                return adviser.platform == identity.platform && adviser.user_id == identity.user_id;
            })) {
            return true;
        }
    }
    return false;
}

std::string status_label(ExpertRequestStatus status, Lang lang) {
    return tr(lang, "expert.status." + std::string(expert_request_status_code(status)));
}

std::string meetings_label(Store& store, const std::vector<Id>& meeting_ids, Lang lang) {
    std::vector<std::string> labels;
    for (const auto id : meeting_ids) {
        const auto meeting = store.meeting(id);
        if (!meeting) {
            labels.push_back("#" + std::to_string(id));
            continue;
        }
        const auto topic = meeting->topic.empty() ? tr(lang, "meeting.no_topic") : meeting->topic;
        labels.push_back("#" + std::to_string(id) + " " +
                         format_moment(meeting->local_start, lang) + " (" + topic + ")");
    }
    return join_names(labels, lang);
}

std::string decision_label(Store& store, const BotSettings& settings, const ExpertRequest& request,
                           Lang lang) {
    if (!request.decided_at) {
        return status_label(request.status, lang);
    }
    const auto network = store.network(request.network_id);
    const auto zone =
        network && !network->time_zone.empty() ? network->time_zone : settings.default_time_zone;
    const auto local = to_local(*request.decided_at, zone)
                           .value_or(LocalTime{request.decided_at->time_since_epoch()});
    auto label = tr(lang, "expert.decided_by",
                    {{"status", status_label(request.status, lang)},
                     {"name", member_name(store, request.decided_by, lang)},
                     {"when", format_moment(local, lang)}});
    if (!request.decision_reason.empty()) {
        label += " " + tr(lang, "expert.reason_line", {{"reason", request.decision_reason}});
    }
    return label;
}

std::string describe_request(Store& store, const ExpertRequest& request, Lang lang) {
    return tr(lang, "expert.facts",
              {{"number", std::to_string(request.number)},
               {"network", network_name(store, request.network_id)},
               {"requester", member_name(store, request.requested_by, lang)},
               {"topic", request.topic},
               {"goal", request.goal},
               {"expert", request.expert},
               {"organisation", request.organisation},
               {"quote", request.quote},
               {"meetings", meetings_label(store, request.meeting_ids, lang)}});
}

void remember_cards(Store& store, Id request_id, const std::vector<Id>& message_ids, Instant now) {
    std::string joined;
    for (const auto id : message_ids) {
        joined += (joined.empty() ? "" : ",") + std::to_string(id);
    }
    store.set_adapter_state(cards_key(request_id), joined, now);
}

void close_cards(Turn& turn, Id request_id, const std::string& note) {
    const auto joined = turn.store.adapter_state(cards_key(request_id));
    if (!joined) {
        return;
    }
    for (const auto& typed : split(*joined, ',')) {
        const auto id = read_number(typed);
        auto row = id ? turn.store.outbox_row(*id) : std::nullopt;
        if (!row) {
            continue;
        }
        if (auto* card = std::get_if<ChoiceQuestion>(&row->message.content);
            card && card->closed_note.empty()) {
            card->closed_note = note;
            turn.update(row->message.id, row->message.to, *card, row->message.lang);
        }
    }
}

void close_form(Turn& turn, const PendingAction& form, const std::string& note) {
    turn.store.delete_pending(form.id);
    turn.store.cancel_job(kPendingExpiryJob, std::to_string(form.id));
    auto row =
        form.question_message_id ? turn.store.outbox_row(*form.question_message_id) : std::nullopt;
    if (!row) {
        return;
    }
    if (auto* card = std::get_if<ShortForm>(&row->message.content)) {
        card->closed_note = note;
        turn.update(row->message.id, row->message.to, *card, row->message.lang);
    }
}

std::string expert_on_meeting(Store& store, const Meeting& meeting, Lang lang) {
    for (const auto& request : store.expert_requests_of(meeting.network_id)) {
        const auto& ids = request.meeting_ids;
        if (request.status == ExpertRequestStatus::approved &&
            std::find(ids.begin(), ids.end(), meeting.id) != ids.end()) {
            return tr(lang, "expert.on_meeting",
                      {{"expert", request.expert}, {"organisation", request.organisation}});
        }
    }
    return {};
}

std::vector<std::string> expert_requests_of_member(Store& store, Id member_id, Lang lang) {
    std::vector<std::string> lines;
    for (const auto& request : store.expert_requests_by(member_id)) {
        lines.push_back(tr(lang, "expert.mydata_row",
                           {{"network", network_name(store, request.network_id)},
                            {"number", std::to_string(request.number)},
                            {"topic", request.topic},
                            {"expert", request.expert},
                            {"organisation", request.organisation},
                            {"status", status_label(request.status, lang)}}));
    }
    return lines;
}

void list_expert_requests(Turn& turn, const std::string& args) {
    if (turn.event.ambient && !trim(args).empty()) {
        return;  // "experts zijn duur": members talking, not the command
    }
    if (is_adviser(turn.store, turn.settings, turn.me->id)) {
        list_for_adviser(turn);
        return;
    }
    const auto network = turn.require_manager("expert_requests");
    if (!network) {
        return;
    }
    const auto text = network_list(turn.store, turn.settings, *network, turn.lang);
    if (text.empty()) {
        turn.reply_text("expert.list_none", {{"network", network->name}});
        return;
    }
    turn.reply(TextContent{text, {}});
}

}  // namespace leernetwerk::detail
