// Adding and removing members: by name, @mention, account or e-mail (the platform's member list,
// asked through the outbox and answered as a `roster` event), and importing a chat's roster.
#include <algorithm>
#include <set>

#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/network/network.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {

std::optional<Identity> parse_account(std::string_view typed) {
    const auto text = std::string(trim(typed));
    if (text.size() > 255 || text.find(' ') != std::string::npos) {
        return std::nullopt;
    }
    if (text.size() > 3 && text.front() == '@' && text.find(':') != std::string::npos) {
        return Identity{Platform::matrix, text, 0};
    }
    if (text.rfind("29:", 0) == 0 && text.size() > 3) {
        return Identity{Platform::teams, text, 0};
    }
    // An AAD object id: 8-4-4-4-12 hexadecimal digits.
    static constexpr std::string_view kGuidShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (text.size() == kGuidShape.size()) {
        bool guid = true;
        for (std::size_t i = 0; i < text.size() && guid; ++i) {
            guid = kGuidShape[i] == '-' ? text[i] == '-'
                                        : std::isxdigit(static_cast<unsigned char>(text[i])) != 0;
        }
        if (guid) {
            return Identity{Platform::teams, text, 0};
        }
    }
    return std::nullopt;
}

/// Adds a person to a network (or changes their role) and says so: found by their account, else
/// by name, else created. `certain`: the platform named the account (a mention, the member list),
/// so it is linked whatever name the member has in the bot.
/// `quiet`: nothing is said (an import says what it did once, for everyone).
void add_person(Turn& turn, const Network& network, const std::string& name, Role role,
                const std::string& school, std::optional<Identity> account, bool certain,
                const std::string& alt_user_id, bool quiet) {
    // The person may exist already (in another network, or through their account).
    std::optional<Member> member;
    if (account) {
        member = turn.store.member_by_identity(account->platform, account->user_id);
        if (!member && !alt_user_id.empty()) {
            member = turn.store.member_by_identity(account->platform, alt_user_id);
        }
        if (member && !certain && fold(member->display_name) != fold(name)) {
            if (quiet) {
                return;
            }
            turn.reply_text("add_member.account_taken",
                            {{"account", account->user_id}, {"other", member->display_name}});
            return;
        }
    }
    if (!member) {
        for (auto& candidate : turn.store.members()) {
            if (fold(candidate.display_name) == fold(name)) {
                member = candidate;
                break;
            }
        }
    }
    if (member) {
        if (auto existing = turn.store.membership(network.id, member->id)) {
            // A member found by name gets the account named with them (a mention, an address
            // the roster gave, a typed id), when it is nobody's yet.
            if (account &&
                !turn.store.member_by_identity(account->platform, account->user_id)) {
                account->member_id = member->id;
                turn.store.link_identity(*account);
                if (existing->role != role) {
                    turn.store.add_membership({network.id, member->id, role, existing->joined_at});
                }
                if (!quiet) {
                    turn.reply_text("add_member.linked",
                                    {{"name", member->display_name},
                                     {"platform", turn.t("mydata.platform." +
                                                         std::string(platform_code(account->platform)))},
                                     {"role", role_label(role, turn.lang)}});
                }
                return;
            }
            if (existing->role == role) {
                if (quiet) {
                    return;
                }
                turn.reply_text("add_member.already", {{"name", member->display_name},
                                                       {"network", network.name},
                                                       {"role", role_label(role, turn.lang)}});
                return;
            }
            turn.store.add_membership({network.id, member->id, role, existing->joined_at});
            if (quiet) {
                return;
            }
            turn.reply_text("add_member.role_changed", {{"name", member->display_name},
                                                        {"role", role_label(role, turn.lang)}});
            return;
        }
    } else {
        Member fresh;
        fresh.display_name = name;
        fresh.created_at = turn.now;
        fresh.id = turn.store.create_member(fresh);
        member = fresh;
    }
    if (!school.empty()) {
        turn.store.set_member_school(member->id, turn.store.school_id(school));
    }
    if (account) {
        account->member_id = member->id;
        turn.store.link_identity(*account);
    }
    // Every member can be spoken as in the console (`/als <naam>`).
    turn.store.link_identity(
        {Platform::console, "member-" + std::to_string(member->id), member->id});
    turn.store.add_membership({network.id, member->id, role, turn.now});
    if (!member->active_network_id) {
        turn.store.set_active_network(member->id, network.id);
    }
    if (quiet) {
        return;
    }
    const auto stored = turn.store.member(member->id);
    turn.reply_text(school.empty() && (!stored || stored->school_name.empty())
                        ? "add_member.done_no_school"
                        : "add_member.done",
                    {{"name", member->display_name},
                     {"network", network.name},
                     {"role", role_label(role, turn.lang)},
                     {"school", stored ? stored->school_name : school}});
}

