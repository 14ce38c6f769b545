// "Wat bewaar ik?" (DOMAIN.md §5.8 S8): a member sees what the bot keeps about them, gets all of
// it in one private message, and can have it erased.
#include <algorithm>
#include <optional>
#include <string>

#include "bot/features/participation/participation.hpp"
#include "bot/features/polls/poll_parts.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

constexpr std::string_view kForgetMeKind = "forget_me";
/// Every question of a network in a state (the store reads them newest first, up to a limit).
constexpr int kAllQuestions = 1000000;
/// How long the "really erase?" question stays open.
constexpr std::chrono::hours kForgetMeTtl{24};

std::string network_name(Store& store, Id network_id) {
    const auto network = store.network(network_id);
    return network ? network->name : "#" + std::to_string(network_id);
}

std::string day_of(Turn& turn, Instant when) {
    const auto local = to_local(when, turn.settings.default_time_zone)
                           .value_or(LocalTime{when.time_since_epoch()});
    return format_day(date::floor<date::days>(local), turn.lang);
}

/// One "- " line per item, or the "none" word.
std::string list_or_none(Turn& turn, const std::vector<std::string>& lines) {
    if (lines.empty()) {
        return "\n- " + turn.t("mydata.none");
    }
    std::string out;
    for (const auto& line : lines) {
        out += "\n- " + line;
    }
    return out;
}

