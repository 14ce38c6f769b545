// The MemoryStore's agenda and polls (storage/sqlite_agenda.cpp, sqlite_polls.cpp).
#include <algorithm>

#include "support/memory_store.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {
namespace {

/// Submitters as write_submitters stores them: a member once, the first time they are listed.
std::vector<AgendaSubmitter> distinct_submitters(const std::vector<AgendaSubmitter>& submitters) {
    std::vector<AgendaSubmitter> out;
    for (const auto& submitter : submitters) {
        const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& kept) {
            return kept.member_id == submitter.member_id;
        });
        if (!seen) {
            out.push_back(submitter);
        }
    }
    return out;
}
}  // namespace

using memory::no_such;

// ---- agenda ----------------------------------------------------------------------------------

AgendaItem MemoryStore::read_agenda_item(const AgendaItem& item) const {
    AgendaItem out = item;
    out.dots = 0;
    for (const auto& [key, value] : state_.agenda_dots) {
        if (key.first == item.id) {
            out.dots += value.second;
        }
    }
    return out;
}

Id MemoryStore::create_agenda_item(const AgendaItem& item) {
    if (!state_.networks.contains(item.network_id)) {
        throw StoreError("create_agenda_item: FOREIGN KEY constraint failed");
    }
    const int number = next_number(item.network_id, "agenda_item");
    int position = 0;
    for (const auto& [id, other] : state_.agenda_items) {
        if (other.network_id == item.network_id && other.meeting_id == item.meeting_id) {
            position = std::max(position, other.position);
        }
    }
    const Id id = ++state_.agenda_item_seq;
    AgendaItem stored = item;
    stored.id = id;
    stored.number = number;
    stored.position = position + 1;
    stored.dots = 0;
    stored.submitters = distinct_submitters(item.submitters);
    state_.agenda_items.emplace(id, std::move(stored));
    return id;
}

std::optional<AgendaItem> MemoryStore::agenda_item(Id id) {
    const auto it = state_.agenda_items.find(id);
    if (it == state_.agenda_items.end()) {
        return std::nullopt;
    }
    return read_agenda_item(it->second);
}

std::optional<AgendaItem> MemoryStore::agenda_item_by_number(Id network_id, int number) {
    for (const auto& [id, item] : state_.agenda_items) {
        if (item.network_id == network_id && item.number == number) {
            return read_agenda_item(item);
        }
    }
    return std::nullopt;
}

std::vector<AgendaItem> MemoryStore::agenda_items(Id network_id) {
    std::vector<AgendaItem> items;
    for (const auto& [id, item] : state_.agenda_items) {
        if (item.network_id == network_id) {
            items.push_back(read_agenda_item(item));
        }
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.position < b.position; });
    return items;
}

void MemoryStore::update_agenda_item(const AgendaItem& item) {
    const auto it = state_.agenda_items.find(item.id);
    if (it == state_.agenda_items.end()) {
        no_such("update_agenda_item", "agenda item", item.id);
    }
    AgendaItem& kept = it->second;
    kept.meeting_id = item.meeting_id;
    kept.kind = item.kind;
    kept.text = item.text;
    kept.explanation = item.explanation;
    kept.status = item.status;
    kept.position = item.position;
    kept.preparer_id = item.preparer_id;
    kept.minutes = item.minutes;
    kept.submitters = distinct_submitters(item.submitters);
}

void MemoryStore::delete_agenda_row(Id id) {
    state_.agenda_items.erase(id);
    std::erase_if(state_.agenda_dots, [&](const auto& dot) { return dot.first.first == id; });
}

void MemoryStore::delete_agenda_item(Id id) {
    delete_agenda_row(id);
}

void MemoryStore::merge_agenda_items(Id into, Id from) {
    constexpr std::string_view kOperation = "merge_agenda_items";
    if (into == from) {
        throw StoreError(std::string{kOperation} + ": an item cannot be merged into itself");
    }
    if (!state_.agenda_items.contains(into) || !state_.agenda_items.contains(from)) {
        no_such(kOperation, "agenda item pair", from);
    }
    auto& target = state_.agenda_items.at(into).submitters;
    for (const auto& submitter : state_.agenda_items.at(from).submitters) {
        const auto kept = std::find_if(target.begin(), target.end(), [&](const auto& s) {
            return s.member_id == submitter.member_id;
        });
        if (kept == target.end()) {
            target.push_back(submitter);
        } else {
            kept->introduces = kept->introduces || submitter.introduces;
            kept->hidden = kept->hidden || submitter.hidden;
        }
    }
    std::vector<std::pair<std::pair<Id, Id>, std::pair<Id, int>>> moved;
    for (const auto& [key, value] : state_.agenda_dots) {
        if (key.first == from) {
            moved.push_back({key, value});
        }
    }
    for (const auto& [key, value] : moved) {
        const std::pair target_key{into, key.second};
        const auto it = state_.agenda_dots.find(target_key);
        if (it == state_.agenda_dots.end()) {
            state_.agenda_dots.emplace(target_key, value);
        } else {
            it->second.second += value.second;
        }
    }
    delete_agenda_row(from);
}

