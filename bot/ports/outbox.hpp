#pragma once
// The outbox as the core sees it: messages to send are appended in the same transaction as the
// state change that caused them, and read back later (what was sent, whose message it answers).
// Claiming and recording sends is the delivery engine's part (delivery_store.hpp).
#include <optional>
#include <string>
#include <string_view>

#include "bot/vocab/content.hpp"
#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Messages to send, and the rows they became.
class Outbox {
public:
    virtual ~Outbox() = default;

    /// The key (32 bytes) of sealed outbox rows (OutboundMessage::sealed): their address,
    /// recipient, language and content are stored encrypted, and read back through this key.
    virtual void use_sealing_key(std::string key) = 0;
    /// Appends a message (state pending, due now); returns its id.
    virtual Id append_outbox(const OutboundMessage& message, Instant now) = 0;
    virtual std::optional<OutboxRow> outbox_row(Id id) = 0;
    /// The row a platform knows by `remote_id` (the id it gave the sent message), if any.
    virtual std::optional<OutboxRow> outbox_row_by_remote_id(Platform platform,
                                                             std::string_view remote_id) = 0;
    /// Whose message a row answers and where they wrote it (OutboundMessage::cause); nullopt
    /// for a row that answers nobody, a sealed row, or one whose member was erased.
    virtual std::optional<ReplyCause> outbox_cause(Id id) = 0;
    /// The newest private message to this account that was sent or given up on, if any (whether
    /// the platform delivers to it).
    virtual std::optional<OutboxRow> latest_direct_delivery(Platform platform,
                                                            std::string_view user_id) = 0;
    /// Makes one kept message nobody's before its recipient is erased: it names no member any
    /// more and says `content` instead (which must not name them either); its conversation (or,
    /// without one, its user id) and remote id stay, so that this one message can still be
    /// updated. A sealed row is left alone.
    virtual void release_outbox_row(Id id, const Content& content) = 0;
};

}  // namespace leernetwerk
