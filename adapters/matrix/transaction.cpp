#include "adapters/matrix/transaction.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/matrix/wire_detail.hpp"
#include "adapters/net/json_limits.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::matrix {
namespace {

using detail::is_poll_response;
using detail::kMaxIdBytes;
using detail::kMaxJsonDepth;
using detail::kMaxPills;
using detail::kMaxPollAnswers;
using detail::member;
using nlohmann::json;

std::string string_at(const json& object, std::string_view key) {
    const json* value = member(object, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
}

constexpr std::string_view kMatrixTo = "https://matrix.to/#/";

bool equals_ci(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// %40 → '@', %3A → ':' and any other %XX; nullopt for a broken escape.
std::optional<std::string> percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            return std::nullopt;
        }
        out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
    }
    return out;
}

/// The few entities a client writes in a pill's text.
std::string decode_basic_entities(std::string_view text) {
    std::string out(text);
    for (const auto& [entity, plain] : {std::pair<std::string_view, std::string_view>{"&lt;", "<"},
                                        {"&gt;", ">"},
                                        {"&quot;", "\""},
                                        {"&#39;", "'"},
                                        {"&apos;", "'"},
                                        {"&nbsp;", " "},
                                        {"&amp;", "&"}}) {
        for (auto at = out.find(entity); at != std::string::npos; at = out.find(entity, at)) {
            out.replace(at, entity.size(), plain);
            at += plain.size();
        }
    }
    return out;
}

/// The user pills of a formatted_body: anchors whose href is a matrix.to link to a user id.
/// A scan for `<a … href="…">text</a>`, not an HTML parser; anything else is skipped.
std::vector<std::pair<std::string, std::string>> read_pills(std::string_view html) {
    std::vector<std::pair<std::string, std::string>> pills;
    for (std::size_t at = 0; pills.size() < kMaxPills;) {
        const auto open = html.find('<', at);
        if (open == std::string_view::npos || open + 3 > html.size()) {
            break;
        }
        at = open + 1;
        if (!equals_ci(html.substr(open, 3), "<a ")) {
            continue;
        }
        const auto close = html.find('>', open);
        if (close == std::string_view::npos) {
            break;
        }
        const auto tag = html.substr(open, close - open);
        std::size_t href = std::string_view::npos;
        for (std::size_t i = 0; i + 5 < tag.size(); ++i) {
            if (equals_ci(tag.substr(i, 5), "href=") && (tag[i + 5] == '"' || tag[i + 5] == '\'')) {
                href = i + 5;
                break;
            }
        }
        const auto end_anchor = html.find("</a>", close);
        if (href == std::string_view::npos || end_anchor == std::string_view::npos) {
            continue;
        }
        const auto quote_end = tag.find(tag[href], href + 1);
        if (quote_end == std::string_view::npos) {
            continue;
        }
        auto link = tag.substr(href + 1, quote_end - href - 1);
        if (link.substr(0, kMatrixTo.size()) != kMatrixTo) {
            continue;
        }
        link.remove_prefix(kMatrixTo.size());
        link = link.substr(0, link.find('?'));  // "?via=…"
        const auto user_id = percent_decoded(link);
        if (!user_id || !is_valid_user_id(*user_id)) {
            continue;
        }
        const auto label = html.substr(close + 1, end_anchor - close - 1);
        if (label.find('<') != std::string_view::npos) {
            continue;  // markup inside the pill: not a plain name
        }
        pills.emplace_back(*user_id, std::string(trim(decode_basic_entities(label))));
        at = end_anchor + 4;
    }
    return pills;
}

RoomEvent read_event(const json& j) {
    RoomEvent event;
    event.event_id = string_at(j, "event_id");
    event.room_id = string_at(j, "room_id");
    event.sender = string_at(j, "sender");
    event.type = string_at(j, "type");
    if (const json* state_key = member(j, "state_key"); state_key && state_key->is_string()) {
        event.state_key = state_key->get<std::string>();
    }
    if (const json* ts = member(j, "origin_server_ts"); ts && ts->is_number_integer()) {
        event.origin_server_ts = ts->get<std::int64_t>();
    }
    if (const json* content = member(j, "content"); content && content->is_object()) {
        event.msgtype = string_at(*content, "msgtype");
        event.body = string_at(*content, "body");
        event.membership = string_at(*content, "membership");
        event.displayname = string_at(*content, "displayname");
        if (const json* direct = member(*content, "is_direct"); direct && direct->is_boolean()) {
            event.is_direct = direct->get<bool>();
        }
        if (const json* relates = member(*content, "m.relates_to");
            relates && relates->is_object()) {
            event.relates_rel_type = string_at(*relates, "rel_type");
            event.relates_event_id = string_at(*relates, "event_id");
            if (const json* reply = member(*relates, "m.in_reply_to")) {
                event.in_reply_to = string_at(*reply, "event_id");
            }
        }
        if (const json* mentions = member(*content, "m.mentions");
            mentions && mentions->is_object()) {
            if (const json* users = member(*mentions, "user_ids"); users && users->is_array()) {
                for (const auto& user : *users) {
                    if (user.is_string() && event.mentions.size() < kMaxPollAnswers) {
                        event.mentions.push_back(user.get<std::string>());
                    }
                }
            }
        }
        if (event.type == "m.room.message") {
            event.pills = read_pills(string_at(*content, "formatted_body"));
        }
        if (is_poll_response(event.type)) {
            const json* response = member(*content, event.type);
            const json* answers = response ? member(*response, "answers") : nullptr;
            if (answers && answers->is_array()) {
                for (const auto& answer : *answers) {
                    if (answer.is_string() && !answer.get_ref<const std::string&>().empty() &&
                        answer.get_ref<const std::string&>().size() <= kMaxIdBytes &&
                        event.poll_answers.size() < kMaxPollAnswers) {
                        event.poll_answers.push_back(answer.get<std::string>());
                    }
                }
            }
        }
    }
    event.well_formed = is_valid_event_id(event.event_id) && is_valid_room_id(event.room_id) &&
                        is_valid_user_id(event.sender) && !event.type.empty() &&
                        event.type.size() <= kMaxIdBytes;
    if (event.type == "m.room.member" &&
        (!event.state_key || !is_valid_user_id(*event.state_key))) {
        event.well_formed = false;
    }
    return event;
}

}  // namespace

