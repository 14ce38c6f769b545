#include "adapters/matrix/transaction.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/net/json_limits.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::matrix {
namespace {

using nlohmann::json;

constexpr int kMaxJsonDepth = 32;
constexpr std::size_t kMaxIdBytes = 255;
constexpr std::size_t kMaxPollAnswers = 20;

bool is_poll_response(std::string_view type) {
    return type == "org.matrix.msc3381.poll.response" || type == "m.poll.response";
}

const json* member(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string string_at(const json& object, std::string_view key) {
    const json* value = member(object, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
}

bool has_control_or_space(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

bool valid_server_name(std::string_view server) {
    return !server.empty() && !has_control_or_space(server) &&
           server.find_first_of("/?#@") == std::string_view::npos;
}

bool is_localpart_char(char c) {
    // Historical user ids may contain more than the current grammar; accept printable ASCII
    // except ':' and spaces, which is what homeservers still federate.
    return c > 0x20 && c < 0x7f && c != ':';
}

bool sigil_id(std::string_view id, char sigil, bool server_required) {
    if (id.size() < 2 || id.size() > kMaxIdBytes || id.front() != sigil ||
        has_control_or_space(id)) {
        return false;
    }
    const auto colon = id.find(':');
    if (colon == std::string_view::npos) {
        return !server_required;
    }
    return colon > 1 && valid_server_name(id.substr(colon + 1));
}

constexpr std::size_t kMaxPills = 20;
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

bool starts_with_folded(std::string_view text, std::string_view prefix, std::size_t& length) {
    if (prefix.empty() || text.size() < prefix.size()) {
        return false;
    }
    if (fold(text.substr(0, prefix.size())) != fold(prefix)) {
        return false;
    }
    length = prefix.size();
    return true;
}

std::string localpart_of(std::string_view user_id) {
    if (user_id.size() < 2 || user_id.front() != '@') {
        return {};
    }
    return std::string(user_id.substr(1, user_id.find(':') - 1));
}

}  // namespace

bool is_valid_user_id(std::string_view id) {
    if (!sigil_id(id, '@', /*server_required=*/true)) {
        return false;
    }
    const auto localpart = id.substr(1, id.find(':') - 1);
    return std::all_of(localpart.begin(), localpart.end(), is_localpart_char);
}

bool is_typed_user_id(std::string_view id) {
    if (id.size() < 4 || id.size() > kMaxIdBytes || id.front() != '@') {
        return false;
    }
    const auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 1) {
        return false;
    }
    const auto localpart = id.substr(1, colon - 1);
    const bool local_ok = std::all_of(localpart.begin(), localpart.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("._=-/+").find(c) != std::string_view::npos;
    });
    auto server = id.substr(colon + 1);
    if (!local_ok || server.empty()) {
        return false;
    }
    std::string_view host = server;
    std::string_view port;
    if (server.front() == '[') {  // an IPv6 literal
        const auto bracket = server.find(']');
        if (bracket == std::string_view::npos || bracket < 3) {
            return false;
        }
        const auto inside = server.substr(1, bracket - 1);
        if (!std::all_of(inside.begin(), inside.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
            })) {
            return false;
        }
        host = {};
        const auto rest = server.substr(bracket + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return false;
            }
            port = rest.substr(1);
            if (port.empty()) {
                return false;
            }
        }
    } else if (const auto port_colon = server.find(':'); port_colon != std::string_view::npos) {
        host = server.substr(0, port_colon);
        port = server.substr(port_colon + 1);
        if (port.empty()) {
            return false;
        }
    }
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    if (server.front() != '[') {
        if (host.empty() || host.front() == '.' || host.back() == '.' || host.front() == '-' ||
            host.size() > 253) {
            return false;
        }
        return std::all_of(host.begin(), host.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-';
        });
    }
    return true;
}

bool is_valid_room_id(std::string_view id) {
    return sigil_id(id, '!', /*server_required=*/false);
}

bool is_valid_event_id(std::string_view id) {
    return sigil_id(id, '$', /*server_required=*/false);
}

std::string server_of(std::string_view user_id) {
    if (!is_valid_user_id(user_id)) {
        return {};
    }
    return std::string(user_id.substr(user_id.find(':') + 1));
}

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

