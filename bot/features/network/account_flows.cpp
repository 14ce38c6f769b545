// One person, several accounts (issue 16): `koppel account` gives a member a one-time code to
// type on their other platform, after which both accounts are one member; `ontkoppel` separates
// them again. And a member's school, set by themselves or by a facilitator.
//
// Merging: the account that types the code joins the member that asked for it; when that account
// was a member of its own, everything of it (memberships with the higher role, RSVPs, answers,
// agenda items, questions, knowledge, hours) moves over and the other member is removed
// (Store::merge_members). Unlinking: the detached account becomes a member of its own with a copy
// of the profile (name, school, language, expertise) and of the current memberships; everything
// that happened before (RSVPs, answers, agenda items, questions, knowledge, hours) stays with the
// member the other account keeps.
#include <algorithm>
#include <cctype>
#include <string>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

/// No 0/O, 1/I: easy to read off one screen and type on a phone. 32 symbols, so a random byte
/// modulo 32 picks each one without bias.
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
constexpr std::size_t kCodeLength = 6;
constexpr std::chrono::minutes kCodeValidity{15};
/// Wrong codes an account may type per hour before it has to wait.
constexpr int kMaxWrongCodesPerHour = 5;
constexpr std::chrono::hours kWrongCodeWindow{1};
constexpr std::size_t kMaxSchoolChars = 80;

/// A random code with at least one digit, so that `koppel K7M4PQ` never reads as a network's
/// name (looks_like_link_code).
std::string new_code() {
    for (;;) {
        const auto bytes = random_bytes(kCodeLength);
        std::string code;
        for (const char byte : bytes) {
            code += kCodeAlphabet[static_cast<unsigned char>(byte) % kCodeAlphabet.size()];
        }
        if (std::any_of(code.begin(), code.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
            return code;
        }
    }
}

/// What is stored of a code: its HMAC under a key derived from the poll secret (not in the
/// database), so a copy of the database does not reveal a code that is still valid.
std::string code_hash(const BotSettings& settings, std::string_view code) {
    return hmac_sha256(derived_key(settings, "leernetwerk-link-code:key"), code);
}

std::string platform_name(Turn& turn, Platform platform) {
    return turn.t("mydata.platform_short." + std::string(platform_code(platform)));
}

/// The member's accounts on real platforms (the console is the administrator's test chat).
std::vector<Identity> platform_accounts(Store& store, Id member_id) {
    auto identities = store.identities_of(member_id);
    identities.erase(std::remove_if(identities.begin(), identities.end(),
                                    [](const Identity& identity) {
                                        return identity.platform == Platform::console;
                                    }),
                     identities.end());
    return identities;
}

void finish_link(Turn& turn, const LinkCode& code) {
    Store& store = turn.store;
    const auto platform = turn.event.conversation.platform;
    const auto former = turn.me;
    // Where both members were in a network with a different role, the higher one stays: said so.
    struct RoleChoice {
        Id network_id;
        Role joining;  ///< the typing account's own role
        Role staying;  ///< the role of the member that asked for the code
    };
    std::vector<RoleChoice> before;
    if (former) {
        for (const auto& theirs : store.memberships_of(former->id)) {
            if (const auto mine = store.membership(theirs.network_id, code.member_id);
                mine && mine->role != theirs.role) {
                before.push_back({theirs.network_id, theirs.role, mine->role});
            }
        }
    }
    store.link_identity({platform, turn.event.sender.user_id, code.member_id});
    if (former && former->id != code.member_id) {
        // An open anonymous poll keeps a sealed ballot per invitee, found by a token made from
        // the member's id: the joining member's ballot becomes the staying member's.
        std::vector<Poll> polls;
        for (auto& poll : store.open_polls()) {
            const auto invitees = store.poll_invitees(poll.id);
            if (std::find(invitees.begin(), invitees.end(), former->id) != invitees.end()) {
                polls.push_back(std::move(poll));
            }
        }
        store.merge_members(code.member_id, former->id);
        merge_ballots(store, turn.settings, polls, code.member_id, former->id);
    }
    store.mark_link_code_used(code.hash, turn.now);
    turn.me = store.member(code.member_id);
    if (!turn.me) {
        throw StoreError("link: the member of a link code is gone");
    }
    if (turn.event.conversation.kind == Conversation::Kind::direct) {
        turn.lang = turn.language_of(*turn.me);
    }
    std::string text = turn.t("account.linked", {{"name", turn.me->display_name},
                                                 {"here", platform_name(turn, platform)},
                                                 {"there", platform_name(turn, code.platform)}});
    if (former) {
        text += "\n\n" + turn.t("account.linked_merged");
    }
    for (const auto& choice : before) {
        const auto network = store.network(choice.network_id);
        const auto now = store.membership(choice.network_id, code.member_id);
        if (network && now) {
            const auto other = now->role == choice.joining ? choice.staying : choice.joining;
            text +=
                "\n- " + turn.t("account.linked_role", {{"network", network->name},
                                                        {"role", role_label(now->role, turn.lang)},
                                                        {"other", role_label(other, turn.lang)}});
        }
    }
    text += "\n\n" + turn.t("account.linked_unlink");
    turn.reply(TextContent{text, {}});
    // The account that asked for the code hears it too: if it was not them, they can undo it.
    if (const auto to = direct_address(store, code.member_id, {code.platform});
        to && to->platform == code.platform && to->user_id == code.user_id) {
        OutboundMessage message;
        message.to = *to;
        message.recipient_member_id = code.member_id;
        message.lang = turn.language_of(*turn.me);
        message.content = TextContent{
            tr(message.lang, "account.linked_notice",
               {{"here",
                 tr(message.lang, "mydata.platform_short." + std::string(platform_code(platform)))},
                {"id", turn.event.sender.user_id}}),
            {}};
        turn.send(message);
    }
}

}  // namespace

