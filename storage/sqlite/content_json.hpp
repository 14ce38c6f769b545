#pragma once
// Internal to storage/: the outbox `content` column. Content is stored as JSON with a "type"
// discriminator ("text", "choice", "form", "summary"); every field round-trips exactly.
#include <string>
#include <string_view>

#include "bot/vocab/content.hpp"

namespace leernetwerk::storage {

/// Encodes content for the outbox. Invalid UTF-8 in a string is replaced by U+FFFD.
std::string content_to_json(const Content& content);

/// Decodes what content_to_json wrote; throws StoreError when the text is not such JSON.
Content content_from_json(std::string_view json);

}  // namespace leernetwerk::storage