/// "daan.bakker@school.nl": one '@' with something before it and a domain with a dot after it.
bool looks_like_email(std::string_view text) {
    const auto at = text.find('@');
    if (at == 0 || at == std::string_view::npos || text.size() > 254 ||
        text.find('@', at + 1) != std::string_view::npos ||
        text.find_first_of(" \t\n|,<>") != std::string_view::npos) {
        return false;
    }
    const auto domain = text.substr(at + 1);
    const auto dot = domain.find('.');
    return dot != std::string_view::npos && dot > 0 && domain.back() != '.';
}

constexpr std::string_view kRosterRequestPrefix = "core.roster_request:";

/// What a roster request was for, kept in the store until its answer comes (one line each).
struct PendingRosterAdd {
    std::string purpose = "add_member";  ///< or "import_members"
    Id network_id = 0;
    Role role = Role::participant;
    Lang lang = Lang::nl;
    std::string school;
    std::string email;
    std::string name;  ///< as typed; empty: the name the member list gives
};

std::string encode(const PendingRosterAdd& pending) {
    return pending.purpose + "\n" + std::to_string(pending.network_id) + "\n" +
           std::string(role_code(pending.role)) + "\n" + std::string(lang_code(pending.lang)) +
           "\n" + pending.school + "\n" + pending.email + "\n" + pending.name;
}