/// Everything kept about the sender, as Markdown sections; `full` adds every RSVP and meeting.
std::string describe(Turn& turn, const Member& me, bool full) {
    Store& store = turn.store;
    std::string text = turn.t(full ? "mydata.export_title" : "mydata.title");

    std::vector<std::string> profile;
    profile.push_back(turn.t("mydata.name", {{"name", me.display_name}}));
    profile.push_back(
        turn.t("mydata.school",
               {{"school", me.school_name.empty() ? turn.t("mydata.none") : me.school_name}}));
    const auto language_name =
        me.language ? turn.t("language.name." + std::string(lang_code(*me.language)))
                    : turn.t("mydata.language_default");
    profile.push_back(turn.t("mydata.language", {{"language", language_name}}));
    std::string tags;
    for (const auto& tag : me.expertise) {
        tags += (tags.empty() ? "" : ", ") + tag;
    }
    profile.push_back(
        turn.t("mydata.expertise", {{"tags", tags.empty() ? turn.t("mydata.none") : tags}}));
    profile.push_back(turn.t("mydata.since", {{"date", day_of(turn, me.created_at)}}));
    text += "\n\n" + turn.t("mydata.profile") + list_or_none(turn, profile);

    std::vector<std::string> accounts;
    for (const auto& identity : store.identities_of(me.id)) {
        // The console is the administrator's test chat (the demo gives every member an account
        // there): the overview leaves it out for someone asking on Teams or Matrix; the full
        // export lists it, named as what it is.
        if (identity.platform == Platform::console && !full &&
            turn.event.conversation.platform != Platform::console) {
            continue;
        }
        accounts.push_back(turn.t(
            "mydata.account",
            {{"platform", turn.t("mydata.platform." + std::string(platform_code(identity.platform)))},
             {"id", identity.user_id}}));
    }
    text += "\n\n" + turn.t("mydata.accounts") + list_or_none(turn, accounts);

    std::vector<std::string> networks;
    for (const auto& membership : store.memberships_of(me.id)) {
        networks.push_back(
            turn.t("mydata.membership", {{"network", network_name(store, membership.network_id)},
                                         {"role", role_label(membership.role, turn.lang)},
                                         {"date", day_of(turn, membership.joined_at)}}));
    }
    for (const auto& past : store.ended_memberships_of(me.id)) {
        networks.push_back(
            turn.t("mydata.past_membership", {{"network", network_name(store, past.network_id)},
                                              {"role", role_label(past.role, turn.lang)},
                                              {"from", day_of(turn, past.joined_at)},
                                              {"until", day_of(turn, past.left_at)}}));
    }
    text += "\n\n" + turn.t("mydata.networks") + list_or_none(turn, networks);

    const auto rsvps = store.rsvps_of_member(me.id);
    std::vector<std::string> answers;
    std::vector<std::string> preparing;
    std::vector<Id> network_ids;
    for (const auto& membership : store.memberships_of(me.id)) {
        network_ids.push_back(membership.network_id);
    }
    for (const auto& past : store.ended_memberships_of(me.id)) {
        network_ids.push_back(past.network_id);
    }
    std::sort(network_ids.begin(), network_ids.end());
    network_ids.erase(std::unique(network_ids.begin(), network_ids.end()), network_ids.end());
    for (const auto& rsvp : rsvps) {
        const auto meeting = store.meeting(rsvp.meeting_id);
        if (!meeting) {
            continue;
        }
        auto line = turn.t(
            rsvp.answer == RsvpAnswer::coming ? "mydata.rsvp_coming" : "mydata.rsvp_not_coming",
            {{"network", network_name(store, meeting->network_id)},
             {"date", format_moment(meeting->local_start, turn.lang)}});
        if (!rsvp.reason.empty()) {
            line += " " + turn.t("mydata.rsvp_reason", {{"reason", rsvp.reason}});
        }
        answers.push_back(line);
    }
    for (const auto network_id : network_ids) {
        for (const auto& meeting : store.meetings_of(network_id)) {
            if (std::find(meeting.preparer_ids.begin(), meeting.preparer_ids.end(), me.id) !=
                meeting.preparer_ids.end()) {
                preparing.push_back(turn.t(
                    "mydata.preparer", {{"network", network_name(store, network_id)},
                                        {"date", format_moment(meeting.local_start, turn.lang)}}));
            }
        }
    }
    if (full) {
        text += "\n\n" + turn.t("mydata.rsvps") + list_or_none(turn, answers);
        text += "\n\n" + turn.t("mydata.preparing") + list_or_none(turn, preparing);
    } else {
        text += "\n\n" + turn.t("mydata.counts", {{"rsvps", std::to_string(answers.size())},
                                                  {"preparing", std::to_string(preparing.size())}});
    }
    // Agenda items they brought in and their dots; answers of named polls (an anonymous answer
    // is not theirs to find: nothing links it to them); polls still waiting for their answer.
    std::vector<std::string> items;
    std::vector<std::string> dots;
    std::vector<std::string> poll_answers;
    std::vector<std::string> invitations;
    for (const auto network_id : network_ids) {
        const auto network = store.network(network_id);
        if (!network) {
            continue;
        }
        const auto network_items = store.agenda_items(network_id);
        for (const auto& item : network_items) {
            const auto mine = std::find_if(
                item.submitters.begin(), item.submitters.end(),
                [&](const AgendaSubmitter& submitter) { return submitter.member_id == me.id; });
            if (mine == item.submitters.end()) {
                continue;
            }
            auto line = turn.t("mydata.agenda_item",
                               {{"network", network->name},
                                {"number", std::to_string(item.number)},
                                {"text", item.text},
                                {"status", turn.t("agenda.status." +
                                                  std::string(agenda_status_code(item.status)))}});
            if (mine->hidden) {
                line += " " + turn.t("agenda.hidden");
            }
            items.push_back(std::move(line));
        }
        for (const auto& dot : store.agenda_dots(network_id)) {
            if (dot.member_id == me.id) {
                const auto item = std::find_if(
                    network_items.begin(), network_items.end(),
                    [&](const AgendaItem& candidate) { return candidate.id == dot.item_id; });
                const auto number = item != network_items.end() ? item->number : 0;
                dots.push_back(turn.t("mydata.agenda_dots", {{"network", network->name},
                                                             {"number", std::to_string(number)},
                                                             {"count", std::to_string(dot.dots)}}));
            }
        }
        for (const auto& poll : store.polls_of(network_id)) {
            const auto facts = MessageArgs{{"network", network->name},
                                           {"number", std::to_string(poll.number)},
                                           {"title", title_of(poll, turn.lang)}};
            if (!poll.anonymous) {
                for (const auto& respondent : store.poll_respondents(poll.id)) {
                    if (respondent.member_id != me.id) {
                        continue;
                    }
                    for (const auto& answer : store.poll_answers_of(poll.id, respondent.token)) {
                        if (answer.question < 0 ||
                            static_cast<std::size_t>(answer.question) >= poll.questions.size()) {
                            continue;
                        }
                        const auto index = static_cast<std::size_t>(answer.question);
                        auto args = facts;
                        args.push_back({"question", std::to_string(index + 1)});
                        poll_answers.push_back(turn.t("mydata.poll_answer", args) + " " +
                                               answer_text(poll, index, answer.value, turn.lang));
                    }
                }
            }
            const auto invitees = store.poll_invitees(poll.id);
            if (poll.state == PollState::open && turn.now < poll.deadline &&
                std::find(invitees.begin(), invitees.end(), me.id) != invitees.end()) {
                auto args = facts;
                args.push_back(
                    {"deadline", moment(poll.deadline, *network, turn.settings, turn.lang)});
                invitations.push_back(turn.t("mydata.poll_invitation", args));
            }
        }
    }
    if (full) {
        text += "\n\n" + turn.t("mydata.agenda") + list_or_none(turn, items);
        text += "\n\n" + turn.t("mydata.dots") + list_or_none(turn, dots);
        text += "\n\n" + turn.t("mydata.poll_answers") + list_or_none(turn, poll_answers);
        text += "\n\n" + turn.t("mydata.poll_invitations") + list_or_none(turn, invitations);
    } else {
        text += "\n\n" + turn.t("mydata.agenda_poll_counts",
                                {{"items", std::to_string(items.size())},
                                 {"dots", std::to_string(dots.size())},
                                 {"answers", std::to_string(poll_answers.size())},
                                 {"invitations", std::to_string(invitations.size())}});
    }
    // Questions they asked (an anonymous one too: it is theirs, and only they see this), answers
    // they gave, what they added to the knowledge base, and a pause.
    std::vector<std::string> asked;
    std::vector<std::string> answered;
    for (const auto network_id : network_ids) {
        const auto network = store.network(network_id);
        if (!network) {
            continue;
        }
        for (const auto status : {QuestionStatus::draft, QuestionStatus::open,
                                  QuestionStatus::answered, QuestionStatus::closed}) {
            for (const auto& question :
                 store.questions_of_network(network_id, status, kAllQuestions)) {
                const MessageArgs facts{
                    {"network", network->name},
                    {"number", std::to_string(question.number)},
                    {"text", question.text},
                    {"status", turn.t("question.status." +
                                      std::string(question_status_code(question.status)))}};
                if (question.asker_member_id == me.id) {
                    asked.push_back(
                        turn.t(question.anonymous ? "mydata.question_anonymous" : "mydata.question",
                               facts));
                }
                for (const auto& answer : store.answers_of(question.id)) {
                    if (answer.author_member_id == me.id) {
                        auto args = facts;
                        args.push_back({"answer", answer.text});
                        answered.push_back(turn.t("mydata.question_answer", args));
                    }
                }
            }
        }
    }
    std::vector<std::string> entries;
    for (const auto& entry : store.knowledge_entries_by_author(me.id)) {
        entries.push_back(turn.t("mydata.knowledge_entry",
                                 {{"network", network_name(store, entry.network_id)},
                                  {"number", std::to_string(entry.number)},
                                  {"title", entry.title},
                                  {"status", std::string(knowledge_status_code(entry.status))}}));
    }
    if (full) {
        text += "\n\n" + turn.t("mydata.questions") + list_or_none(turn, asked);
        text += "\n\n" + turn.t("mydata.question_answers") + list_or_none(turn, answered);
        text += "\n\n" + turn.t("mydata.knowledge") + list_or_none(turn, entries);
    } else {
        text += "\n\n" +
                turn.t("mydata.question_counts", {{"asked", std::to_string(asked.size())},
                                                  {"answered", std::to_string(answered.size())},
                                                  {"entries", std::to_string(entries.size())}});
    }
    // Attendance, hours corrections and gifts (the hours themselves are computed: mijn uren).
    const auto participation = participation_data_lines(store, turn.settings, me, turn.lang);
    if (full) {
        text += "\n\n" + turn.t("mydata.participation") + list_or_none(turn, participation);
    } else if (!participation.empty()) {
        text += "\n\n" + turn.t("mydata.participation_count",
                                {{"count", std::to_string(participation.size())}});
    }
    if (const auto pause = store.member_pause(me.id); pause && *pause > turn.now) {
        text += "\n\n" + turn.t("mydata.pause", {{"date", day_of(turn, *pause)}});
    }
    std::vector<std::string> feeds;
    for (const auto& membership : store.memberships_of(me.id)) {
        if (store.has_calendar_feed(membership.network_id, me.id)) {
            feeds.push_back(network_name(store, membership.network_id));
        }
    }
    if (!feeds.empty()) {
        text +=
            "\n\n" + turn.t("mydata.calendar_feeds", {{"networks", join_names(feeds, turn.lang)}});
    }
    const auto open = store.pending_of_member(me.id);
    text += "\n\n" + turn.t("mydata.messages",
                            {{"messages", std::to_string(store.outbox_count_for_member(me.id))},
                             {"days", std::to_string(turn.settings.outbox_retention.count())},
                             {"open", std::to_string(open.size())}});
    text += "\n\n" + turn.t("mydata.not_kept");
    if (!full) {
        text += "\n\n" + turn.t("mydata.more");
    }
    return text;
}

