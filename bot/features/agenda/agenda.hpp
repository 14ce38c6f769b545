#pragma once
// Agenda input (DOMAIN.md §5.2): items members submit for a meeting, their status as the
// facilitator settles the agenda, and the dot vote (stippenstemming) that prioritises them.
// Plain data; behaviour lives in bot/features/agenda/, persistence behind the Store.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// What an item is (DOMAIN.md §5.2 A1).
enum class AgendaItemKind {
    practice_question,  ///< vraag uit de praktijk
    case_study,         ///< casus (for intervision): visible only to those who run the network
    success,            ///< succes / leermoment
    topic,              ///< onderwerp (the default)
    expert_question,    ///< vraag voor de deskundige
};
std::string_view agenda_item_kind_code(AgendaItemKind kind);
std::optional<AgendaItemKind> parse_agenda_item_kind_code(std::string_view code);

/// Where an item stands as the facilitator settles the agenda.
enum class AgendaStatus {
    proposed,  ///< submitted, not decided yet
    accepted,  ///< on the meeting's agenda
    parked,    ///< not this time; comes back as proposed for the next meeting
};
std::string_view agenda_status_code(AgendaStatus status);
std::optional<AgendaStatus> parse_agenda_status_code(std::string_view code);

/// Someone who brought an item in (two or more after a merge).
struct AgendaSubmitter {
    Id member_id = 0;
    bool hidden = false;      ///< other members do not see who brought it in
    bool introduces = false;  ///< "ik kan het inleiden"
};

/// One agenda item of a network, for one meeting (nullopt: the next one, not planned yet).
struct AgendaItem {
    Id id = 0;
    Id network_id = 0;
    /// What members see and type ("agenda parkeer 3"): 1, 2, 3… within its network; by the store.
    int number = 0;
    std::optional<Id> meeting_id;
    AgendaItemKind kind = AgendaItemKind::topic;
    std::string text;
    std::string explanation;
    AgendaStatus status = AgendaStatus::proposed;
    int position = 0;  ///< order within its meeting's list; set by the store on create
    std::optional<Id> preparer_id;
    int minutes = 0;  ///< time box; 0 when none was given
    std::vector<AgendaSubmitter> submitters;
    int dots = 0;  ///< dots it holds in the network's dot vote; filled in when read
    Instant created_at{};
};

/// One member's dots on one item.
struct AgendaDot {
    Id item_id = 0;
    Id member_id = 0;
    int dots = 0;
};

/// A network's dot vote: at most one at a time, kept after closing for its tally.
struct AgendaRound {
    Id network_id = 0;
    std::optional<Id> meeting_id;  ///< the meeting it prioritises (nullopt: not planned yet)
    bool open = false;
    std::optional<Id> opened_by;
    Instant opened_at{};
    std::optional<Instant> closes_at;  ///< the deadline, when one was given
    std::optional<Instant> closed_at;
};

}  // namespace leernetwerk
