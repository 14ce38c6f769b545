// Asking for an external expert: `externe deskundige` typed or through its form, the checks
// (HSN's rules: one or two meetings, an independent party, the café's limit per school year), and
// the request's card to every adviser education & quality.
#include <algorithm>
#include <charconv>
#include <set>

#include "bot/features/experts/experts.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::detail {
namespace {

constexpr auto kFormTtl = std::chrono::hours(24 * 7);
constexpr std::size_t kMaxShort = 200;  ///< topic, expert, organisation
constexpr std::size_t kMaxGoal = 1000;
constexpr std::size_t kMaxQuote = 500;
/// HSN: an external expert for one or two meetings (DOMAIN.md §3.1).
constexpr std::size_t kMaxMeetingsPerRequest = 2;

/// What a facilitator filled in, typed or in the form.
struct RequestInput {
    std::string topic;
    std::string goal;
    std::string expert;
    std::string organisation;
    std::string quote;
    std::string meetings;
    bool independent = false;
};

/// A card's toggle is on: a yes, or the values toggles send (as the agenda form reads them).
bool toggle_on(std::string_view value) {
    return means_yes(value) || is_word(fold(value), {"true", "1", "on", "aan", "x"});
}

/// The typed request's last part confirms the expert is no HSN employee.
bool means_independent(std::string_view typed) {
    return toggle_on(typed) ||
           is_phrase(typed,
                     {"onafhankelijk", "onafhankelijke partij", "independent", "independent party",
                      "geen hsn-medewerker", "geen hsn medewerker", "not an hsn employee"});
}

/// "onderwerp | doel | naam | organisatie | offerte | 3, 4 | onafhankelijk", in that order.
RequestInput read_typed(const std::string& args) {
    const auto parts = bar_parts(args);
    const auto part = [&](std::size_t index) {
        return index < parts.size() ? parts[index] : std::string();
    };
    return {part(0), part(1), part(2), part(3), part(4), part(5), means_independent(part(6))};
}

/// The first empty required field's label, if one is.
std::optional<std::string> missing_field(Turn& turn, const RequestInput& input) {
    const std::pair<const std::string*, std::string_view> required[] = {
        {&input.topic, "expert.field_topic"},   {&input.goal, "expert.field_goal"},
        {&input.expert, "expert.field_expert"}, {&input.organisation, "expert.field_organisation"},
        {&input.quote, "expert.field_quote"},   {&input.meetings, "expert.field_meetings"},
    };
    for (const auto& [value, label] : required) {
        if (trim(*value).empty()) {
            return turn.t(label);
        }
    }
    return std::nullopt;
}

bool too_long(Turn& turn, const RequestInput& input) {
    const std::tuple<const std::string*, std::size_t, std::string_view> limits[] = {
        {&input.topic, kMaxShort, "expert.field_topic"},
        {&input.expert, kMaxShort, "expert.field_expert"},
        {&input.organisation, kMaxShort, "expert.field_organisation"},
        {&input.goal, kMaxGoal, "expert.field_goal"},
        {&input.quote, kMaxQuote, "expert.field_quote"},
    };
    for (const auto& [value, max, label] : limits) {
        if (utf8_length(*value) > max) {
            turn.reply_text("expert.too_long",
                            {{"field", turn.t(label)}, {"max", std::to_string(max)}});
            return true;
        }
    }
    return false;
}

/// The quote is a https link or a short reference to an attachment ("bijlage in de mail van 3
/// maart"); a link of another scheme (http, javascript:, file:, mailto:) is refused, since the
/// adviser would open it.
bool quote_acceptable(std::string_view quote) {
    const auto folded = fold(quote);
    for (const auto& word : words(folded)) {
        const auto colon = word.find(':');
        if (colon == std::string::npos || colon == 0) {
            continue;
        }
        const auto scheme = word.substr(0, colon);
        const bool url_like = word.find("://") != std::string::npos ||
                              is_word(scheme, {"javascript", "data", "file", "mailto", "vbscript",
                                               "ftp", "http", "tel", "sms"});
        if (url_like && !(word.rfind("https://", 0) == 0 && word.size() > 8)) {
            return false;
        }
    }
    return true;
}

/// Reads "3, 4", "#3 en #4", "3 4" as meeting numbers; nullopt when a part is no number.
std::optional<std::vector<Id>> read_meeting_numbers(std::string_view typed) {
    std::string normalized(typed);
    std::replace_if(
        normalized.begin(), normalized.end(), [](char c) { return c == ',' || c == ';'; }, ' ');
    std::vector<Id> ids;
    for (const auto& word : words(normalized)) {
        if (is_word(word,
                    {"en", "and", "&", "bijeenkomst", "bijeenkomsten", "meeting", "meetings"})) {
            continue;
        }
        const auto number = read_hash_number(word);
        if (!number) {
            return std::nullopt;
        }
        if (std::find(ids.begin(), ids.end(), *number) == ids.end()) {
            ids.push_back(*number);
        }
    }
    return ids;
}

/// The network's meetings still to come, "#3 di 9 februari 2027 15:30 (onderwerp)", for a
/// facilitator choosing them.
std::string coming_meetings(Turn& turn, const Network& network) {
    std::vector<Id> ids;
    for (const auto& meeting : turn.store.meetings_of(network.id)) {
        if (meeting.status == MeetingStatus::planned && meeting.starts_at > turn.now) {
            ids.push_back(meeting.id);
        }
    }
    if (ids.empty()) {
        return turn.t("expert.no_coming_meetings");
    }
    return turn.t("expert.coming_meetings",
                  {{"meetings", meetings_label(turn.store, ids, turn.lang)}});
}

/// The meetings, checked: the network's own, planned, still to come. Replies when one is not.
std::optional<std::vector<Meeting>> check_meetings(Turn& turn, const Network& network,
                                                   const std::string& typed) {
    const auto ids = read_meeting_numbers(typed);
    if (!ids || ids->empty()) {
        turn.reply(TextContent{turn.t("expert.meetings_unreadable", {{"typed", typed}}) + " " +
                                   coming_meetings(turn, network),
                               {}});
        return std::nullopt;
    }
    if (ids->size() > kMaxMeetingsPerRequest) {
        turn.reply_text("expert.too_many_meetings", {{"count", std::to_string(ids->size())}});
        return std::nullopt;
    }
    std::vector<Meeting> meetings;
    for (const auto id : *ids) {
        const auto meeting = turn.store.meeting(id);
        const MessageArgs args{{"number", std::to_string(id)}, {"network", network.name}};
        if (!meeting || meeting->network_id != network.id) {
            turn.reply_text("expert.meeting_unknown", args);
            return std::nullopt;
        }
        if (meeting->status != MeetingStatus::planned) {
            turn.reply_text("expert.meeting_cancelled", args);
            return std::nullopt;
        }
        if (meeting->starts_at <= turn.now) {
            turn.reply_text("expert.meeting_past", args);
            return std::nullopt;
        }
        meetings.push_back(*meeting);
    }
    return meetings;
}

int school_year_of_meeting(const Meeting& meeting) {
    return school_year_of(date::floor<date::days>(meeting.local_start));
}

/// The café's limit (ParticipationSettings::max_expert_meetings distinct meetings a school year,
/// counting requests waiting and approved), and no meeting asked for twice. Replies when broken.
bool within_limit(Turn& turn, const Network& network, const std::vector<Meeting>& meetings,
                  int school_year) {
    std::set<Id> counted;
    for (const auto& request : turn.store.expert_requests_of(network.id)) {
        if (request.school_year != school_year ||
            (request.status != ExpertRequestStatus::pending &&
             request.status != ExpertRequestStatus::approved)) {
            continue;
        }
        for (const auto& meeting : meetings) {
            const auto& ids = request.meeting_ids;
            if (std::find(ids.begin(), ids.end(), meeting.id) != ids.end()) {
                turn.reply_text("expert.meeting_taken",
                                {{"meeting", std::to_string(meeting.id)},
                                 {"number", std::to_string(request.number)},
                                 {"status", status_label(request.status, turn.lang)}});
                return false;
            }
        }
        counted.insert(request.meeting_ids.begin(), request.meeting_ids.end());
    }
    const auto max = turn.settings.participation.max_expert_meetings;
    if (counted.size() + meetings.size() > static_cast<std::size_t>(std::max(max, 0))) {
        turn.reply_text("expert.limit",
                        {{"network", network.name},
                         {"max", std::to_string(max)},
                         {"year", school_year_label(school_year)},
                         {"used", std::to_string(counted.size())},
                         {"meetings", meetings_label(turn.store, {counted.begin(), counted.end()},
                                                     turn.lang)}});
        return false;
    }
    return true;
}

/// The typed parts, checked before the meetings: all there, the independence confirmed, not too
/// long, a quote that is safe to open. Replies when one is not.
bool parts_acceptable(Turn& turn, const RequestInput& input) {
    if (const auto missing = missing_field(turn, input)) {
        turn.reply_text("expert.missing", {{"field", *missing}});
        return false;
    }
    if (!input.independent) {
        turn.reply_text("expert.not_independent");
        return false;
    }
    if (too_long(turn, input)) {
        return false;
    }
    if (!quote_acceptable(input.quote)) {
        turn.reply_text("expert.quote_link", {{"typed", input.quote}});
        return false;
    }
    return true;
}

ExpertRequest make_request(Turn& turn, const Network& network, const RequestInput& input,
                           const std::vector<Meeting>& meetings, int school_year) {
    ExpertRequest request;
    request.network_id = network.id;
    request.school_year = school_year;
    request.requested_by = turn.me->id;
    request.topic = std::string(trim(input.topic));
    request.goal = std::string(trim(input.goal));
    request.expert = std::string(trim(input.expert));
    request.organisation = std::string(trim(input.organisation));
    request.quote = std::string(trim(input.quote));
    request.independent = true;
    for (const auto& meeting : meetings) {
        request.meeting_ids.push_back(meeting.id);
    }
    request.created_at = turn.now;
    return request;
}

/// The request to store, or nullopt after telling the facilitator what to change.
std::optional<ExpertRequest> checked_request(Turn& turn, const Network& network,
                                             const RequestInput& input) {
    if (!parts_acceptable(turn, input)) {
        return std::nullopt;
    }
    const auto meetings = check_meetings(turn, network, input.meetings);
    if (!meetings) {
        return std::nullopt;
    }
    const int year = school_year_of_meeting(meetings->front());
    if (std::any_of(meetings->begin(), meetings->end(),
                    [&](const Meeting& m) { return school_year_of_meeting(m) != year; })) {
        turn.reply_text("expert.two_years");
        return std::nullopt;
    }
    if (!within_limit(turn, network, *meetings, year)) {
        return std::nullopt;
    }
    return make_request(turn, network, input, *meetings, year);
}

/// The adviser's member, made from their configured account when the bot does not know them
/// yet, so that the card can open a direct chat with them.
Member adviser_member(Turn& turn, const PlatformUser& adviser) {
    if (auto known = turn.store.member_by_identity(adviser.platform, adviser.user_id)) {
        return *known;
    }
    Member member;
    member.display_name = adviser.user_id;  // their platform name replaces it when they write
    member.created_at = turn.now;
    member.id = turn.store.create_member(member);
    turn.store.link_identity({adviser.platform, adviser.user_id, member.id});
    return member;
}

ChoiceQuestion adviser_card(Store& store, const ExpertRequest& request, Lang lang) {
    ChoiceQuestion card;
    card.action_id = "expert:" + std::to_string(request.id);
    card.prompt = describe_request(store, request, lang) + "\n\n" + tr(lang, "expert.card_ask");
    card.choices = {{"approve", tr(lang, "expert.approve")},
                    {"decline", tr(lang, "expert.decline")}};
    return card;
}

/// Sends the request's card to every configured adviser; their names, empty when none is
/// configured.
std::vector<std::string> send_to_advisers(Turn& turn, const ExpertRequest& request) {
    std::vector<std::string> names;
    std::vector<Id> cards;
    for (const auto& adviser : turn.settings.participation.advisers) {
        const auto member = adviser_member(turn, adviser);
        const auto id = turn.postman.to_member(
            member, [&](Lang lang) { return Content{adviser_card(turn.store, request, lang)}; },
            Privately{request.network_id});
        if (id != 0) {
            cards.push_back(id);
            names.push_back(member.display_name);
        }
    }
    remember_cards(turn.store, request.id, cards, turn.now);
    return names;
}

/// Stores a checked request, sends it to the advisers and tells the facilitator; false (after a
/// reply) when it could not be used.
bool submit(Turn& turn, const Network& network, const RequestInput& input) {
    auto request = checked_request(turn, network, input);
    if (!request) {
        return false;
    }
    request->id = turn.store.create_expert_request(*request);
    request = turn.store.expert_request(request->id);
    const auto advisers = send_to_advisers(turn, *request);
    const MessageArgs args{
        {"number", std::to_string(request->number)},
        {"network", network.name},
        {"advisers", join_names(advisers, turn.lang)},
        {"meetings", meetings_label(turn.store, request->meeting_ids, turn.lang)}};
    if (advisers.empty()) {
        log_line(LogLevel::warn,
                 "external expert request " + std::to_string(request->number) + " of " +
                     network.name +
                     " waits for an adviser: none is configured ([participation] advisers)");
        turn.reply_text("expert.sent_no_adviser", args);
        return true;
    }
    turn.reply_text("expert.sent", args);
    return true;
}

ShortForm request_form(Turn& turn, const Network& network, Id pending_id) {
    ShortForm form;
    form.action_id = "form:expert_request:" + std::to_string(pending_id);
    form.title = turn.t("expert.form_title", {{"network", network.name}});
    form.intro =
        turn.t("expert.form_intro",
               {{"max", std::to_string(turn.settings.participation.max_expert_meetings)}}) +
        " " + coming_meetings(turn, network);
    using Kind = FormField::Kind;
    form.fields = {
        {"topic", turn.t("expert.field_topic"), Kind::text, true, ""},
        {"goal", turn.t("expert.field_goal"), Kind::multiline, true, ""},
        {"expert", turn.t("expert.field_expert"), Kind::text, true, ""},
        {"organisation", turn.t("expert.field_organisation"), Kind::text, true, ""},
        {"quote", turn.t("expert.field_quote"), Kind::text, true,
         turn.t("expert.field_quote_example")},
        {"meetings", turn.t("expert.field_meetings"), Kind::text, true,
         turn.t("expert.field_meetings_example")},
        {"independent", turn.t("expert.field_independent"), Kind::toggle, true, ""},
    };
    form.submit_label = turn.t("expert.form_submit");
    return form;
}

void send_form(Turn& turn, const Network& network) {
    // Answered once: a second click on Versturen sends nothing twice.
    PendingAction pending;
    pending.member_id = turn.me->id;
    pending.network_id = network.id;
    pending.kind = std::string(kExpertFormKind);
    pending.created_at = turn.now;
    pending.expires_at = turn.now + kFormTtl;
    pending.id = turn.store.create_pending(pending);
    turn.store.set_pending_question(pending.id,
                                    turn.reply(request_form(turn, network, pending.id)));
    turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                             pending.expires_at, "", JobState::due});
}