/// Networks in which the member is the only one who can manage it.
std::vector<std::string> networks_left_unmanaged(Turn& turn, const Member& me) {
    std::vector<std::string> names;
    for (const auto& membership : turn.store.memberships_of(me.id)) {
        if (!can_manage_network(membership.role)) {
            continue;
        }
        const auto roster = turn.store.roster(membership.network_id);
        const auto managers = std::count_if(roster.begin(), roster.end(), [](const auto& entry) {
            return can_manage_network(entry.membership.role);
        });
        if (managers <= 1) {
            names.push_back(network_name(turn.store, membership.network_id));
        }
    }
    return names;
}

}  // namespace

void show_my_data(Turn& turn, const std::string& args) {
    if (!turn.me) {
        turn.reply_text("mydata.stranger");
        return;
    }
    const auto word = fold(args);
    if (!word.empty() && word != "export" && word != "exporteer" && word != "alles" &&
        word != "all") {
        turn.reply_text("mydata.usage");
        return;
    }
    const bool full = !word.empty();
    turn.reply_privately(TextContent{describe(turn, *turn.me, full), {}});
}

void forget_me(Turn& turn) {
    if (!turn.me) {
        turn.reply_text("mydata.stranger");
        return;
    }
    // One open question at a time: an earlier one is replaced.
    for (const auto& pending : turn.store.pending_of_member(turn.me->id)) {
        if (pending.kind == kForgetMeKind) {
            turn.store.delete_pending(pending.id);
            turn.store.cancel_job(kPendingExpiryJob, std::to_string(pending.id));
        }
    }
    PendingAction pending;
    pending.member_id = turn.me->id;
    pending.kind = std::string(kForgetMeKind);
    pending.created_at = turn.now;
    pending.expires_at = turn.now + kForgetMeTtl;
    pending.id = turn.store.create_pending(pending);

    std::string prompt = turn.t("forget.question");
    const auto unmanaged = networks_left_unmanaged(turn, *turn.me);
    if (!unmanaged.empty()) {
        prompt += "\n\n" +
                  turn.t("forget.last_manager", {{"networks", join_names(unmanaged, turn.lang)}});
    }
    ChoiceQuestion question;
    question.action_id = "confirm:" + std::to_string(pending.id);
    question.prompt = prompt;
    question.choices = {{"ja", turn.t("forget.yes")}, {"nee", turn.t("choice.no")}};
    question.deadline = pending.expires_at;
    const auto question_id = turn.reply_privately(question);
    turn.store.set_pending_question(pending.id, question_id);
    turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                             pending.expires_at, "", JobState::due});
}

