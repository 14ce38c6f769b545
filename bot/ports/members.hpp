#pragma once
// Schools and members, the platform accounts (identities) of a member, and one person with
// several accounts: link codes, wrong tries and merging two members into one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// A one-time code that links a second account to a member (`koppel account`). Only its keyed
/// hash is stored.
struct LinkCode {
    std::string hash;  ///< HMAC of the code; the code itself is never stored
    Id member_id = 0;
    Platform platform = Platform::console;  ///< the account that asked for it
    std::string user_id;
    Instant created_at{};
    Instant expires_at{};
    std::optional<Instant> used_at;
};

/// Members, their schools and accounts.
class Members {
public:
    virtual ~Members() = default;

    // ---- schools and members ---------------------------------------------------------------
    /// The school with this name (case/accent-insensitive), created if new.
    virtual Id school_id(std::string_view name) = 0;
    virtual Id create_member(const Member& member) = 0;
    virtual std::optional<Member> member(Id id) = 0;
    virtual std::optional<Member> member_by_identity(Platform platform,
                                                     std::string_view user_id) = 0;
    /// Every member, ordered by display name.
    virtual std::vector<Member> members() = 0;
    virtual void set_member_school(Id member_id, std::optional<Id> school_id) = 0;
    virtual void set_member_language(Id member_id, std::optional<Lang> language) = 0;
    /// The name shown for a member (from the platform's profile when it was only an id before).
    virtual void set_member_display_name(Id member_id, std::string_view name) = 0;
    virtual void set_member_expertise(Id member_id, const std::vector<std::string>& tags) = 0;
    virtual void set_active_network(Id member_id, std::optional<Id> network_id) = 0;
    /// Links a platform account to a member (replacing an earlier link of that account).
    virtual void link_identity(const Identity& identity) = 0;
    virtual std::vector<Identity> identities_of(Id member_id) = 0;

    // ---- one person, several accounts ---------------------------------------------------------
    /// Stores a new link code; the member's earlier unused codes are withdrawn, and codes that
    /// expired long ago are forgotten.
    virtual void create_link_code(const LinkCode& code) = 0;
    virtual std::optional<LinkCode> link_code(std::string_view hash) = 0;
    virtual void mark_link_code_used(std::string_view hash, Instant now) = 0;
    /// Counts a wrong code typed on an account (for the rate limit); tries older than a day are
    /// forgotten.
    virtual void record_link_failure(Platform platform, std::string_view user_id, Instant now) = 0;
    virtual int link_failures_since(Platform platform, std::string_view user_id, Instant since) = 0;
    /// Makes `from` part of `into`: its accounts, memberships (the higher role where both have
    /// one), answers, agenda items, questions, knowledge and messages move to `into`; profile
    /// fields `into` lacks are taken from `from`; then `from` is deleted.
    virtual void merge_members(Id into, Id from) = 0;
};

}  // namespace leernetwerk
