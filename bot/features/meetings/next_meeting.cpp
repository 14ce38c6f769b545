// `volgende`: the network's next meeting in one line, with whether the sender said they come.
#include "bot/features/experts/experts.hpp"
#include "bot/features/meetings/meetings.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::detail {

void show_next_meeting(Turn& turn) {
    const auto network = turn.require_network();
    if (!network) {
        return;
    }
    std::optional<Meeting> next;
    for (const auto& meeting : turn.store.meetings_of(network->id)) {
        const auto ends = meeting.starts_at + std::chrono::minutes(meeting.duration_minutes);
        if (meeting.status == MeetingStatus::planned && ends > turn.now &&
            (!next || meeting.starts_at < next->starts_at)) {
            next = meeting;
        }
    }
    if (!next) {
        turn.reply_text("next_meeting.none", {{"network", network->name}});
        return;
    }
    std::string_view answer_key = "next_meeting.not_answered";
    for (const auto& rsvp : turn.store.rsvps_of(next->id)) {
        if (rsvp.member_id == turn.me->id) {
            answer_key = rsvp.answer == RsvpAnswer::coming ? "next_meeting.coming"
                                                           : "next_meeting.not_coming";
        }
    }
    MessageArgs args{{"network", network->name},
                     {"number", std::to_string(next->id)},
                     {"when", format_moment(next->local_start, turn.lang)},
                     {"topic", next->topic.empty() ? turn.t("meeting.no_topic") : next->topic},
                     {"location",
                      next->location.empty() ? turn.t("meeting.no_location") : next->location}};
    args.emplace_back("answer", turn.t(answer_key, args));
    auto line = turn.t("next_meeting.line", args);
    if (const auto expert = expert_on_meeting(turn.store, *next, turn.lang); !expert.empty()) {
        line += " · " + expert;
    }
    turn.reply(TextContent{line, {}});
}

}  // namespace leernetwerk::detail
