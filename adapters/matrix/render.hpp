#pragma once
// Neutral outbound content as Matrix event content: every message an m.notice with a plain
// `body` and `formatted_body` HTML (user text always escaped), mentions as m.mentions and pills,
// updates as m.replace edits. The result is JSON text (no nlohmann in this header).
#include <functional>
#include <string>
#include <string_view>

#include "bot/vocab/content.hpp"

namespace leernetwerk::matrix {

struct RenderOptions {
    /// The Matrix user id of a member, for mentions; "" when the member has none.
    std::function<std::string(Id member_id)> user_of_member;
    /// Content over this many bytes (as JSON) is trimmed.
    std::size_t max_content_bytes = 60'000;
};

/// The core's Markdown dialect as HTML: `**x**` → <strong>, "- " lines → <ul><li>, backslash
/// escapes resolved, everything else HTML-escaped, newlines → <br>.
std::string markdown_to_html(std::string_view markdown);

/// The plain `body` and HTML `formatted_body` of a message's content.
struct RenderedText {
    std::string body;
    std::string html;
};
RenderedText render_text(const Content& content, Lang lang);

/// The m.room.message content for `message`, as JSON text. With `replaces_event_id` set it is an
/// edit of that event (m.new_content + m.relates_to m.replace, body prefixed "* ").
std::string render_message(const OutboundMessage& message, std::string_view replaces_event_id,
                           const RenderOptions& options);

/// True when `message` goes out as a native poll (MSC3381): a named (not anonymous) choice
/// question with 1–20 choices, all with ids, and a scale only up to five points. Anonymous
/// questions and longer scales stay text.
bool is_poll(const OutboundMessage& message);

/// An event to send: its type (the `{eventType}` of `/send`) and its content as JSON text.
struct RenderedEvent {
    std::string type;
    std::string content;
};

/// The event for `message`. A poll (see is_poll) is an `org.matrix.msc3381.poll.start` with the
/// numbered text as `org.matrix.msc1767.text` fallback; once closed (closed_note set) and
/// replacing its start, an `org.matrix.msc3381.poll.end` referencing it. Everything else is the
/// m.room.message of render_message.
RenderedEvent render_event(const OutboundMessage& message, std::string_view replaces_event_id,
                           const RenderOptions& options);

}  // namespace leernetwerk::matrix
