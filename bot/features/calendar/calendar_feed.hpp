#pragma once
// Secret calendar feeds (`agenda-link`): the token in a feed's URL, and the hash under which it is
// stored. Only the hash is kept, so a copy of the database does not give anyone the feed's URL;
// the URL is shown once, when the token is made.
#include <string>
#include <string_view>

namespace leernetwerk {

/// A new random feed token: 24 random bytes as lower-case hex (48 characters: safe in a URL and
/// in chat markdown, where '_' or '-' could be read as formatting).
std::string new_calendar_feed_token();
/// What is stored of a token: a SHA-256-based HMAC under a fixed purpose key (the token is random
/// enough that no secret is needed; the hash only hides it). Any text gives a hash, so an unknown
/// or malformed token costs the same lookup as a good one.
std::string calendar_feed_token_hash(std::string_view token);
/// The path a feed is served at: "/ics/<token>.ics".
std::string calendar_feed_path(std::string_view token);
/// The token in a path below "/ics/" ("<token>.ics" -> "<token>"); empty when it has not that form.
std::string calendar_feed_token_from_path(std::string_view path);

}  // namespace leernetwerk
