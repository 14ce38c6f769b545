#include "bot/parse/commands.hpp"

#include <algorithm>
#include <limits>

#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {


struct TopicWords {
    HelpTopic topic;
    std::string_view nl;
    std::string_view en;
    std::vector<std::string_view> aliases;  ///< folded
};

const std::vector<TopicWords>& topic_words() {
    static const std::vector<TopicWords> words{
        {HelpTopic::meetings,
         "bijeenkomsten",
         "meetings",
         {"bijeenkomsten", "bijeenkomst", "meetings", "meeting"}},
        {HelpTopic::agenda, "agenda", "agenda", {"agenda"}},
        {HelpTopic::polls,
         "peilingen",
         "polls",
         {"peilingen", "polls", "evaluaties", "evaluations"}},
        {HelpTopic::questions, "vragen", "questions", {"vragen", "questions"}},
        {HelpTopic::knowledge,
         "kennis",
         "knowledge",
         {"kennis", "kennisbank", "knowledge", "knowledge base"}},
        {HelpTopic::participation,
         "uren",
         "hours",
         {"uren", "hours", "aanwezigheid", "attendance", "deskundige", "expert", "jaaroverzicht",
          "year overview", "bedankjes", "thanks"}},
        {HelpTopic::network,
         "netwerk",
         "network",
         {"netwerk", "netwerken", "network", "networks", "privacy"}},
    };
    return words;
}

/// A command's words, split once.
struct Phrase {
    std::string_view key;
    std::vector<std::string> words;
};

const std::vector<Phrase>& phrases() {
    static const std::vector<Phrase> all = [] {
        std::vector<Phrase> out;
        for (const auto& spec : command_specs()) {
            for (auto phrase : spec.phrases) {
                out.push_back({spec.key, words(phrase)});
            }
        }
        return out;
    }();
    return all;
}

}  // namespace

const std::vector<HelpTopic>& help_topics() {
    static const std::vector<HelpTopic> topics{
        HelpTopic::meetings,  HelpTopic::agenda,        HelpTopic::polls,  HelpTopic::questions,
        HelpTopic::knowledge, HelpTopic::participation, HelpTopic::network};
    return topics;
}


std::string_view help_topic_word(HelpTopic topic, Lang lang) {
    for (const auto& words : topic_words()) {
        if (words.topic == topic) {
            return lang == Lang::nl ? words.nl : words.en;
        }
    }
    return {};
}

std::optional<HelpTopic> parse_help_topic(std::string_view text) {
    const auto folded = fold(text);
    for (const auto& words : topic_words()) {
        for (const auto alias : words.aliases) {
            if (folded == alias) {
                return words.topic;
            }
        }
    }
    return std::nullopt;
}

std::string strip_mention(std::string_view text, std::string_view bot_name) {
    auto raw = split(trim(text), ' ');
    std::vector<std::string> parts;
    for (auto& part : raw) {
        if (!part.empty()) {
            parts.push_back(std::move(part));
        }
    }
    if (parts.empty() || parts.front().size() < 2 || parts.front().front() != '@') {
        return std::string(trim(text));
    }
    // Drop "@first" and then the following words of the bot's name, as far as they match.
    std::size_t skip = 1;
    const auto name_words = words(fold(bot_name));
    if (!name_words.empty() && fold(parts.front().substr(1)) == name_words.front()) {
        while (skip < parts.size() && skip < name_words.size() &&
               fold(parts[skip]) == name_words[skip]) {
            ++skip;
        }
    }
    std::string rest;
    for (std::size_t i = skip; i < parts.size(); ++i) {
        if (!rest.empty()) {
            rest += ' ';
        }
        rest += parts[i];
    }
    // A trailing ":" or "," after the mention ("@bot: hulp") is not part of the command.
    auto trimmed = trim(rest);
    while (!trimmed.empty() && (trimmed.front() == ':' || trimmed.front() == ',')) {
        trimmed = trim(trimmed.substr(1));
    }
    return std::string(trimmed);
}

