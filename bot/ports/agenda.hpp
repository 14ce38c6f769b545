#pragma once
// Agenda items for meetings (with their submitters), and the dot vote.
#include <optional>
#include <vector>

#include "bot/features/agenda/agenda.hpp"
#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Agenda items, dots and the dot vote's round.
class Agenda {
public:
    virtual ~Agenda() = default;

    /// Stores a new item (with its submitters) at the end of its meeting's list, with the next
    /// number of its network; returns its id.
    virtual Id create_agenda_item(const AgendaItem& item) = 0;
    virtual std::optional<AgendaItem> agenda_item(Id id) = 0;
    /// The item a network knows by this number, if any.
    virtual std::optional<AgendaItem> agenda_item_by_number(Id network_id, int number) = 0;
    /// Every item of a network, with submitters and dots, ordered by position then id.
    virtual std::vector<AgendaItem> agenda_items(Id network_id) = 0;
    /// Overwrites every field but id, network and created_at, submitters included.
    virtual void update_agenda_item(const AgendaItem& item) = 0;
    virtual void delete_agenda_item(Id id) = 0;
    /// Moves the submitters (those not on `into` already) and the dots of `from` onto `into`,
    /// then deletes `from`.
    virtual void merge_agenda_items(Id into, Id from) = 0;
    /// Replaces a member's dots in a network's dot vote (empty: takes them all back).
    virtual void set_agenda_dots(Id network_id, Id member_id,
                                 const std::vector<AgendaDot>& dots) = 0;
    /// Every dot in a network's dot vote, by item then member.
    virtual std::vector<AgendaDot> agenda_dots(Id network_id) = 0;
    /// Forgets every dot of a network (a new round starts).
    virtual void clear_agenda_dots(Id network_id) = 0;
    /// The network's dot vote, open or the last one closed.
    virtual std::optional<AgendaRound> agenda_round(Id network_id) = 0;
    /// Saves (or replaces) the network's dot vote.
    virtual void save_agenda_round(const AgendaRound& round) = 0;
};

}  // namespace leernetwerk
