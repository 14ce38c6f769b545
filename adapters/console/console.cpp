#include "adapters/console/console.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include "bot/i18n/i18n.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::console {
namespace {

/// The word a console user types for a form field: the first word of its label of four letters
/// or more, in the reader's language ("datum" for "Datum en tijd"); the field id otherwise.
std::string field_key(const FormField& field) {
    for (const auto& word : words(fold(field.label))) {
        std::string letters;
        for (const char c : word) {
            if ((c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80) {
                letters += c;
            }
        }
        if (letters.size() >= 4) {
            return letters;
        }
    }
    return field.id;
}

/// The console shows the core's Markdown dialect as plain text.
std::string plain(std::string_view markdown) { return markdown_to_plain(markdown); }

std::string bar_line(const Bar& bar) {
    constexpr int kWidth = 20;
    const double share = bar.max > 0 ? std::clamp(bar.value / bar.max, 0.0, 1.0) : 0.0;
    const int filled = static_cast<int>(std::lround(share * kWidth));
    std::string line = "  " + plain(bar.label) + "  ";
    for (int i = 0; i < kWidth; ++i) {
        line += i < filled ? "#" : ".";
    }
    return line + "  " + plain(bar.display);
}

struct Renderer {
    Lang lang;
    std::string_view zone;
    std::ostringstream out;

    void operator()(const TextContent& text) { out << plain(text.markdown); }

    void operator()(const ChoiceQuestion& question) {
        out << plain(question.prompt);
        if (!question.closed_note.empty()) {
            out << "\n-> " << plain(question.closed_note);
            return;
        }
        // A scale whose points are just their numbers fits on one line with what its ends mean
        // ("1 · 2 · … · 10 (1 = slecht, 10 = top)"), on a phone too; other choices are numbered
        // one per line.
        bool plain_scale = question.kind == ChoiceQuestion::Kind::rating;
        for (std::size_t i = 0; i < question.choices.size() && plain_scale; ++i) {
            plain_scale = plain(question.choices[i].label) == std::to_string(i + 1);
        }
        const bool ends = question.kind == ChoiceQuestion::Kind::rating &&
                          (!question.low_label.empty() || !question.high_label.empty());
        const auto meaning = "(1 = " + plain(question.low_label) + ", " +
                             std::to_string(question.choices.size()) + " = " +
                             plain(question.high_label) + ")";
        if (plain_scale) {
            out << "\n  ";
            for (std::size_t i = 0; i < question.choices.size(); ++i) {
                out << (i ? " · " : "") << (i + 1);
            }
            if (ends) {
                out << " " << meaning;
            }
        } else {
            for (std::size_t i = 0; i < question.choices.size(); ++i) {
                out << "\n  " << (i + 1) << ". " << plain(question.choices[i].label);
            }
            if (ends) {
                out << "\n  " << meaning;
            }
        }
        out << "\n"
            << (question.kind == ChoiceQuestion::Kind::multiple
                    ? tr(lang, "console.choose_many",
                         {{"max", std::to_string(question.max_choices)}})
                    : tr(lang, "console.choose",
                         {{"count", std::to_string(question.choices.size())}}));
        if (question.anonymous) {
            out << " " << tr(lang, "console.anonymous");
        }
        if (question.deadline) {
            if (const auto local = to_local(*question.deadline, zone)) {
                out << " " << tr(lang, "console.deadline", {{"when", format_moment(*local, lang)}});
            }
        }
    }

    void operator()(const ShortForm& form) {
        out << plain(form.title);
        if (!form.closed_note.empty()) {
            out << "\n-> " << plain(form.closed_note);
            return;
        }
        if (!form.intro.empty()) {
            out << "\n" << plain(form.intro);
        }
        for (const auto& field : form.fields) {
            out << "\n  " << field_key(field) << " = " << plain(field.label);
            if (field.required) {
                out << " (" << tr(lang, "console.required") << ")";
            }
            if (!field.placeholder.empty()) {
                out << ", " << plain(tr(lang, "console.example", {{"example", field.placeholder}}));
            }
        }
        out << "\n" << tr(lang, "console.form_hint");
    }

    void operator()(const RosterQuery&) {}  // answered by the session, never shown

    void operator()(const Summary& summary) {
        out << plain(summary.title);
        std::size_t width = 0;
        for (const auto& row : summary.rows) {
            width = std::max(width, utf8_length(plain(row.label)));
        }
        for (const auto& row : summary.rows) {
            const auto label = plain(row.label);
            out << "\n  " << label << std::string(width - utf8_length(label) + 2, ' ')
                << plain(row.value);
        }
        for (const auto& bar : summary.bars) {
            out << "\n" << bar_line(bar);
        }
        if (!summary.footnote.empty()) {
            out << "\n" << plain(summary.footnote);
        }
    }
};

bool is_number(std::string_view text) {
    return !text.empty() && text.size() < 4 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string render(const OutboundMessage& message, std::string_view zone) {
    Renderer renderer{message.lang, zone, {}};
    std::visit(renderer, message.content);
    return renderer.out.str();
}

ConsoleSession::ConsoleSession(Bot& bot, Store& store, std::ostream& out, Instant now)
    : bot_(bot), store_(store), out_(out), now_(now) {
    // Event ids must stay unique across runs on the same database (the inbox remembers them).
    std::random_device random;
    std::ostringstream id;
    id << std::hex << random() << random();
    session_id_ = id.str();
}

std::string ConsoleSession::next_event_id() {
    return "console-" + session_id_ + "-" + std::to_string(++counter_);
}

Conversation ConsoleSession::conversation() const {
    Conversation conversation;
    conversation.platform = Platform::console;
    if (direct_ && speaker_) {
        conversation.kind = Conversation::Kind::direct;
        conversation.id = "console-dm-" + std::to_string(speaker_->id);
    } else {
        conversation.kind = Conversation::Kind::group;
        conversation.id = std::string(kGroupConversation);
    }
    return conversation;
}

Sender ConsoleSession::sender() const {
    if (speaker_) {
        return {"member-" + std::to_string(speaker_->id), speaker_->display_name, ""};
    }
    return {"console-guest", "Gast", ""};
}

void ConsoleSession::status_line(const std::string& text) {
    out_ << "# " << text << "\n";
}

bool ConsoleSession::speak_as(std::string_view name) {
    const auto wanted = fold(name);
    if (wanted.empty()) {
        return false;
    }
    std::vector<Member> found;
    for (auto& member : store_.members()) {
        const auto full = fold(member.display_name);
        if (full == wanted) {
            found = {member};
            break;
        }
        const auto first = words(full);
        if ((!first.empty() && first.front() == wanted) || full.rfind(wanted, 0) == 0) {
            found.push_back(member);
        }
    }
    if (found.size() != 1) {
        return false;
    }
    speaker_ = found.front();
    open_question_.reset();
    open_form_.reset();
    return true;
}

void ConsoleSession::apply(InboundEvent event) {
    event.event_id = next_event_id();
    event.conversation = conversation();
    event.sender = sender();
    const auto result = bot_.handle(event, now_);
    if (!result) {
        status_line("fout / error: " + result.error().message);
    }
    drain();
}

void ConsoleSession::send_text(const std::string& text) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.text = text;
    apply(std::move(event));
}

void ConsoleSession::send_action(ActionSubmission action) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::action;
    event.action = std::move(action);
    apply(std::move(event));
}

void ConsoleSession::answer_roster_query(const OutboxRow& row, const RosterQuery& query) {
    // As a platform dispatcher does: the request is marked sent and its answer applied, with an
    // event id of its own so that answering twice applies it once.
    store_.transaction([&] {
        store_.mark_outbox_sending(row.message.id, now_);
        store_.mark_outbox_sent(row.message.id, "console-roster-" + std::to_string(row.message.id),
                                now_);
    });
    InboundEvent event;
    event.kind = InboundEvent::Kind::roster;
    event.event_id = "console-roster:" + std::to_string(row.message.id);
    event.conversation = {Platform::console, row.message.to.conversation_id,
                          Conversation::Kind::group, row.message.to.thread_id};
    event.roster.request_id = query.request_id;
    event.roster.status =
        roster_refused_ ? RosterAnswer::Status::forbidden : RosterAnswer::Status::ok;
    if (!roster_refused_) {
        event.roster.people = roster_;
    }
    if (const auto result = bot_.handle(event, now_); !result) {
        status_line("fout / error: " + result.error().message);
    }
}

void ConsoleSession::drain() {
    constexpr int kBatch = 100;
    while (true) {
        const auto rows = store_.due_outbox(Platform::console, now_, kBatch);
        if (rows.empty()) {
            return;
        }
        for (const auto& row : rows) {
            const auto& message = row.message;
            if (const auto* query = std::get_if<RosterQuery>(&message.content)) {
                answer_roster_query(row, *query);
                continue;
            }
            std::string to;
            if (message.to.direct) {
                // Named as a person, also when the message names only the account.
                const auto member =
                    message.recipient_member_id
                        ? store_.member(message.recipient_member_id)
                        : store_.member_by_identity(Platform::console, message.to.user_id);
                // (A message to someone erased names only the conversation.)
                const auto& who =
                    message.to.user_id.empty() ? message.to.conversation_id : message.to.user_id;
                to = (member ? member->display_name : who) +
                     (message.lang == Lang::nl ? " (privé)" : " (private)");
            } else {
                const auto network =
                    store_.network_of_conversation(Platform::console, message.to.conversation_id);
                const auto bound = network ? store_.network(*network) : std::nullopt;
                to = bound ? bound->name : message.to.conversation_id;
            }
            store_.transaction([&] { store_.mark_outbox_sending(message.id, now_); });
            out_ << ">>> bot to " << to;
            if (message.replaces) {
                out_ << " (" << tr(message.lang, "console.updated") << ")";
            }
            out_ << "\n" << render(message, bot_.settings().default_time_zone) << "\n<<<\n";
            out_.flush();
            store_.transaction([&] {
                store_.mark_outbox_sent(message.id, "console-" + std::to_string(message.id), now_);
            });
            // Remember an open question or form shown to the current speaker, so "1" answers it.
            const bool for_speaker =
                !message.to.direct || (speaker_ && message.recipient_member_id == speaker_->id);
            if (const auto* question = std::get_if<ChoiceQuestion>(&message.content)) {
                if (!question->closed_note.empty()) {
                    if (open_question_ && open_question_->action_id == question->action_id) {
                        open_question_.reset();
                    }
                } else if (for_speaker) {
                    open_question_ = *question;
                }
            } else if (const auto* form = std::get_if<ShortForm>(&message.content)) {
                if (form->closed_note.empty() && for_speaker) {
                    open_form_ = *form;
                    form_values_.clear();
                }
            }
        }
    }
}

void ConsoleSession::set_clock(const std::string& args) {
    const auto& zone = bot_.settings().default_time_zone;
    const auto text = std::string(trim(args));
    if (text.empty()) {
        const auto local = to_local(now_, zone);
        status_line("tijd / time: " + (local ? format_moment(*local, Lang::nl) : "?"));
        return;
    }
    Instant target = now_;
    if (auto offset = parse_offset(text)) {
        target += *offset;
    } else {
        const auto today = date::floor<date::days>(to_local(now_, zone).value_or(LocalTime{}));
        const auto when = parse_when(text, today);
        if (!when || when->kind == When::Kind::week) {
            status_line("/tijd +2d, /tijd +3h, /tijd 2026-03-10 09:00");
            return;
        }
        const auto zoned = to_instant(when->local(), zone);
        if (!zoned) {
            status_line("onbekende tijdzone / unknown time zone: " + zone);
            return;
        }
        target = zoned->instant;
    }
    // Time passes: each job runs at its own moment, as it would have in a running bot.
    while (target > now_) {
        const auto next = bot_.next_due();
        if (!next || *next > target) {
            break;
        }
        now_ = std::max(now_, *next);
        const auto local = to_local(now_, zone);
        const auto ran = bot_.tick(now_);
        if (!ran) {
            status_line("fout / error: " + ran.error().message);
            break;
        }
        if (*ran == 0 && bot_.next_due() == next) {
            break;  // nothing can run now (it would not get further)
        }
        if (*ran > 0) {
            status_line("tijd / time: " + (local ? format_moment(*local, Lang::nl) : "?"));
            drain();
        }
    }
    now_ = std::max(now_, target);
    const auto local = to_local(now_, zone);
    status_line("tijd / time: " + (local ? format_moment(*local, Lang::nl) : "?"));
    if (const auto ran = bot_.tick(now_); !ran) {
        status_line("fout / error: " + ran.error().message);
    }
    drain();
}

bool ConsoleSession::handle_line(const std::string& raw_line) {
    auto line = std::string(trim(raw_line));
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    // A form being filled in: "veld=waarde" lines, then an empty line sends it.
    if (open_form_) {
        const auto eq = line.find('=');
        if (line.empty()) {
            ActionSubmission action;
            action.action_id = open_form_->action_id;
            action.fields = form_values_;
            open_form_.reset();
            form_values_.clear();
            send_action(std::move(action));
            return true;
        }
        if (eq != std::string::npos && line.front() != '/') {
            // The key as shown ("datum"), the field's label, or its id ("when").
            auto key = std::string(trim(line.substr(0, eq)));
            const auto typed = fold(key);
            for (const auto& field : open_form_->fields) {
                if (typed == field_key(field) || typed == fold(field.label) || typed == field.id) {
                    key = field.id;
                    break;
                }
            }
            form_values_[key] = std::string(trim(line.substr(eq + 1)));
            return true;
        }
        open_form_.reset();
        form_values_.clear();
    }
    if (line.empty()) {
        return true;
    }
    if (line.front() == '/') {
        const auto space = line.find(' ');
        const auto command =
            fold(line.substr(1, space == std::string::npos ? line.npos : space - 1));
        const auto args = space == std::string::npos ? std::string() : line.substr(space + 1);
        if (command == "stop" || command == "quit" || command == "exit") {
            return false;
        }
        if (command == "als" || command == "as") {
            if (speak_as(args)) {
                status_line("je bent nu / you are now: " + speaker_->display_name);
            } else {
                status_line("wie? / who? /als <naam> (typ: leden)");
            }
            return true;
        }
        if (command == "tijd" || command == "time") {
            set_clock(args);
            return true;
        }
        if (command == "prive" || command == "dm" || command == "private") {
            direct_ = true;
            status_line("privégesprek / private chat");
            return true;
        }
        if (command == "groep" || command == "group") {
            direct_ = false;
            status_line("groepsgesprek / group chat");
            return true;
        }
        status_line("/als <naam>, /tijd +2d, /prive, /groep, /stop");
        return true;
    }
    // An answer to the open question: its number or the text of a choice.
    if (open_question_) {
        const auto folded = fold(line);
        std::vector<std::string> chosen;
        if (open_question_->kind == ChoiceQuestion::Kind::multiple &&
            (folded == "alle" || folded == "all")) {
            for (const auto& choice : open_question_->choices) {
                chosen.push_back(choice.id);
            }
        } else if (open_question_->kind == ChoiceQuestion::Kind::multiple) {
            for (const auto& part : split(folded, ',')) {
                if (is_number(part)) {
                    const auto index = static_cast<std::size_t>(std::stoi(part));
                    if (index >= 1 && index <= open_question_->choices.size()) {
                        chosen.push_back(open_question_->choices[index - 1].id);
                    }
                }
            }
        } else if (is_number(folded)) {
            const auto index = static_cast<std::size_t>(std::stoi(folded));
            if (index >= 1 && index <= open_question_->choices.size()) {
                chosen.push_back(open_question_->choices[index - 1].id);
            }
        } else {
            for (const auto& choice : open_question_->choices) {
                if (fold(choice.label) == folded || fold(choice.id) == folded) {
                    chosen.push_back(choice.id);
                }
            }
        }
        if (!chosen.empty()) {
            ActionSubmission action;
            action.action_id = open_question_->action_id;
            action.choice_ids = std::move(chosen);
            open_question_.reset();
            send_action(std::move(action));
            return true;
        }
    }
    send_text(line);
    return true;
}

int ConsoleSession::run(std::istream& in) {
    drain();
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        if (!handle_line(line)) {
            break;
        }
    }
    return lines;
}

}  // namespace leernetwerk::console