std::optional<PendingAction> open_form(Turn& turn, std::string_view action_id) {
    const auto number = action_id.substr(std::string_view("form:expert_request:").size());
    Id id = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), id);
    auto pending = error == std::errc() ? turn.store.pending(id) : std::nullopt;
    if (!pending || pending->kind != kExpertFormKind || pending->member_id != turn.me->id) {
        return std::nullopt;
    }
    return pending;
}

}  // namespace

void request_expert(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        send_form(turn, *network);
        return;
    }
    submit(turn, *network, read_typed(args));
}

void request_expert_form(Turn& turn, const ActionSubmission& action) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto form = open_form(turn, action.action_id);
    if (!form) {
        turn.reply_privately(TextContent{turn.t("expert.form_used"), {}});
        return;
    }
    const auto field = [&](const char* id) {
        const auto found = action.fields.find(id);
        return found == action.fields.end() ? std::string() : std::string(trim(found->second));
    };
    const RequestInput input{field("topic"),
                             field("goal"),
                             field("expert"),
                             field("organisation"),
                             field("quote"),
                             field("meetings"),
                             toggle_on(field("independent"))};
    if (!submit(turn, *network, input)) {
        return;  // the form stays open to be corrected
    }
    close_form(turn, *form, turn.t("expert.form_closed", {{"name", turn.me->display_name}}));
}

}  // namespace leernetwerk::detail