std::string strip_bot_mention(std::string_view body, std::string_view bot_user_id,
                              std::string_view bot_display_name, bool* mentioned) {
    if (mentioned) {
        *mentioned = false;
    }
    // A reply fallback ("> <@a:b> quoted" lines and an empty line) comes first in older clients.
    while (body.size() >= 2 && body.substr(0, 2) == "> ") {
        const auto newline = body.find('\n');
        body = newline == std::string_view::npos ? std::string_view() : body.substr(newline + 1);
    }
    body = trim(body);
    const auto localpart = localpart_of(bot_user_id);
    std::size_t length = 0;
    for (const std::string_view name :
         {bot_user_id, bot_display_name, std::string_view(localpart)}) {
        std::string_view candidate = body;
        if (!name.empty() && name.front() != '@' && !candidate.empty() &&
            candidate.front() == '@') {
            candidate.remove_prefix(1);  // "@Leernetwerk bot hulp" as typed by hand
        }
        if (!starts_with_folded(candidate, name, length)) {
            continue;
        }
        auto rest = candidate.substr(length);
        // Only a whole-word match: "leernetwerkbot" is not a mention of "leernetwerk".
        if (!rest.empty() && rest.front() != ':' && rest.front() != ',' && rest.front() != ' ' &&
            rest.front() != '\t' && rest.front() != '\n') {
            continue;
        }
        if (!rest.empty() && (rest.front() == ':' || rest.front() == ',')) {
            rest.remove_prefix(1);
        }
        if (mentioned) {
            *mentioned = true;
        }
        return std::string(trim(rest));
    }
    return std::string(body);
}

namespace {

/// The people a message names besides the bot: pills first (with the name they show), then
/// user ids typed in full in `text`, then m.mentions user ids named neither way; each once.
std::vector<InboundMention> mentions_of(const RoomEvent& event, std::string_view text,
                                        const DecodeContext& context) {
    std::vector<InboundMention> mentions;
    auto add = [&](const std::string& user_id, std::string shown, std::string span) {
        if (user_id == context.bot_user_id || mentions.size() >= kMaxPills ||
            std::any_of(mentions.begin(), mentions.end(),
                        [&](const InboundMention& m) { return m.user_id == user_id; })) {
            return;
        }
        InboundMention mention;
        mention.user_id = user_id;
        mention.display_name = std::move(shown);
        if (mention.display_name.empty() && context.display_name_of) {
            mention.display_name = context.display_name_of(user_id);
        }
        mention.text = std::move(span);
        mentions.push_back(std::move(mention));
    };
    for (const auto& [user_id, label] : event.pills) {
        // A pill whose text is its user id shows no name.
        add(user_id, label == user_id ? std::string() : label, label);
    }
    for (std::size_t at = text.find('@'); at != std::string_view::npos;
         at = text.find('@', at + 1)) {
        if (at > 0 && text[at - 1] != ' ' && text[at - 1] != '\t' && text[at - 1] != '\n' &&
            text[at - 1] != '|' && text[at - 1] != ',' && text[at - 1] != '(') {
            continue;  // part of an e-mail address
        }
        auto end = text.find_first_of(" \t\n|,()<>", at);
        auto token = text.substr(at, end == std::string_view::npos ? text.size() - at : end - at);
        while (!token.empty() && (token.back() == '.' || token.back() == ':' ||
                                  token.back() == '!' || token.back() == '?')) {
            token.remove_suffix(1);  // end of a sentence
        }
        if (is_typed_user_id(token)) {
            add(std::string(token), std::string(), std::string(token));
        }
    }
    for (const auto& user_id : event.mentions) {
        if (is_valid_user_id(user_id)) {
            add(user_id, std::string(), std::string());
        }
    }
    return mentions;
}

}  // namespace