void MemoryStore::set_agenda_dots(Id network_id, Id member_id, const std::vector<AgendaDot>& dots) {
    std::erase_if(state_.agenda_dots, [&](const auto& dot) {
        return dot.second.first == network_id && dot.first.second == member_id;
    });
    for (const auto& dot : dots) {
        if (!state_.agenda_items.contains(dot.item_id)) {
            throw StoreError("set_agenda_dots: FOREIGN KEY constraint failed");
        }
        const auto it = state_.agenda_dots.find({dot.item_id, member_id});
        if (it == state_.agenda_dots.end()) {
            state_.agenda_dots.emplace(std::pair{dot.item_id, member_id},
                                       std::pair{network_id, dot.dots});
        } else {
            it->second.second += dot.dots;
        }
    }
}

std::vector<AgendaDot> MemoryStore::agenda_dots(Id network_id) {
    std::vector<AgendaDot> out;
    for (const auto& [key, value] : state_.agenda_dots) {
        if (value.first == network_id) {
            out.push_back({key.first, key.second, value.second});
        }
    }
    return out;
}

void MemoryStore::clear_agenda_dots(Id network_id) {
    std::erase_if(state_.agenda_dots,
                  [&](const auto& dot) { return dot.second.first == network_id; });
}

std::optional<AgendaRound> MemoryStore::agenda_round(Id network_id) {
    const auto it = state_.agenda_rounds.find(network_id);
    if (it == state_.agenda_rounds.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::save_agenda_round(const AgendaRound& round) {
    state_.agenda_rounds[round.network_id] = round;
}

// ---- polls -----------------------------------------------------------------------------------

Id MemoryStore::create_poll(const Poll& poll) {
    if (!state_.networks.contains(poll.network_id)) {
        throw StoreError("create_poll: FOREIGN KEY constraint failed");
    }
    const int number = next_number(poll.network_id, "poll");
    const Id id = state_.polls.empty() ? 1 : state_.polls.rbegin()->first + 1;
    Poll stored = poll;
    stored.id = id;
    stored.number = number;
    stored.state = PollState::open;
    stored.closed_at.reset();
    state_.polls.emplace(id, std::move(stored));
    return id;
}

std::optional<Poll> MemoryStore::poll(Id id) {
    const auto it = state_.polls.find(id);
    if (it == state_.polls.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<Poll> MemoryStore::poll_by_number(Id network_id, int number) {
    for (const auto& [id, poll] : state_.polls) {
        if (poll.network_id == network_id && poll.number == number) {
            return poll;
        }
    }
    return std::nullopt;
}

std::vector<Poll> MemoryStore::polls_of(Id network_id) {
    std::vector<Poll> out;
    for (auto it = state_.polls.rbegin(); it != state_.polls.rend(); ++it) {
        if (it->second.network_id == network_id) {
            out.push_back(it->second);
        }
    }
    return out;
}

std::vector<Poll> MemoryStore::open_polls() {
    std::vector<Poll> out;
    for (const auto& [id, poll] : state_.polls) {
        if (poll.state == PollState::open) {
            out.push_back(poll);
        }
    }
    return out;
}

void MemoryStore::close_poll(Id id, Instant now) {
    const auto it = state_.polls.find(id);
    if (it != state_.polls.end() && it->second.state == PollState::open) {
        it->second.state = PollState::closed;
        it->second.closed_at = now;
    }
}

void MemoryStore::add_poll_invitees(Id poll_id, const std::vector<Id>& member_ids) {
    for (const Id member_id : member_ids) {
        state_.poll_invitees.insert({poll_id, member_id});
    }
}

std::vector<Id> MemoryStore::poll_invitees(Id poll_id) {
    std::vector<Id> ids;
    for (const auto& [poll, member] : state_.poll_invitees) {
        if (poll == poll_id) {
            ids.push_back(member);
        }
    }
    return ids;
}

bool MemoryStore::add_poll_respondent(Id poll_id, std::string_view token,
                                      std::optional<Id> member_id) {
    return state_.poll_respondents
        .emplace(std::pair{poll_id, std::string{token}}, MemoryState::RespondentEntry{member_id})
        .second;
}

std::vector<PollRespondent> MemoryStore::poll_respondents(Id poll_id) {
    std::vector<PollRespondent> out;
    for (const auto& [key, respondent] : state_.poll_respondents) {
        if (key.first == poll_id) {
            out.push_back({key.second, respondent.member_id});
        }
    }
    return out;
}

bool MemoryStore::set_poll_answer(Id poll_id, const PollAnswer& answer) {
    const std::tuple key{poll_id, answer.token, answer.question};
    const bool replaced = state_.poll_answers.contains(key);
    state_.poll_answers[key] = answer.value;
    return replaced;
}

std::vector<PollAnswer> MemoryStore::poll_answers(Id poll_id) {
    std::vector<PollAnswer> out;
    for (const auto& [key, value] : state_.poll_answers) {
        if (std::get<0>(key) == poll_id) {
            out.push_back({std::get<1>(key), std::get<2>(key), value});
        }
    }
    return out;
}

std::vector<PollAnswer> MemoryStore::poll_answers_of(Id poll_id, std::string_view token) {
    std::vector<PollAnswer> out;
    for (const auto& [key, value] : state_.poll_answers) {
        if (std::get<0>(key) == poll_id && std::get<1>(key) == token) {
            out.push_back({std::get<1>(key), std::get<2>(key), value});
        }
    }
    return out;
}

void MemoryStore::merge_poll_respondent(Id poll_id, std::string_view into_token,
                                        std::string_view from_token) {
    const std::string into{into_token};
    const std::string from{from_token};
    if (const auto it = state_.poll_respondents.find({poll_id, from});
        it != state_.poll_respondents.end()) {
        state_.poll_respondents.emplace(std::pair{poll_id, into}, it->second);
    }
    std::vector<std::pair<int, std::string>> answers;
    for (const auto& [key, value] : state_.poll_answers) {
        if (std::get<0>(key) == poll_id && std::get<1>(key) == from) {
            answers.emplace_back(std::get<2>(key), value);
        }
    }
    for (const auto& [question, value] : answers) {
        state_.poll_answers.emplace(std::tuple{poll_id, into, question}, value);
    }
    if (into != from) {
        std::erase_if(state_.poll_answers, [&](const auto& answer) {
            return std::get<0>(answer.first) == poll_id && std::get<1>(answer.first) == from;
        });
        state_.poll_respondents.erase({poll_id, from});
    }
}

void MemoryStore::remove_poll_answers(Id poll_id) {
    std::erase_if(state_.poll_answers,
                  [&](const auto& answer) { return std::get<0>(answer.first) == poll_id; });
    std::erase_if(state_.poll_respondents,
                  [&](const auto& respondent) { return respondent.first.first == poll_id; });
}

void MemoryStore::replace_poll_ballots(Id poll_id, const std::vector<SealedBallot>& ballots) {
    std::erase_if(state_.poll_ballots,
                  [&](const auto& ballot) { return ballot.first.first == poll_id; });
    for (const auto& ballot : ballots) {
        if (!state_.poll_ballots.emplace(std::pair{poll_id, ballot.slot}, ballot.sealed).second) {
            throw StoreError("replace_poll_ballots: UNIQUE constraint failed");
        }
    }
}

std::vector<SealedBallot> MemoryStore::poll_ballots(Id poll_id) {
    std::vector<SealedBallot> out;
    for (const auto& [key, sealed] : state_.poll_ballots) {
        if (key.first == poll_id) {
            out.push_back({key.second, sealed});
        }
    }
    return out;
}

void MemoryStore::link_poll_message(Id message_id, Id poll_id) {
    state_.poll_messages.emplace(message_id, poll_id);
}

int MemoryStore::forget_poll_messages(Id poll_id) {
    std::set<Id> ids;
    for (const auto& [message, poll] : state_.poll_messages) {
        if (poll != poll_id) {
            continue;
        }
        const auto it = state_.outbox.find(message);
        if (it == state_.outbox.end()) {
            continue;
        }
        const auto row_state = it->second.row.state;
        if (row_state != OutboxState::sent && row_state != OutboxState::failed) {
            continue;
        }
        const bool update_on_its_way =
            std::any_of(state_.outbox.begin(), state_.outbox.end(), [&](const auto& later) {
                const auto& row = later.second.row;
                return row.message.replaces == message &&
                       (row.state == OutboxState::pending || row.state == OutboxState::sending);
            });
        if (!update_on_its_way) {
            ids.insert(message);
        }
    }
    delete_outbox_rows(ids);
    return static_cast<int>(ids.size());
}

std::vector<Id> MemoryStore::closed_polls_with_messages() {
    std::set<Id> polls;
    for (const auto& [message, poll_id] : state_.poll_messages) {
        const auto it = state_.polls.find(poll_id);
        if (it != state_.polls.end() && it->second.state == PollState::closed) {
            polls.insert(poll_id);
        }
    }
    return {polls.begin(), polls.end()};
}

std::optional<int> MemoryStore::poll_min_respondents(Id network_id) {
    const auto it = state_.poll_settings.find(network_id);
    if (it == state_.poll_settings.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::set_poll_min_respondents(Id network_id, int count) {
    state_.poll_settings[network_id] = count;
}

}  // namespace leernetwerk::testing