namespace {

/// A minimal JSON structure reader over raw text (no escapes decoded, no strings checked): used
/// only when the whole body does not parse, to find the events it still carries one by one.
class RawJson {
public:
    explicit RawJson(std::string_view text) : text_(text) {}

    /// The elements of the top-level object's "events" array, as text; nullopt when the body
    /// is not an object of well-nested values.
    std::optional<std::vector<std::string_view>> events() {
        skip_space();
        if (!take('{')) {
            return std::nullopt;
        }
        std::optional<std::vector<std::string_view>> found;
        skip_space();
        if (take('}')) {
            return std::vector<std::string_view>{};
        }
        while (true) {
            skip_space();
            const auto key = string();
            skip_space();
            if (!key || !take(':')) {
                return std::nullopt;
            }
            skip_space();
            if (*key == "\"events\"" && peek() == '[') {
                found = elements();
                if (!found) {
                    return std::nullopt;
                }
            } else if (!value()) {
                return std::nullopt;
            }
            skip_space();
            if (take('}')) {
                break;
            }
            if (!take(',')) {
                return std::nullopt;
            }
        }
        skip_space();
        if (pos_ != text_.size() || !found) {
            return std::nullopt;
        }
        return found;
    }

private:
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool take(char c) {
        if (peek() != c) {
            return false;
        }
        ++pos_;
        return true;
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }
    std::optional<std::string_view> string() {
        const auto start = pos_;
        if (!take('"')) {
            return std::nullopt;
        }
        while (pos_ < text_.size() && text_[pos_] != '"') {
            pos_ += text_[pos_] == '\\' ? 2 : 1;
        }
        if (!take('"')) {
            return std::nullopt;
        }
        return text_.substr(start, pos_ - start);
    }
    std::optional<std::vector<std::string_view>> elements() {
        std::vector<std::string_view> out;
        take('[');
        skip_space();
        if (take(']')) {
            return out;
        }
        while (true) {
            skip_space();
            const auto start = pos_;
            if (!value()) {
                return std::nullopt;
            }
            out.push_back(text_.substr(start, pos_ - start));
            skip_space();
            if (take(']')) {
                return out;
            }
            if (!take(',')) {
                return std::nullopt;
            }
        }
    }
    /// Skips one value: a string, a nested object or array, or a bare literal or number.
    bool value() {
        const char c = peek();
        if (c == '"') {
            return string().has_value();
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (pos_ < text_.size()) {
                const char d = text_[pos_];
                if (d == '"') {
                    if (!string()) {
                        return false;
                    }
                    continue;
                }
                ++pos_;
                if (d == '{' || d == '[') {
                    ++depth;
                } else if (d == '}' || d == ']') {
                    if (--depth == 0) {
                        return true;
                    }
                }
            }
            return false;
        }
        const auto start = pos_;
        while (pos_ < text_.size() &&
               std::string_view(",]} \n\r\t").find(text_[pos_]) == std::string_view::npos) {
            ++pos_;
        }
        return pos_ > start;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

/// Adds one event of a transaction, or records why it was skipped (never its text).
void add_event(Transaction& transaction, std::size_t index, const json& item) {
    if (item.is_discarded()) {
        transaction.skipped.push_back({index, "undecodable"});
    } else if (!item.is_object()) {
        transaction.skipped.push_back({index, item.is_null() ? "null" : "not_an_object"});
    } else {
        transaction.events.push_back(read_event(item));
    }
}

}  // namespace

tl::expected<Transaction, TransactionError> parse_transaction(std::string_view body) {
    if (!net::json_nesting_within(body, kMaxJsonDepth)) {
        return tl::unexpected(TransactionError{"M_NOT_JSON", "not JSON or nested too deeply"});
    }
    Transaction transaction;
    const auto j = json::parse(body, nullptr, false);
    if (j.is_discarded()) {
        // One undecodable event (a lone surrogate in a string, say) must not hold up the rest:
        // the homeserver would send this transaction again forever. Each event is read alone.
        auto items = RawJson(body).events();
        if (!items) {
            return tl::unexpected(TransactionError{"M_NOT_JSON", "the body is not valid JSON"});
        }
        for (std::size_t i = 0; i < items->size(); ++i) {
            add_event(transaction, i, json::parse((*items)[i], nullptr, false));
        }
        return transaction;
    }
    const json* events = member(j, "events");
    if (!j.is_object() || !events || !events->is_array()) {
        return tl::unexpected(TransactionError{"M_BAD_JSON", "expected {\"events\": [...]}"});
    }
    transaction.events.reserve(events->size());
    for (std::size_t i = 0; i < events->size(); ++i) {
        add_event(transaction, i, (*events)[i]);
    }
    return transaction;
}

}  // namespace leernetwerk::matrix
