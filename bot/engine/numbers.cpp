// Numbers members type: polls, questions, agenda items and knowledge entries are numbered within
// their network (issue 12), so where a typed number is looked up decides what it means.
#include <algorithm>
#include <string>

#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

std::string_view what_key(NumberedKind kind) {
    switch (kind) {
        case NumberedKind::poll:
            return "number.what.poll";
        case NumberedKind::question:
            return "number.what.question";
        case NumberedKind::agenda_item:
            return "number.what.agenda_item";
        case NumberedKind::knowledge:
            return "number.what.knowledge";
    }
    return "number.what.poll";
}

/// True when `text` ends with "in <name>" (case and accents aside), as its own words; `cut` is
/// where that starts.
bool ends_with_network(std::string_view text, std::string_view name, std::size_t& cut) {
    const auto wanted = fold(name);
    for (std::size_t at = 0; at != std::string_view::npos; at = text.find(' ', at + 1)) {
        const auto tail = trim(text.substr(at));
        if (tail.size() > 3 && fold(tail.substr(0, 2)) == "in" && tail[2] == ' ' &&
            fold(trim(tail.substr(3))) == wanted) {
            cut = at;
            return true;
        }
        if (at + 1 >= text.size()) {
            break;
        }
    }
    return false;
}

/// What the sender typed up to and including the number, for an example ("stem 3 … in A").
std::string typed_up_to(std::string_view typed, int number, bool keep_rest) {
    const auto digits = std::to_string(number);
    const auto parts = words(typed);
    std::string shown;
    std::size_t i = 0;
    for (; i < parts.size(); ++i) {
        shown += (shown.empty() ? "" : " ") + parts[i];
        const auto bare = parts[i].front() == '#' ? parts[i].substr(1) : parts[i];
        if (bare == digits) {
            ++i;
            break;
        }
    }
    if (i < parts.size()) {
        if (keep_rest) {
            for (; i < parts.size(); ++i) {
                shown += " " + parts[i];
            }
        } else {
            shown += " …";  // an answer is never repeated back (it may be anonymous)
        }
    }
    return shown;
}

}  // namespace

std::optional<std::size_t> cut_network_name(std::string& args,
                                            const std::vector<Network>& networks) {
    for (std::size_t i = 0; i < networks.size(); ++i) {
        std::size_t cut = 0;
        if (ends_with_network(args, networks[i].name, cut)) {
            args = std::string(trim(std::string_view(args).substr(0, cut)));
            return i;
        }
    }
    return std::nullopt;
}

std::vector<Network> number_networks(Turn& turn, std::string& args) {
    std::vector<Network> own;
    if (turn.me) {
        for (const auto& membership : turn.store.memberships_of(turn.me->id)) {
            if (auto network = turn.store.network(membership.network_id)) {
                own.push_back(std::move(*network));
            }
        }
    }
    // "… in HSN-café Rekenen": one of the sender's networks, wherever they type it.
    if (const auto named = cut_network_name(args, own)) {
        return {own[*named]};
    }
    // Another network, named: nothing of it is found, as for a number that does not exist.
    if (cut_network_name(args, turn.store.networks())) {
        return {};
    }
    if (turn.event.conversation.kind == Conversation::Kind::group) {
        if (const auto bound = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                                  turn.event.conversation.id)) {
            // The group's own network: its members see its numbers there. Someone who is not
            // one of them finds nothing, as for a number that does not exist.
            std::vector<Network> here;
            for (const auto& network : own) {
                if (network.id == *bound) {
                    here.push_back(network);
                }
            }
            return here;
        }
    }
    return own;
}

bool names_other_network(Turn& turn, const Network& network, int number, std::string_view after) {
    std::string text = " " + std::string(after);
    const auto networks = turn.store.networks();
    const auto named = cut_network_name(text, networks);
    if (!named || networks[*named].id == network.id) {
        return false;
    }
    turn.reply_text("number.other_network", {{"network", network.name},
                                             {"number", std::to_string(number)},
                                             {"named", networks[*named].name}});
    return true;
}

void ask_which_network(Turn& turn, NumberedKind kind, int number, const std::vector<Network>& found,
                       bool keep_rest) {
    std::vector<std::string> names;
    for (const auto& network : found) {
        names.push_back(network.name);
    }
    const auto example =
        typed_up_to(turn.event.text, number, keep_rest) + " in " + found.front().name;
    turn.reply_privately(TextContent{
        turn.t("number.which_network",
               {{"what", turn.t(std::string(what_key(kind)), {{"number", std::to_string(number)}})},
                {"networks", join_names(names, turn.lang)},
                {"example", example}}),
        {}});
}

}  // namespace leernetwerk::detail
