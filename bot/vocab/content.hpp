#pragma once
// Neutral content the core sends. Each adapter renders it natively: Adaptive Cards on Teams,
// HTML and polls on Matrix, numbered text on the console. No platform detail appears here.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// A member named in a message; adapters render it as a native mention where they can.
struct Mention {
    Id member_id = 0;
    std::string display_name;
};

/// Text in the core's Markdown dialect: `**bold**`, lines starting with "- " as list items, and a
/// backslash before any of \\ * _ [ ] < > ` # | ~ for that character literally (the core escapes
/// every piece of data it inserts, see escape_markdown). Nothing else is markup. Each adapter
/// translates this dialect into its platform's format.
struct TextContent {
    std::string markdown;
    std::vector<Mention> mentions;
};

struct Choice {
    std::string id;     ///< what comes back in an ActionSubmission
    std::string label;  ///< what the member sees
};

/// A question with options to click: a confirmation, a poll, a rating scale.
struct ChoiceQuestion {
    enum class Kind { single, multiple, rating };
    std::string action_id;  ///< names what an answer refers to, e.g. "confirm:12"
    std::string prompt;
    Kind kind = Kind::single;
    std::vector<Choice> choices;  ///< for rating: one per scale point, low to high
    int max_choices = 1;          ///< for multiple
    /// For multiple: the choice ids ticked when it is shown (an attendance list prefilled from
    /// who said they would come). Platforms that cannot tick beforehand show the prompt only.
    std::vector<std::string> selected;
    std::string low_label;        ///< for rating: what the lowest point means
    std::string high_label;       ///< for rating: what the highest point means
    bool anonymous = false;
    std::optional<Instant> deadline;
    std::string closed_note;  ///< once answered or closed: shown instead of the options
};

/// A short form with a few fields (an agenda item, a question, a meeting to plan).
struct FormField {
    enum class Kind { text, multiline, toggle };
    std::string id;
    std::string label;
    Kind kind = Kind::text;
    bool required = false;
    std::string placeholder;
};

struct ShortForm {
    std::string action_id;
    std::string title;
    std::string intro;
    std::vector<FormField> fields;
    std::string submit_label;
    std::string closed_note;  ///< once submitted: shown instead of the fields
};

/// A result overview: key/value rows and bar data (poll results, a meeting list).
struct SummaryRow {
    std::string label;
    std::string value;
};

struct Bar {
    std::string label;
    double value = 0;
    double max = 0;       ///< the bar's full length (e.g. number of respondents)
    std::string display;  ///< how to print the value, e.g. "4 (40%)" or "3,8"
};

struct Summary {
    std::string title;
    std::vector<SummaryRow> rows;
    std::vector<Bar> bars;
    std::string footnote;
};

/// Not a message but a request to the platform: list the members of the conversation it is
/// addressed to (Teams: the Bot Connector's paged members; Matrix: the room's joined members).
/// The dispatcher answers it with an InboundEvent of kind roster carrying `request_id`, so the
/// core completes what it started once, whenever the answer comes (also after a restart).
struct RosterQuery {
    std::string request_id;
};

using Content = std::variant<TextContent, ChoiceQuestion, ShortForm, Summary, RosterQuery>;

/// Where a message goes. With an empty conversation_id the adapter opens (or reuses) a direct
/// conversation with user_id.
struct Address {
    Platform platform = Platform::console;
    std::string conversation_id;
    std::string user_id;  ///< for direct messages: the recipient's platform id
    bool direct = false;
    std::string thread_id;  ///< reply in this thread (Teams reply chain, Matrix thread root)
};

/// The member whose message a reply answers, and where they wrote it: when the reply is given up,
/// the core tells them another way where it can (bot/delivery_notice.hpp).
struct ReplyCause {
    Id member_id = 0;
    Address origin;
};

/// One message the core wants sent. The dispatcher renders and sends it later (the outbox).
struct OutboundMessage {
    Id id = 0;  ///< outbox id, set by the store; Matrix uses it as the transaction id
    Address to;
    Id recipient_member_id = 0;  ///< 0 for a group conversation
    Lang lang = Lang::nl;
    Content content;
    std::optional<Id> replaces;  ///< update that earlier message in place (its outbox id)
    /// Stored encrypted: whom it goes to and what it says are not in a copy of the database (the
    /// messages an anonymous poll causes to a member; Store::use_sealing_key).
    bool sealed = false;
    /// Set on replies to a member's message (never on sealed ones); not read back with the row.
    std::optional<ReplyCause> cause{};
};

enum class OutboxState { pending, sending, sent, failed };
std::string_view outbox_state_code(OutboxState state);
std::optional<OutboxState> parse_outbox_state_code(std::string_view code);

/// An outbox row as the dispatcher sees it.
struct OutboxRow {
    OutboundMessage message;
    OutboxState state = OutboxState::pending;
    int attempts = 0;
    Instant created_at{};
    Instant next_attempt_at{};
    std::string remote_id;           ///< the platform's id once sent
    std::string replaces_remote_id;  ///< the remote id of the message this one updates
    std::string last_error;
};

}  // namespace leernetwerk
