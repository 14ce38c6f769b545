#pragma once
// A terminal chat with the bot: one message per line in, the bot's replies out, each reply
// between a ">>> bot to …" line and a "<<<" line so scripts can read them. It drains the console
// outbox the way the platform dispatchers drain theirs.
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/engine/bot.hpp"
#include "bot/vocab/content.hpp"
#include "bot/vocab/inbound.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk::console {

/// The conversation id of the console's group chat (bound to the demo network).
inline constexpr std::string_view kGroupConversation = "console";

/// Renders one outbound message as plain text (no delimiters); deadlines in `zone`'s wall time.
std::string render(const OutboundMessage& message, std::string_view zone = "Europe/Amsterdam");

class ConsoleSession {
public:
    /// `now` is the console's clock; `/tijd` moves it and the scheduler follows it.
    ConsoleSession(Bot& bot, Store& store, std::ostream& out, Instant now);

    /// Handles one typed line; false after /stop.
    bool handle_line(const std::string& line);
    /// Reads lines until end of input or /stop. Returns the number of lines read.
    int run(std::istream& in);
    /// Speak as this member from now on (by name: full, first name or unique prefix).
    bool speak_as(std::string_view name);
    /// Prints every pending console message and marks it sent.
    void drain();

    Instant now() const { return now_; }

    /// Who is in the console's conversations, as a platform's member list would say: the answer
    /// to the bot's roster queries (`lid toevoegen` by e-mail). Empty until set; with
    /// `refused` the console answers as a platform that does not let the bot read it.
    void set_roster(std::vector<RosterPerson> people, bool refused = false) {
        roster_ = std::move(people);
        roster_refused_ = refused;
    }

private:
    void send_text(const std::string& text);
    void send_action(ActionSubmission action);
    void apply(InboundEvent event);
    void answer_roster_query(const OutboxRow& row, const RosterQuery& query);
    void set_clock(const std::string& args);
    void status_line(const std::string& text);
    Conversation conversation() const;
    Sender sender() const;
    std::string next_event_id();

    Bot& bot_;
    Store& store_;
    std::ostream& out_;
    Instant now_;
    std::string session_id_;
    long long counter_ = 0;
    std::optional<Member> speaker_;
    bool direct_ = false;
    std::optional<ChoiceQuestion> open_question_;
    std::optional<ShortForm> open_form_;
    std::map<std::string, std::string> form_values_;
    std::vector<RosterPerson> roster_;
    bool roster_refused_ = false;
};

}  // namespace leernetwerk::console