std::optional<ParsedCommand> parse_command(std::string_view text) {
    std::vector<std::string> original;
    for (auto& part : split(trim(text), ' ')) {
        if (!part.empty()) {
            original.push_back(std::move(part));
        }
    }
    if (original.empty()) {
        return std::nullopt;
    }
    std::vector<std::string> folded;
    folded.reserve(original.size());
    for (const auto& word : original) {
        folded.push_back(fold(word));
    }
    // "hulp?" and "leden:" read as "hulp" and "leden".
    auto strip_punct = [](std::string word) {
        while (word.size() > 1 && (word.back() == '?' || word.back() == ':' || word.back() == '!' ||
                                   word.back() == '.')) {
            word.pop_back();
        }
        return word;
    };

    const Phrase* best = nullptr;
    for (const auto& phrase : phrases()) {
        if (phrase.words.size() > folded.size()) {
            continue;
        }
        bool match = true;
        for (std::size_t i = 0; i < phrase.words.size() && match; ++i) {
            match = strip_punct(folded[i]) == phrase.words[i];
        }
        if (match && (best == nullptr || phrase.words.size() > best->words.size())) {
            best = &phrase;
        }
    }
    if (best == nullptr) {
        return std::nullopt;
    }
    std::string args;
    for (std::size_t i = best->words.size(); i < original.size(); ++i) {
        if (!args.empty()) {
            args += ' ';
        }
        args += original[i];
    }
    // "plan bijeenkomst: 12 maart" -> args "12 maart".
    auto view = trim(args);
    while (!view.empty() && view.front() == ':') {
        view = trim(view.substr(1));
    }
    return ParsedCommand{best->key, std::string(view)};
}

std::optional<std::string> suggest_command(std::string_view text, Lang lang) {
    const auto typed = words(fold(text));
    if (typed.empty()) {
        return std::nullopt;
    }
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    const CommandSpec* best = nullptr;
    for (const auto& spec : command_specs()) {
        if (spec.key == "yes" || spec.key == "no") {
            continue;
        }
        for (auto phrase : spec.phrases) {
            const auto phrase_words = words(phrase);
            if (phrase_words.size() > typed.size() || phrase_words.front().size() < 3) {
                continue;
            }
            std::string head;
            for (std::size_t i = 0; i < phrase_words.size(); ++i) {
                head += (i ? " " : "") + typed[i];
            }
            const auto distance = edit_distance(head, phrase);
            if (distance < best_distance) {
                best_distance = distance;
                best = &spec;
            }
        }
    }
    // Close enough: at most 2 edits, and at most a third of the phrase.
    if (best == nullptr || best_distance == 0 || best_distance > 2) {
        return std::nullopt;
    }
    std::string phrase(lang == Lang::nl ? best->phrase_nl : best->phrase_en);
    if (best_distance * 3 > phrase.size()) {
        return std::nullopt;
    }
    return phrase;
}

std::optional<Role> parse_role_word(std::string_view word) {
    static const std::vector<std::pair<std::string_view, Role>> kWords = {
        {"deelnemer", Role::participant},
        {"participant", Role::participant},
        {"lid", Role::participant},
        {"member", Role::participant},
        {"organisator", Role::organiser},
        {"organiser", Role::organiser},
        {"organizer", Role::organiser},
        {"procesbegeleider", Role::facilitator},
        {"begeleider", Role::facilitator},
        {"facilitator", Role::facilitator},
        {"gespreksleider", Role::facilitator},
        {"workshopleider", Role::workshop_leader},
        {"workshop leider", Role::workshop_leader},
        {"workshop leader", Role::workshop_leader},
        {"workshopleader", Role::workshop_leader},
        {"deskundige", Role::expert},
        {"expert", Role::expert},
        {"inhoudelijk deskundige", Role::expert},
        {"gast", Role::guest},
        {"guest", Role::guest},
        {"gastspreker", Role::guest},
        {"guest speaker", Role::guest},
    };
    const auto folded = fold(word);
    for (const auto& [name, role] : kWords) {
        if (folded == name) {
            return role;
        }
    }
    return std::nullopt;
}

}  // namespace leernetwerk