bool looks_like_link_code(std::string_view typed) {
    std::string code;
    for (const char c : typed) {
        if (c == ' ' || c == '-') {
            continue;
        }
        code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return code.size() == kCodeLength &&
           std::all_of(code.begin(), code.end(),
                       [](char c) { return kCodeAlphabet.find(c) != std::string_view::npos; }) &&
           std::any_of(code.begin(), code.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

void create_link_code(Turn& turn) {
    if (turn.event.sender.user_id.empty()) {
        turn.reply_text("input.stranger");
        return;
    }
    // The code goes to the member alone, sealed in the outbox like an anonymous poll's messages:
    // the database keeps it neither in the clear nor as the message that carried it.
    OutboundMessage message;
    if (turn.event.conversation.kind == Conversation::Kind::direct) {
        message.to.platform = turn.event.conversation.platform;
        message.to.conversation_id = turn.event.conversation.id;
        message.to.user_id = turn.event.sender.user_id;
        message.to.direct = true;
    } else if (const auto to =
                   direct_address(turn.store, turn.me->id, {turn.event.conversation.platform})) {
        message.to = *to;
    } else {
        turn.reply_text("account.code_private");
        return;
    }
    const auto code = new_code();
    LinkCode stored;
    stored.hash = code_hash(turn.settings, code);
    stored.member_id = turn.me->id;
    stored.platform = turn.event.conversation.platform;
    stored.user_id = turn.event.sender.user_id;
    stored.created_at = turn.now;
    stored.expires_at = turn.now + kCodeValidity;
    turn.store.create_link_code(stored);
    message.recipient_member_id = turn.me->id;
    message.lang = turn.language_of(*turn.me);
    message.sealed = true;
    message.content = TextContent{
        tr(message.lang, "account.code",
           {{"code", code},
            {"minutes", std::to_string(kCodeValidity.count())},
            {"here", tr(message.lang,
                        "mydata.platform_short." + std::string(platform_code(stored.platform)))}}),
        {}};
    turn.send(message);
    if (!message.to.direct || message.to.conversation_id != turn.event.conversation.id) {
        turn.reply_text("account.code_sent");
    }
}

void enter_link_code(Turn& turn, const std::string& args) {
    turn.confidential = true;  // a code is a key to the account: never in the log, not even trace
    const auto platform = turn.event.conversation.platform;
    const auto& user_id = turn.event.sender.user_id;
    if (user_id.empty()) {
        turn.reply_text("input.stranger");
        return;
    }
    if (!looks_like_link_code(args)) {
        turn.reply_text("account.code_usage");
        return;
    }
    const auto since = turn.now - kWrongCodeWindow;
    if (turn.store.link_failures_since(platform, user_id, since) >= kMaxWrongCodesPerHour) {
        turn.reply_text("account.too_many", {{"max", std::to_string(kMaxWrongCodesPerHour)}});
        return;
    }
    std::string code;
    for (const char c : args) {
        if (c != ' ' && c != '-') {
            code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    const auto found = turn.store.link_code(code_hash(turn.settings, code));
    const auto wrong = [&](std::string_view key) {
        turn.store.record_link_failure(platform, user_id, turn.now);
        const auto left =
            kMaxWrongCodesPerHour - turn.store.link_failures_since(platform, user_id, since);
        turn.reply_text(key, {{"left", std::to_string(std::max(left, 0))}});
    };
    if (!found) {
        wrong("account.code_unknown");
        return;
    }
    if (found->used_at) {
        wrong("account.code_used");
        return;
    }
    if (turn.now >= found->expires_at) {
        wrong("account.code_expired");
        return;
    }
    if (turn.me && turn.me->id == found->member_id) {
        turn.reply_text(found->platform == platform && found->user_id == user_id
                            ? "account.code_same_account"
                            : "account.already_linked");
        return;
    }
    if (found->platform == platform) {
        turn.reply_text("account.code_same_platform",
                        {{"platform", platform_name(turn, platform)}});
        return;
    }
    finish_link(turn, *found);
}

void unlink_account(Turn& turn, const std::string& args) {
    Store& store = turn.store;
    const auto word = fold(args);
    Platform platform = turn.event.conversation.platform;
    if (word == "teams") {
        platform = Platform::teams;
    } else if (word == "matrix" || word == "element") {
        platform = Platform::matrix;
    } else if (!word.empty()) {
        turn.reply_text("account.unlink_usage");
        return;
    }
    const auto accounts = platform_accounts(store, turn.me->id);
    std::vector<Identity> detach;
    std::vector<Identity> keep;
    for (const auto& identity : accounts) {
        (identity.platform == platform ? detach : keep).push_back(identity);
    }
    if (detach.empty()) {
        turn.reply_text("account.unlink_none", {{"platform", platform_name(turn, platform)}});
        return;
    }
    if (keep.empty()) {
        turn.reply_text("account.unlink_only", {{"platform", platform_name(turn, platform)}});
        return;
    }
    // The detached account starts as a member of its own with a copy of the profile and of the
    // current memberships; the history stays with the member the other account keeps.
    const auto original = *turn.me;
    Member copy;
    copy.display_name = original.display_name;
    copy.school_id = original.school_id;
    copy.language = original.language;
    copy.created_at = turn.now;
    copy.id = store.create_member(copy);
    if (!original.expertise.empty()) {
        store.set_member_expertise(copy.id, original.expertise);
    }
    for (const auto& membership : store.memberships_of(original.id)) {
        store.add_membership(
            {membership.network_id, copy.id, membership.role, membership.joined_at});
    }
    if (original.active_network_id) {
        store.set_active_network(copy.id, original.active_network_id);
    }
    for (auto identity : detach) {
        identity.member_id = copy.id;
        store.link_identity(identity);
    }
    const bool typed_from_detached = platform == turn.event.conversation.platform;
    turn.reply_text("account.unlinked", {{"platform", platform_name(turn, platform)},
                                         {"other", platform_name(turn, keep.front().platform)}});
    if (typed_from_detached) {
        turn.me = store.member(copy.id);
    }
}

void my_school(Turn& turn, const std::string& args) {
    const auto school = std::string(trim(args));
    if (school.empty()) {
        if (turn.me->school_name.empty()) {
            turn.reply_text("school.none");
        } else {
            turn.reply_text("school.show", {{"school", turn.me->school_name}});
        }
        return;
    }
    if (utf8_length(school) > kMaxSchoolChars) {
        turn.reply_text("school.too_long", {{"max", std::to_string(kMaxSchoolChars)}});
        return;
    }
    turn.store.set_member_school(turn.me->id, turn.store.school_id(school));
    const auto stored = turn.store.member(turn.me->id);
    turn.reply_text("school.mine_set", {{"school", stored ? stored->school_name : school}});
}

void member_school(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto bar = args.find('|');
    if (bar == std::string::npos) {
        turn.reply_text("school.member_usage");
        return;
    }
    const auto name = std::string(trim(std::string_view(args).substr(0, bar)));
    const auto school = std::string(trim(std::string_view(args).substr(bar + 1)));
    if (name.empty() || school.empty()) {
        turn.reply_text("school.member_usage");
        return;
    }
    if (utf8_length(school) > kMaxSchoolChars) {
        turn.reply_text("school.too_long", {{"max", std::to_string(kMaxSchoolChars)}});
        return;
    }
    const auto match = find_in_roster(turn.store.roster(network->id), name);
    if (!match.entry) {
        if (!match.candidates.empty()) {
            turn.reply_text("member.ambiguous",
                            {{"typed", name}, {"names", join_names(match.candidates, turn.lang)}});
        } else {
            turn.reply_text("member.unknown", {{"typed", name}, {"network", network->name}});
        }
        return;
    }
    const auto& member = match.entry->member;
    turn.store.set_member_school(member.id, turn.store.school_id(school));
    const auto stored = turn.store.member(member.id);
    turn.reply_text("school.member_set", {{"name", member.display_name},
                                          {"school", stored ? stored->school_name : school}});
}

}  // namespace leernetwerk::detail
