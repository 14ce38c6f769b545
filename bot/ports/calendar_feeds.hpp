#pragma once
// Secret calendar feeds (`agenda-link`): a network's, or one member's personal one.
#include <optional>
#include <string>
#include <string_view>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// A secret calendar feed (`agenda-link`): a network's, or one member's personal one. Only the
/// hash of its token is stored (calendar_feed.hpp).
struct CalendarFeed {
    std::string token_hash;
    Id network_id = 0;
    std::optional<Id> member_id;  ///< a personal feed: only the meetings this member comes to
    Instant created_at{};
};

/// Current calendar feeds by token hash.
class CalendarFeeds {
public:
    virtual ~CalendarFeeds() = default;

    /// Stores a new feed; the earlier feed of the same network (or of the same member in it)
    /// stops at once.
    virtual void replace_calendar_feed(const CalendarFeed& feed) = 0;
    /// The feed with this token hash, if one is current.
    virtual std::optional<CalendarFeed> calendar_feed(std::string_view token_hash) = 0;
    /// Whether a network (member_id nullopt) or a member in it has a current feed.
    virtual bool has_calendar_feed(Id network_id, std::optional<Id> member_id) = 0;
};

}  // namespace leernetwerk
