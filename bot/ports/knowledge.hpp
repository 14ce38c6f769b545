#pragma once
// The knowledge base: entries per network, their numbers, shares with other networks, and the
// full-text search members type into.
#include <optional>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Knowledge entries and their search.
class Knowledge {
public:
    virtual ~Knowledge() = default;

    /// Stores an entry with the next number of its network; returns its id.
    virtual Id create_knowledge_entry(const KnowledgeEntry& entry) = 0;
    virtual std::optional<KnowledgeEntry> knowledge_entry(Id id) = 0;
    /// The entry a network knows by this number: one of its own, or one shared with it (under
    /// the number the share got there), if any.
    virtual std::optional<KnowledgeEntry> knowledge_entry_by_number(Id network_id, int number) = 0;
    /// The number an entry has in a network: its own number at home, the share's number in a
    /// network it is shared with; nullopt elsewhere.
    virtual std::optional<int> knowledge_number_in(Id entry_id, Id network_id) = 0;
    /// Overwrites every field but id, network and created_at.
    virtual void update_knowledge_entry(const KnowledgeEntry& entry) = 0;
    virtual void delete_knowledge_entry(Id id) = 0;
    /// A network's entries (all states), newest first.
    virtual std::vector<KnowledgeEntry> knowledge_entries(Id network_id) = 0;
    /// Entries a member wrote (any network, all states), newest first.
    virtual std::vector<KnowledgeEntry> knowledge_entries_by_author(Id member_id) = 0;
    /// Entries without an author that were kept from a member's helpful answers (consent given
    /// anonymously, or the name withdrawn later), newest first: still theirs to withdraw.
    virtual std::vector<KnowledgeEntry> anonymous_knowledge_entries_of(Id member_id) = 0;
    /// Active entries of these networks (and entries shared with them), best match first (bm25).
    /// `words` is what a member typed: every word is searched as a plain word (no query syntax);
    /// all words must match, or, when no entry has them all, any of them.
    virtual std::vector<KnowledgeHit> search_knowledge(const std::vector<Id>& network_ids,
                                                       std::string_view words, int limit) = 0;
    /// Shares an entry with another network (its members then find and read it, under a number
    /// of that network's, given here); sharing twice keeps one share and its number.
    virtual void share_knowledge_entry(Id entry_id, Id network_id, std::optional<Id> shared_by,
                                       Instant now) = 0;
    virtual void unshare_knowledge_entry(Id entry_id, Id network_id) = 0;
    /// The networks an entry is shared with (not its own), by id.
    virtual std::vector<Id> knowledge_shares(Id entry_id) = 0;
};

}  // namespace leernetwerk