Decoded decode_event(const RoomEvent& event, const DecodeContext& context) {
    Decoded decoded;
    if (!event.well_formed) {
        return decoded;
    }
    decoded.room_id = event.room_id;
    const bool from_bot = event.sender == context.bot_user_id;
    const bool from_other_bot =
        std::find(context.ignored_senders.begin(), context.ignored_senders.end(), event.sender) !=
        context.ignored_senders.end();

    if (event.type == "m.room.encrypted" ||
        (event.type == "m.room.encryption" && event.state_key && event.state_key->empty())) {
        if (!from_bot) {
            decoded.kind = Decoded::Kind::encrypted;
        }
        return decoded;
    }

    auto conversation = [&] {
        Conversation c;
        c.platform = Platform::matrix;
        c.id = event.room_id;
        const bool direct = context.is_direct_room && context.is_direct_room(event.room_id);
        c.kind = direct ? Conversation::Kind::direct : Conversation::Kind::group;
        return c;
    };
    auto sender = [&](const std::string& user_id, const std::string& known_name) {
        Sender s;
        s.user_id = user_id;
        s.display_name = known_name;
        if (s.display_name.empty() && context.display_name_of) {
            s.display_name = context.display_name_of(user_id);
        }
        if (s.display_name.empty()) {
            s.display_name = localpart_of(user_id);
        }
        return s;
    };

    if (event.type == "m.room.member" && event.state_key) {
        if (event.membership == "invite" && *event.state_key == context.bot_user_id) {
            decoded.kind = Decoded::Kind::invite;
            decoded.user_id = event.sender;
            decoded.is_direct = event.is_direct;
            return decoded;
        }
        if (event.membership == "join" && *event.state_key != context.bot_user_id &&
            !from_other_bot) {
            decoded.kind = Decoded::Kind::inbound;
            decoded.event.kind = InboundEvent::Kind::member_joined;
            decoded.event.event_id = event.event_id;
            decoded.event.conversation = conversation();
            decoded.event.sender = sender(event.sender, "");
            decoded.event.joined.push_back(sender(*event.state_key, event.displayname));
        }
        if ((event.membership == "leave" || event.membership == "ban") &&
            *event.state_key != context.bot_user_id && !from_other_bot &&
            std::find(context.ignored_senders.begin(), context.ignored_senders.end(),
                      *event.state_key) == context.ignored_senders.end()) {
            decoded.kind = Decoded::Kind::inbound;
            decoded.event.kind = InboundEvent::Kind::member_left;
            decoded.event.event_id = event.event_id;
            decoded.event.conversation = conversation();
            decoded.event.sender = sender(event.sender, "");
            decoded.event.left.push_back(sender(*event.state_key, ""));
        }
        return decoded;
    }

    if (is_poll_response(event.type) && !event.state_key && !from_bot && !from_other_bot) {
        // A vote without answers withdraws it; the core has nothing to withdraw to.
        if (!is_valid_event_id(event.relates_event_id) || event.poll_answers.empty()) {
            return decoded;
        }
        decoded.kind = Decoded::Kind::poll_response;
        decoded.event.kind = InboundEvent::Kind::action;
        decoded.event.event_id = event.event_id;
        decoded.event.conversation = conversation();
        decoded.event.sender = sender(event.sender, "");
        decoded.event.action.message_remote_id = event.relates_event_id;
        decoded.event.action.choice_ids = event.poll_answers;
        return decoded;
    }

    if (event.type != "m.room.message" || event.state_key || from_bot || from_other_bot) {
        return decoded;
    }
    if (event.msgtype != "m.text" && event.msgtype != "m.emote") {
        return decoded;  // m.notice never gets an answer (loop prevention); media is not read
    }
    if (event.relates_rel_type == "m.replace") {
        return decoded;  // an edit of an earlier message: the original was answered already
    }
    decoded.kind = Decoded::Kind::inbound;
    decoded.event.kind = InboundEvent::Kind::message;
    decoded.event.event_id = event.event_id;
    decoded.event.conversation = conversation();
    decoded.event.sender = sender(event.sender, "");
    bool mentioned = false;
    decoded.event.text =
        strip_bot_mention(event.body, context.bot_user_id, context.bot_display_name, &mentioned);
    // In a room the bot reads every line between members; only what names it is surely for it
    // (the core also answers commands and replies to its own messages there).
    decoded.event.ambient =
        decoded.event.conversation.kind == Conversation::Kind::group && !mentioned &&
        std::find(event.mentions.begin(), event.mentions.end(), context.bot_user_id) ==
            event.mentions.end();
    decoded.event.mentions = mentions_of(event, decoded.event.text, context);
    decoded.event.reply_to_remote_id = event.in_reply_to;
    if (event.relates_rel_type == "m.thread" && !event.relates_event_id.empty()) {
        // A message in a thread: the bot's answer stays in it, and the thread's root tells what
        // the message is about (a question's post) whichever message in it was replied to.
        decoded.event.conversation.thread_id = event.relates_event_id;
    }
    return decoded;
}

}  // namespace leernetwerk::matrix