bool is_forget_me(const PendingAction& pending) {
    return pending.kind == kForgetMeKind;
}

void answer_forget_me(Turn& turn, const PendingAction& pending, bool yes) {
    turn.store.delete_pending(pending.id);
    turn.store.cancel_job(kPendingExpiryJob, std::to_string(pending.id));
    if (!yes) {
        if (pending.question_message_id) {
            if (auto row = turn.store.outbox_row(*pending.question_message_id)) {
                if (auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
                    question->closed_note = turn.t("forget.closed_no");
                    turn.update(row->message.id, row->message.to, *question, row->message.lang);
                }
            }
        }
        turn.reply_text("forget.kept");
        return;
    }
    // Everything sent to them alone goes with the rest, except the question itself: it is kept,
    // naming nobody, so that its buttons can go as after "Nee". Its closed form says neither
    // who they were nor what the question listed (the networks they managed); only its address
    // and remote id stay, until the outbox's retention prunes it like any sent message.
    const auto lang = turn.lang;
    std::optional<OutboxRow> card;
    if (pending.question_message_id) {
        card = turn.store.outbox_row(*pending.question_message_id);
    }
    ChoiceQuestion closed;
    if (card && !card->message.sealed) {
        if (const auto* question = std::get_if<ChoiceQuestion>(&card->message.content)) {
            closed.action_id = question->action_id;
            closed.prompt = tr(card->message.lang, "forget.closed_title");
            closed.choices = {{"ja", tr(card->message.lang, "forget.yes")},
                              {"nee", tr(card->message.lang, "choice.no")}};
            closed.closed_note = tr(card->message.lang, "forget.closed_yes");
            turn.store.release_outbox_row(card->message.id, closed);
        } else {
            card.reset();
        }
    } else {
        card.reset();
    }
    forget_prompt(turn.store, pending.member_id, turn.now);
    keep_hours_of_erased(turn.store, turn.settings, pending.member_id, turn.now);
    turn.store.erase_member(pending.member_id);
    turn.me.reset();
    turn.lang = lang;
    // Where a conversation is named, the platforms need no user id to reach it: the messages
    // sent after the erasure keep none.
    const auto nameless = [](Address to) {
        if (!to.conversation_id.empty()) {
            to.user_id.clear();
        }
        return to;
    };
    if (card) {
        turn.update(card->message.id, nameless(card->message.to), closed, card->message.lang);
    }
    // Told where the question was asked (their private chat), also when "ja" was typed in a
    // group: the group need not read that someone had themselves erased.
    const auto& from = turn.event.conversation;
    Address to{from.platform, from.id, turn.event.sender.user_id,
               from.kind == Conversation::Kind::direct, from.thread_id};
    if (card) {
        to = card->message.to;
    } else if (!to.direct) {
        to.user_id.clear();
    }
    turn.send(nameless(to), 0, lang, TextContent{turn.t("forget.done"), {}});
}

}  // namespace leernetwerk::detail