std::optional<PendingRosterAdd> decode_pending(std::string_view text) {
    std::vector<std::string> lines;
    for (std::size_t start = 0;;) {
        const auto end = text.find('\n', start);
        lines.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos
                                                                             : end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    if (lines.size() != 7 || (lines[0] != "add_member" && lines[0] != "import_members")) {
        return std::nullopt;
    }
    PendingRosterAdd pending;
    pending.purpose = lines[0];
    try {
        pending.network_id = std::stoll(lines[1]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    const auto role = parse_role_code(lines[2]);
    const auto lang = parse_lang(lines[3]);
    if (!role || !lang) {
        return std::nullopt;
    }
    pending.role = *role;
    pending.lang = *lang;
    pending.school = lines[4];
    pending.email = lines[5];
    pending.name = lines[6];
    return pending;
}

/// Keeps what a roster request is for and asks the platform for this conversation's members.
void start_roster_query(Turn& turn, const PendingRosterAdd& pending) {
    const auto sequence =
        std::stoll(turn.store.adapter_state("core.roster_request_seq").value_or("0")) + 1;
    turn.store.set_adapter_state("core.roster_request_seq", std::to_string(sequence), turn.now);
    const auto request_id = "roster-" + std::to_string(sequence);
    turn.store.set_adapter_state(std::string(kRosterRequestPrefix) + request_id, encode(pending),
                                 turn.now);
    Address to;
    to.platform = turn.event.conversation.platform;
    to.conversation_id = turn.event.conversation.id;
    to.thread_id = turn.event.conversation.thread_id;
    turn.send(to, 0, turn.lang, RosterQuery{request_id});
}

/// `lid toevoegen daan@school.nl`: the address is looked up in this conversation's member list.
/// The core does no I/O: it keeps what the request is for and asks the platform (a RosterQuery in
/// the outbox); the answer comes back as a roster event that complete_roster applies, once.
void ask_roster_for_email(Turn& turn, const Network& network, const std::string& email,
                          const std::string& name, Role role, const std::string& school) {
    const auto& conversation = turn.event.conversation;
    if (conversation.platform == Platform::matrix) {
        // A Matrix room's member list has user ids and names, no e-mail addresses.
        turn.reply_text("add_member.email_on_matrix", {{"email", email}});
        return;
    }
    if (conversation.kind != Conversation::Kind::group) {
        turn.reply_text("add_member.email_needs_group", {{"email", email}});
        return;
    }
    if (turn.store.network_of_conversation(conversation.platform, conversation.id) !=
        std::optional<Id>(network.id)) {
        turn.reply_text("add_member.email_needs_linked",
                        {{"email", email}, {"network", network.name}});
        return;
    }
    start_roster_query(turn, {"add_member", network.id, role, turn.lang, school, email, name});
}

constexpr std::string_view kImportPrefix = "core.roster_import:";
constexpr std::size_t kMaxImportChoices = 50;

/// `leden importeren`: everyone in this linked conversation who is not a member yet, proposed
/// on one card (checkboxes) once the platform has said who is here.
void import_members(Turn& turn) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto& conversation = turn.event.conversation;
    if (conversation.kind != Conversation::Kind::group ||
        turn.store.network_of_conversation(conversation.platform, conversation.id) !=
            std::optional<Id>(network->id)) {
        turn.reply_text("import_members.needs_linked", {{"network", network->name}});
        return;
    }
    start_roster_query(turn, {"import_members", network->id, Role::participant, turn.lang, "", "",
                              ""});
}

/// The import card: the people of the member list who are not in the network yet.
void propose_import(Turn& turn, const Network& network, const RosterAnswer& answer,
                    const std::string& request_id) {
    std::string kept;
    ChoiceQuestion card;
    card.action_id = "import:" + request_id;
    card.kind = ChoiceQuestion::Kind::multiple;
    for (const auto& person : answer.people) {
        if (person.user_id.empty() || card.choices.size() >= kMaxImportChoices) {
            continue;
        }
        auto known = turn.store.member_by_identity(turn.event.conversation.platform, person.user_id);
        if (!known && !person.alt_user_id.empty()) {
            known =
                turn.store.member_by_identity(turn.event.conversation.platform, person.alt_user_id);
        }
        if (known && turn.store.membership(network.id, known->id)) {
            continue;
        }
        const auto name = person.display_name.empty() ? person.user_id : person.display_name;
        card.choices.push_back({std::to_string(card.choices.size() + 1), name});
        // Names and accounts only: the e-mail addresses of the list are not kept.
        kept += person.user_id + "\t" + person.alt_user_id + "\t" + name + "\n";
    }
    if (card.choices.empty()) {
        turn.reply_text("import_members.nobody_new", {{"network", network.name}});
        return;
    }
    // One open import list per network: a newer one replaces the older, whose names and
    // accounts of non-members are then forgotten.
    const auto latest_key = "core.roster_import_latest:" + std::to_string(network.id);
    if (const auto older = turn.store.adapter_state(latest_key); older && !older->empty()) {
        turn.store.set_adapter_state(std::string(kImportPrefix) + *older, "", turn.now);
    }
    turn.store.set_adapter_state(latest_key, request_id, turn.now);
    turn.store.set_adapter_state(std::string(kImportPrefix) + request_id,
                                 std::to_string(network.id) + "\n" + kept, turn.now);
    card.max_choices = static_cast<int>(card.choices.size());
    card.prompt = turn.t(card.choices.size() == 1 ? "import_members.prompt_one"
                                                  : "import_members.prompt",
                         {{"count", std::to_string(card.choices.size())},
                          {"network", network.name}});
    turn.reply(card);
}

/// A facilitator confirmed the import card: the chosen people join as participants.
void confirm_import(Turn& turn, const std::string& request_id,
                    const std::vector<std::string>& chosen) {
    const auto key = std::string(kImportPrefix) + request_id;
    const auto stored = turn.store.adapter_state(key).value_or("");
    if (stored.empty()) {
        turn.reply_text("import_members.done_already");
        return;
    }
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < stored.size();) {
        const auto end = stored.find('\n', start);
        lines.push_back(stored.substr(start, end == std::string::npos ? end : end - start));
        start = end == std::string::npos ? stored.size() : end + 1;
    }
    Id network_id = 0;
    try {
        network_id = lines.empty() ? 0 : std::stoll(lines[0]);
    } catch (const std::exception&) {
        network_id = 0;
    }
    const auto network = turn.store.network(network_id);
    if (!network || !turn.manages(network->id)) {
        turn.reply_text("import_members.refused", {{"network", network ? network->name : ""}});
        return;
    }
    std::vector<std::string> names;
    for (const auto& choice : chosen) {
        std::size_t index = 0;
        try {
            index = std::stoul(choice);
        } catch (const std::exception&) {
            continue;
        }
        if (index < 1 || index >= lines.size()) {
            continue;
        }
        const auto& line = lines[index];
        const auto tab1 = line.find('\t');
        const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
        if (tab2 == std::string::npos) {
            continue;
        }
        const auto name = line.substr(tab2 + 1);
        add_person(turn, *network, name, Role::participant, "",
                   Identity{turn.event.conversation.platform, line.substr(0, tab1), 0}, true,
                   line.substr(tab1 + 1, tab2 - tab1 - 1), /*quiet=*/true);
        names.push_back(name);
    }
    if (names.empty()) {
        turn.reply_text("import_members.none_chosen");
        return;
    }
    turn.store.set_adapter_state(key, "", turn.now);
    turn.reply_text(names.size() == 1 ? "import_members.done_one" : "import_members.done",
                    {{"names", join_names(names, turn.lang)},
                                            {"network", network->name},
                                            {"count", std::to_string(names.size())}});
}

/// Applies the platform's answer to a RosterQuery: the pending request is completed and
/// forgotten in the same transaction, so a second answer (a retry after a crash) finds nothing.
void complete_roster(Turn& turn) {
    const auto& answer = turn.event.roster;
    const auto key = std::string(kRosterRequestPrefix) + answer.request_id;
    const auto stored = turn.store.adapter_state(key);
    if (!stored || stored->empty()) {
        return;  // answered already, or never asked
    }
    turn.store.set_adapter_state(key, "", turn.now);
    const auto pending = decode_pending(*stored);
    const auto network = pending ? turn.store.network(pending->network_id) : std::nullopt;
    if (!pending || !network) {
        return;
    }
    turn.lang = pending->lang;
    if (pending->purpose == "import_members") {
        if (answer.status != RosterAnswer::Status::ok) {
            turn.reply_text(answer.status == RosterAnswer::Status::forbidden
                                ? "import_members.forbidden"
                                : "import_members.failed");
            return;
        }
        propose_import(turn, *network, answer, answer.request_id);
        return;
    }
    if (answer.status == RosterAnswer::Status::forbidden) {
        turn.reply_text("add_member.roster_forbidden", {{"email", pending->email}});
        return;
    }
    if (answer.status == RosterAnswer::Status::failed) {
        turn.reply_text("add_member.roster_failed", {{"email", pending->email}});
        return;
    }
    std::vector<const RosterPerson*> found;
    const auto wanted = fold(pending->email);
    for (const auto& person : answer.people) {
        if (!person.user_id.empty() &&
            (fold(person.email) == wanted || fold(person.user_principal_name) == wanted)) {
            found.push_back(&person);
        }
    }
    if (found.empty()) {
        turn.reply_text("add_member.email_unknown", {{"email", pending->email}});
        return;
    }
    if (found.size() > 1) {
        std::vector<std::string> names;
        for (const auto* person : found) {
            names.push_back(person->display_name.empty() ? person->user_id
                                                         : person->display_name);
        }
        turn.reply_text("add_member.email_ambiguous",
                        {{"email", pending->email}, {"names", join_names(names, turn.lang)}});
        return;
    }
    const auto& person = *found.front();
    auto name = pending->name;
    if (name.empty()) {
        name = person.display_name.empty() ? pending->email.substr(0, pending->email.find('@'))
                                           : person.display_name;
    }
    if (utf8_length(name) > kMaxNameChars) {
        name = pending->email.substr(0, pending->email.find('@'));
    }
    // The account is what the bot needs; the address itself is not kept.
    add_person(turn, *network, name, pending->role, pending->school,
               Identity{turn.event.conversation.platform, person.user_id, 0}, true,
               person.alt_user_id);
}

/// The mention a part of a command refers to: its text as the platform left it ("Daan Bakker",
/// "@Daan Bakker" as typed before the name was picked) or its user id typed in full.
const InboundMention* mention_in(const InboundEvent& event, std::string_view part) {
    const auto typed = trim(part);
    const auto without_at = typed.starts_with('@') ? trim(typed.substr(1)) : typed;
    for (const auto& mention : event.mentions) {
        if (mention.user_id == typed ||
            (!mention.text.empty() &&
             (fold(mention.text) == fold(typed) || fold(mention.text) == fold(without_at)))) {
            return &mention;
        }
    }
    return nullptr;
}

void add_member(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto parts = split(args, args.find('|') != std::string::npos ? '|' : ',');
    auto name = parts.empty() ? std::string() : std::string(trim(parts[0]));
    if (name.empty()) {
        turn.reply_text("add_member.usage");
        return;
    }
    std::optional<Identity> account;
    std::optional<std::string> email;
    bool email_is_name = false;
    // Named the platform's way: a Teams @mention, a Matrix pill or a typed Matrix id. The
    // account is then certain, and the name is the one the platform shows.
    const InboundMention* named = mention_in(turn.event, name);
    if (named && !named->is_person) {
        turn.reply_text("add_member.mention_not_person", {{"typed", named->text}});
        return;
    }
    if (named) {
        account = Identity{turn.event.conversation.platform, named->user_id, 0};
        if (!named->display_name.empty()) {
            name = named->display_name;
        } else if (named->text != named->user_id && !named->text.empty()) {
            name = named->text;
        } else if (named->user_id.starts_with('@')) {
            name = named->user_id.substr(1, named->user_id.find(':') - 1);  // until they write
        }
    } else if (looks_like_email(name)) {
        email = name;  // the name comes from the conversation's member list
        email_is_name = true;
    } else if (auto typed = parse_account(name);
               typed && typed->platform == Platform::matrix &&
               turn.event.conversation.platform != Platform::teams) {
        // A Matrix id typed in full where no adapter made it a mention (the console).
        account = typed;
        name = typed->user_id.substr(1, typed->user_id.find(':') - 1);  // until they write
    } else if (name.starts_with('@') && name.find('@', 1) == std::string::npos) {
        // "@Daan Bakker" typed without picking Daan from the platform's list, or someone who is
        // not in this conversation: no account to link, and a name with '@' is surely a slip.
        turn.reply_text(turn.event.conversation.platform == Platform::teams
                            ? "add_member.mention_unknown"
                            : "add_member.mention_unknown_matrix",
                        {{"typed", name}});
        return;
    }
    if (utf8_length(name) > kMaxNameChars) {
        turn.reply_text("add_member.name_too_long", {{"max", std::to_string(kMaxNameChars)}});
        return;
    }
    Role role = Role::participant;
    std::string school;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto part = std::string(trim(parts[i]));
        if (part.empty()) {
            continue;
        }
        if (const InboundMention* mention = mention_in(turn.event, part)) {
            if (!mention->is_person) {
                turn.reply_text("add_member.mention_not_person", {{"typed", mention->text}});
                return;
            }
            account = Identity{turn.event.conversation.platform, mention->user_id, 0};
            continue;
        }
        if (looks_like_email(part)) {
            email = part;
            continue;
        }
        // Something that looks like an account but is none (an e-mail address, "@kees"): said so,
        // with what an account looks like.
        const bool looks_like_account =
            part.find('@') != std::string::npos ||
            (part.find(':') != std::string::npos && part.find(' ') == std::string::npos);
        if (auto parsed_role = parse_role_word(part)) {
            role = *parsed_role;
        } else if (auto parsed_account = parse_account(part)) {
            account = parsed_account;
        } else if (looks_like_account) {
            turn.reply_text("add_member.bad_account", {{"typed", part}});
            return;
        } else if (i == 1 && parts.size() > 2) {
            turn.reply_text("add_member.unknown_role", {{"typed", part}});
            return;
        } else if (school.empty()) {
            school = part;
        } else {
            turn.reply_text("add_member.extra_part", {{"typed", part}, {"school", school}});
            return;
        }
    }
    if (utf8_length(school) > kMaxNameChars) {
        turn.reply_text("add_member.name_too_long", {{"max", std::to_string(kMaxNameChars)}});
        return;
    }

    if (email && !account) {
        ask_roster_for_email(turn, *network, *email, email_is_name ? std::string() : name, role,
                             school);
        return;
    }
    add_person(turn, *network, name, role, school, account, named != nullptr,
               named ? named->alt_user_id : std::string());
}

void remove_member(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        turn.reply_text("remove_member.usage");
        return;
    }
    const auto roster = turn.store.roster(network->id);
    const auto match = find_in_roster(roster, args);
    if (!match.entry) {
        if (!match.candidates.empty()) {
            turn.reply_text("member.ambiguous",
                            {{"typed", std::string(trim(args))},
                             {"names", join_names(match.candidates, turn.lang)}});
        } else {
            turn.reply_text("member.unknown",
                            {{"typed", std::string(trim(args))}, {"network", network->name}});
        }
        return;
    }
    const auto& target = *match.entry;
    if (can_manage_network(target.membership.role)) {
        const auto managers = std::count_if(roster.begin(), roster.end(), [](const RosterEntry& e) {
            return can_manage_network(e.membership.role);
        });
        if (managers <= 1) {
            turn.reply_text("remove_member.last_manager", {{"name", target.member.display_name}});
            return;
        }
    }
    // Asked first (also of a facilitator, or of oneself), and undoable for a day.
    ask_remove_member(turn, *network, target);
}

}  // namespace leernetwerk::detail
