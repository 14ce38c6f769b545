#pragma once
// The agenda feature's shared helpers (agenda_lists.cpp), for its other files: item numbers and
// typed words, each meeting's list and rolling over to the next meeting, one item's line.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/turn.hpp"
#include "bot/features/agenda/agenda.hpp"

namespace leernetwerk::detail {

constexpr std::size_t kMaxItemChars = 300;
constexpr std::size_t kMaxExplanationChars = 1000;

/// "#12", "12", "12," as a number; nullopt otherwise.
std::optional<Id> item_number(std::string_view word);
/// Items are shown on one line: line breaks and tabs typed into them become spaces.
std::string one_line(std::string_view text);
/// The words after the first `skip` ones, as typed.
std::string rest_after(const std::vector<std::string>& parts, std::size_t skip);
std::optional<AgendaItemKind> parse_kind_word(std::string_view typed);
std::string kind_label(AgendaItemKind kind, Lang lang);

/// The items of one meeting's list (nullopt: the list waiting for a meeting), by position.
std::vector<AgendaItem> list_of(const std::vector<AgendaItem>& all, std::optional<Id> meeting_id);
int last_position(const std::vector<AgendaItem>& list);
/// A dot vote whose meeting has begun (or was cancelled) is over, whether or not it was closed.
bool stale(Store& store, const AgendaRound& round, Instant now);
bool accepting_dots(Store& store, const std::optional<AgendaRound>& round, Instant now);
/// Puts a group of items in `order` in the slots they occupy, numbers the list 1.. and saves it.
void save_order(Store& store, std::vector<AgendaItem> list, const std::vector<Id>& group,
                const std::vector<Id>& order);
std::string member_name(Store& store, Id member_id);

/// What a reader may see of the list.
struct View {
    Lang lang = Lang::nl;
    bool manager = false;
    Id me = 0;
    bool dots = false;  ///< show the dot counts
};

/// "**#12** Rekenen in groep 8: we lopen vast bij breuken · casus · Anna (leidt in) · …".
std::string item_line(Store& store, const AgendaItem& item, const View& view);
std::string meeting_label(const std::optional<Meeting>& meeting, Lang lang);

/// The network's next meeting after rolling over what must move to it; the items as well.
struct NextList {
    std::optional<Meeting> meeting;
    std::vector<AgendaItem> items;  ///< its list, by position
};

NextList next_list(Store& store, Id network_id, Instant now);

/// The member's network for an agenda command, or nullopt after telling them why.
std::optional<Network> member_network(Turn& turn);

}  // namespace leernetwerk::detail
