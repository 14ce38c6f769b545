#pragma once
// The network feature's flows, shared by its files, its routes (routes.cpp) and the engine (which
// hands it platform events: someone joined or left, the member list that came back).
#include <optional>
#include <string>
#include <vector>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

/// The longest name of a network or a member, in characters.
inline constexpr std::size_t kMaxNameChars = 80;

// Members and networks (network_flows.cpp).
void show_members(Turn& turn);
/// `expertise rekenen, taal` (without tags: shows them).
void expertise(Turn& turn, const std::string& args);
/// `taal en`, `taal groep nl`.
void language(Turn& turn, const std::string& args);
void list_networks(Turn& turn);
void switch_network(Turn& turn, const std::string& args);
/// `nieuw netwerk <naam> | <thema>`.
void create_network(Turn& turn, const std::string& args);
/// The network `koppel netwerk [naam]` links this group chat to (none named: the current one),
/// or nullopt after saying why (not a group chat, no such network of the sender's).
std::optional<Network> linked_network(Turn& turn, const std::string& args);
/// Links this group chat to Turn::managed_network.
void link_conversation(Turn& turn);

// Adding and removing members (roster_flows.cpp).
void add_member(Turn& turn, const std::string& args);
void remove_member(Turn& turn, const std::string& args);
/// `leden importeren`: asks the platform who is in this chat; the answer comes back as a roster
/// event (complete_roster).
void import_members(Turn& turn);
/// The checklist card of an import sent back ("import:<request>").
void confirm_import(Turn& turn, const std::string& request_id,
                    const std::vector<std::string>& chosen);
/// The platform's answer to a member-list request.
void complete_roster(Turn& turn);
/// Adds someone found by name, mention, account or e-mail to a network with a role.
/// `certain`: the account is known to be this person's (not guessed from a name);
/// `alt_user_id`: another id the platform knows them by; `quiet`: no announcement.
void add_person(Turn& turn, const Network& network, const std::string& name, Role role,
                const std::string& school, std::optional<Identity> account, bool certain,
                const std::string& alt_user_id, bool quiet = false);

// Joining and leaving (joining_flows.cpp).
/// A non-member wrote in a linked chat: told once, privately, how to join.
void explain_joining_once(Turn& turn, const Network& network);
/// `doe mee`.
void join_network(Turn& turn);
/// `netwerk toetreden open|op verzoek|gesloten`.
void set_join_policy(Turn& turn, const std::string& args);
/// The bot or someone was added to a chat.
void welcome(Turn& turn);
/// Someone left a linked chat.
void propose_left(Turn& turn);
/// A facilitator's answer to "add this newcomer?" / "remove this leaver?".
bool membership_change_answered(Turn& turn, const PendingAction& pending, bool yes);

}  // namespace leernetwerk::detail
