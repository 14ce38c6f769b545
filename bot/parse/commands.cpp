#include "bot/parse/commands.hpp"

#include <algorithm>
#include <limits>

#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

std::vector<CommandSpec> make_specs() {
    using C = CommandId;
    return {
        {C::help, "help", {"hulp", "help", "?", "wat kun je", "what can you do"}, "hulp", "help"},
        {C::meetings,
         "meetings",
         {"bijeenkomsten", "meetings", "planning"},
         "bijeenkomsten",
         "meetings"},
        {C::members,
         "members",
         {"leden", "members", "deelnemers", "wie zijn er"},
         "leden",
         "members"},
        {C::expertise,
         "expertise",
         {"expertise", "mijn expertise", "my expertise", "deskundigheid"},
         "expertise",
         "expertise"},
        {C::language, "language", {"taal", "language", "lang"}, "taal", "language"},
        {C::networks,
         "networks",
         {"netwerken", "networks", "mijn netwerken", "my networks"},
         "netwerken",
         "networks"},
        {C::switch_network,
         "switch_network",
         {"netwerk", "network", "kies netwerk", "switch network"},
         "netwerk",
         "network"},
        {C::create_network,
         "create_network",
         {"netwerk nieuw", "nieuw netwerk", "maak netwerk", "netwerk maken", "netwerk aanmaken",
          "new network", "create network", "network new"},
         "nieuw netwerk",
         "new network",
         false},
        {C::link_conversation,
         "link_conversation",
         {"koppel netwerk", "koppel", "netwerk koppelen", "link network", "link"},
         "koppel netwerk",
         "link network",
         true},
        {C::add_member,
         "add_member",
         {"lid toevoegen", "voeg lid toe", "nieuw lid", "lid erbij", "add member", "new member"},
         "lid toevoegen",
         "add member",
         true},
        {C::import_members,
         "import_members",
         {"leden importeren", "importeer leden", "leden ophalen", "import members",
          "members import"},
         "leden importeren",
         "import members",
         true},
        {C::join_network,
         "join_network",
         {"doe mee", "meedoen", "ik doe mee", "join network", "join"},
         "doe mee",
         "join",
         false},
        {C::join_policy,
         "join_policy",
         {"netwerk toetreden", "toetreden", "network joining", "joining"},
         "netwerk toetreden",
         "network joining",
         true},
        {C::remove_member,
         "remove_member",
         {"lid verwijderen", "verwijder lid", "lid weg", "remove member", "delete member"},
         "lid verwijderen",
         "remove member",
         true},
        {C::plan_meeting,
         "plan_meeting",
         {"plan bijeenkomst", "bijeenkomst plannen", "nieuwe bijeenkomst", "bijeenkomst toevoegen",
          "plan meeting", "schedule meeting", "new meeting", "add meeting"},
         "plan bijeenkomst",
         "plan meeting",
         true},
        {C::move_meeting,
         "move_meeting",
         {"verplaats bijeenkomst", "bijeenkomst verplaatsen", "verzet bijeenkomst", "move meeting",
          "reschedule meeting"},
         "verplaats bijeenkomst",
         "move meeting",
         true},
        {C::cancel_meeting,
         "cancel_meeting",
         {"annuleer bijeenkomst", "bijeenkomst annuleren", "schrap bijeenkomst", "cancel meeting"},
         "annuleer bijeenkomst",
         "cancel meeting",
         true},
        {C::cafe_weeks,
         "cafe_weeks",
         {"cafeweken", "cafe weken", "cafeweek", "cafe week", "cafe weeks", "cafeweeks"},
         "caféweken",
         "café weeks"},
        {C::rsvp_yes,
         "rsvp_yes",
         {"ik kom", "ik ben erbij", "ik kom ook", "ik ben er", "aanmelden", "i'm coming",
          "im coming", "i am coming", "i will come", "i'll be there", "attending"},
         "ik kom",
         "i'm coming"},
        {C::rsvp_no,
         "rsvp_no",
         {"ik kan niet", "ik kom niet", "ik ben verhinderd", "verhinderd", "afmelden",
          "ik ben er niet", "i can't come", "i cant come", "i cannot come", "can't come",
          "not coming", "i'm not coming"},
         "ik kan niet",
         "i can't come"},
        {C::attendance,
         "attendance",
         {"wie komt", "wie komen er", "wie komt er", "aanmeldingen", "afmeldingen", "who's coming",
          "whos coming", "who is coming", "who comes", "who will come", "attendance"},
         "wie komt",
         "who's coming"},
        {C::reminders,
         "reminders",
         {"herinneringen", "reminders", "mijn herinneringen"},
         "herinneringen",
         "reminders"},
        {C::edit_reminder,
         "edit_reminder",
         {"herinnering", "reminder"},
         "herinnering",
         "reminder",
         true},
        {C::my_data,
         "my_data",
         {"mijn gegevens", "wat bewaar je", "wat weet je van mij", "gegevens", "privacy", "my data",
          "what do you store", "what do you keep"},
         "mijn gegevens",
         "my data"},
        {C::forget_me,
         "forget_me",
         {"vergeet mij", "vergeet me", "wis mijn gegevens", "verwijder mijn gegevens", "forget me",
          "delete my data", "erase my data"},
         "vergeet mij",
         "forget me"},
        {C::link_account,
         "link_account",
         {"koppel account", "account koppelen", "koppel mijn account", "koppel accounts",
          "link account", "link my account", "link accounts"},
         "koppel account",
         "link account"},
        {C::link_code,
         "link_code",
         {"koppel code", "koppelcode", "link code"},
         "koppel code",
         "link code"},
        {C::unlink_account,
         "unlink_account",
         {"ontkoppel", "ontkoppel account", "account ontkoppelen", "unlink", "unlink account"},
         "ontkoppel",
         "unlink"},
        {C::my_school, "my_school", {"mijn school", "my school"}, "mijn school", "my school"},
        {C::member_school,
         "member_school",
         {"lid school", "school van lid", "member school"},
         "lid school",
         "member school",
         true},
        {C::agenda_item,
         "agenda_item",
         {"agendapunt", "agenda punt", "nieuw agendapunt", "agendapunt toevoegen", "agenda item",
          "agenda-item", "new agenda item", "add agenda item"},
         "agendapunt",
         "agenda item"},
        {C::agenda, "agenda", {"agenda", "de agenda", "the agenda"}, "agenda", "agenda"},
        {C::dots, "dots", {"stip", "stippen", "dot", "dots"}, "stip", "dots"},
        {C::agenda_accept,
         "agenda_accept",
         {"agenda accepteer", "agenda accepteren", "agenda akkoord", "agenda accept"},
         "agenda accepteer",
         "agenda accept",
         true},
        {C::agenda_park,
         "agenda_park",
         {"agenda parkeer", "agenda parkeren", "agenda park"},
         "agenda parkeer",
         "agenda park",
         true},
        {C::agenda_merge,
         "agenda_merge",
         {"agenda samenvoegen", "agenda voeg samen", "agenda merge"},
         "agenda samenvoegen",
         "agenda merge",
         true},
        {C::agenda_order,
         "agenda_order",
         {"agenda volgorde", "agenda order", "agenda reorder"},
         "agenda volgorde",
         "agenda order",
         true},
        {C::agenda_edit,
         "agenda_edit",
         {"agenda wijzig", "agenda wijzigen", "agenda edit", "agenda change"},
         "agenda wijzig",
         "agenda edit",
         true},
        {C::agenda_move,
         "agenda_move",
         {"agenda verplaats", "agenda verplaatsen", "agenda move"},
         "agenda verplaats",
         "agenda move",
         true},
        {C::agenda_remove,
         "agenda_remove",
         {"agenda verwijder", "agenda verwijderen", "agenda remove", "agenda delete"},
         "agenda verwijder",
         "agenda remove",
         true},
        {C::agenda_vote_open,
         "agenda_vote_open",
         {"agenda stemmen", "agenda stemming", "agenda stippenstemming", "agenda vote",
          "agenda voting", "agenda dot vote"},
         "agenda stemmen",
         "agenda vote",
         true},
        {C::agenda_vote_close,
         "agenda_vote_close",
         {"agenda stemmen sluiten", "agenda stemming sluiten", "agenda stemmen dicht",
          "agenda sluit stemming", "agenda vote close", "agenda close vote", "agenda close voting",
          "agenda voting close", "agenda end vote"},
         "agenda stemmen sluiten",
         "agenda vote close",
         true},
        {C::agenda_tally,
         "agenda_tally",
         {"agenda stand", "agenda tussenstand", "agenda tally", "agenda stemmen stand",
          "agenda vote tally"},
         "agenda stand",
         "agenda tally",
         true},
        {C::poll,
         "poll",
         {"peiling", "poll", "nieuwe peiling", "peiling starten", "start peiling", "new poll",
          "start poll", "stemming"},
         "peiling",
         "poll",
         true},
        {C::evaluation,
         "evaluation",
         {"evaluatie", "evaluation", "evalueren", "evaluate", "start evaluatie",
          "start evaluation"},
         "evaluatie",
         "evaluation",
         true},
        {C::polls,
         "polls",
         {"peilingen", "polls", "evaluaties", "evaluations", "mijn peilingen"},
         "peilingen",
         "polls"},
        {C::poll_results,
         "poll_results",
         {"peiling uitslag", "uitslag peiling", "uitslag", "peiling resultaten", "poll results",
          "poll result", "results poll", "results"},
         "peiling uitslag",
         "poll results"},
        {C::poll_close,
         "poll_close",
         {"peiling sluiten", "sluit peiling", "peiling stoppen", "poll close", "close poll",
          "end poll"},
         "peiling sluiten",
         "close poll",
         true},
        {C::poll_export,
         "poll_export",
         {"peiling export", "peiling exporteren", "exporteer peiling", "poll export",
          "export poll"},
         "peiling export",
         "export poll",
         true},
        {C::poll_threshold,
         "poll_threshold",
         {"peiling drempel", "drempel peiling", "poll threshold", "poll minimum"},
         "peiling drempel",
         "poll threshold",
         true},
        {C::poll_answer,
         "poll_answer",
         {"stem", "antwoord peiling", "peiling antwoord", "vote", "answer poll", "poll answer"},
         "stem",
         "vote"},
        {C::yes, "yes", {"ja", "yes", "ja graag", "jazeker", "ok", "oke"}, "ja", "yes"},
        {C::no, "no", {"nee", "no", "nee dank je", "niet doen"}, "nee", "no"},
        // ---- knowledge base
        {C::search,
         "search",
         {"zoek", "zoeken", "zoek op", "search", "find", "wat weten we over",
          "what do we know about"},
         "zoek",
         "search"},
        {C::knowledge,
         "knowledge",
         {"kennis", "kennisbank", "knowledge", "knowledge base"},
         "kennis",
         "knowledge"},
        {C::my_knowledge,
         "my_knowledge",
         {"mijn kennis", "my knowledge"},
         "mijn kennis",
         "my knowledge"},
        {C::knowledge_withdraw,
         "knowledge_withdraw",
         {"kennis intrekken", "kennis trek in", "knowledge withdraw", "withdraw knowledge"},
         "kennis intrekken",
         "knowledge withdraw"},
        {C::knowledge_note,
         "knowledge_note",
         {"kennis notitie", "kennis verslag", "knowledge note", "knowledge notes"},
         "kennis notitie",
         "knowledge note",
         true},
        {C::knowledge_resource,
         "knowledge_resource",
         {"kennis bron", "kennis link", "knowledge resource", "knowledge link"},
         "kennis bron",
         "knowledge resource",
         true},
        {C::knowledge_edit,
         "knowledge_edit",
         {"kennis wijzig", "kennis wijzigen", "kennis bewerk", "kennis bewerken", "knowledge edit"},
         "kennis wijzig",
         "knowledge edit",
         true},
        {C::knowledge_retire,
         "knowledge_retire",
         {"kennis archiveer", "kennis archiveren", "knowledge retire", "knowledge archive"},
         "kennis archiveer",
         "knowledge archive",
         true},
        {C::knowledge_restore,
         "knowledge_restore",
         {"kennis herstel", "kennis herstellen", "kennis terugzetten", "knowledge restore"},
         "kennis herstel",
         "knowledge restore",
         true},
        {C::knowledge_share,
         "knowledge_share",
         {"kennis deel", "kennis delen", "knowledge share"},
         "kennis deel",
         "knowledge share",
         true},
        {C::knowledge_export,
         "knowledge_export",
         {"kennis export", "kennis exporteer", "kennis exporteren", "knowledge export"},
         "kennis export",
         "knowledge export",
         true},
        {C::harvest, "harvest", {"oogst", "oogstdocument", "harvest"}, "oogst", "harvest", true},
        {C::central_question,
         "central_question",
         {"centrale vraag", "central question"},
         "centrale vraag",
         "central question",
         true},
        {C::ambition,
         "ambition",
         {"ambitie", "gezamenlijke ambitie", "ambition", "shared ambition"},
         "ambitie",
         "ambition",
         true},
        {C::ask,
         "ask",
         {"vraag", "ask", "vraag aan het netwerk", "ask the network", "question"},
         "vraag",
         "ask"},
        {C::questions,
         "questions",
         {"vragen", "questions", "open vragen", "open questions"},
         "vragen",
         "questions"},
        {C::answer, "answer", {"antwoord", "answer", "beantwoord"}, "antwoord", "answer"},
        {C::helpful,
         "helpful",
         {"nuttig", "helpful", "dit hielp", "this helped"},
         "nuttig",
         "helpful"},
        {C::close_question,
         "close_question",
         {"sluit vraag", "close question"},
         "sluit vraag",
         "close question"},
        {C::pause, "pause", {"pauze", "pause"}, "pauze", "pause"},
        {C::route_count,
         "route_count",
         {"experts per vraag", "experts per question"},
         "experts per vraag",
         "experts per question",
         true},
        {C::calendar_link,
         "calendar_link",
         {"agenda-link", "agenda link", "agendalink", "agenda-abonnement", "agenda abonnement",
          "calendar link", "calendar-link", "calendar feed", "calendar subscription"},
         "agenda-link",
         "calendar link"},
        {C::calendar_link_renew,
         "calendar_link_renew",
         {"agenda-link vernieuwen", "agenda link vernieuwen", "agendalink vernieuwen",
          "agenda-link nieuw", "agenda link nieuw", "vernieuw agenda-link", "vernieuw agenda link",
          "nieuwe agenda-link", "nieuwe agenda link", "calendar link renew", "calendar-link renew",
          "renew calendar link", "new calendar link", "calendar link new"},
         "agenda-link vernieuwen",
         "calendar link renew",
         true},
        {C::calendar_link_personal,
         "calendar_link_personal",
         {"agenda-link persoonlijk", "agenda link persoonlijk", "agendalink persoonlijk",
          "persoonlijke agenda-link", "persoonlijke agenda link", "mijn agenda-link",
          "mijn agenda link", "calendar link personal", "calendar-link personal",
          "personal calendar link", "my calendar link"},
         "agenda-link persoonlijk",
         "calendar link personal"},
    };
}

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
        {HelpTopic::network,
         "netwerk",
         "network",
         {"netwerk", "netwerken", "network", "networks", "privacy"}},
    };
    return words;
}

/// A command's words, split once.
struct Phrase {
    CommandId id;
    std::vector<std::string> words;
};

const std::vector<Phrase>& phrases() {
    static const std::vector<Phrase> all = [] {
        std::vector<Phrase> out;
        for (const auto& spec : command_specs()) {
            for (auto phrase : spec.phrases) {
                out.push_back({spec.id, words(phrase)});
            }
        }
        return out;
    }();
    return all;
}

}  // namespace

const std::vector<HelpTopic>& help_topics() {
    static const std::vector<HelpTopic> topics{HelpTopic::meetings,  HelpTopic::agenda,
                                               HelpTopic::polls,     HelpTopic::questions,
                                               HelpTopic::knowledge, HelpTopic::network};
    return topics;
}

HelpTopic help_topic(CommandId id) {
    using C = CommandId;
    switch (id) {
        case C::help:
        case C::yes:
        case C::no:
            return HelpTopic::none;
        case C::meetings:
        case C::cafe_weeks:
        case C::rsvp_yes:
        case C::rsvp_no:
        case C::attendance:
        case C::reminders:
        case C::plan_meeting:
        case C::move_meeting:
        case C::cancel_meeting:
        case C::edit_reminder:
        case C::calendar_link:
        case C::calendar_link_renew:
        case C::calendar_link_personal:
            return HelpTopic::meetings;
        case C::agenda_item:
        case C::agenda:
        case C::dots:
        case C::agenda_accept:
        case C::agenda_park:
        case C::agenda_merge:
        case C::agenda_order:
        case C::agenda_edit:
        case C::agenda_move:
        case C::agenda_remove:
        case C::agenda_vote_open:
        case C::agenda_vote_close:
        case C::agenda_tally:
            return HelpTopic::agenda;
        case C::poll:
        case C::evaluation:
        case C::polls:
        case C::poll_results:
        case C::poll_close:
        case C::poll_export:
        case C::poll_threshold:
        case C::poll_answer:
            return HelpTopic::polls;
        case C::ask:
        case C::questions:
        case C::answer:
        case C::helpful:
        case C::close_question:
        case C::pause:
        case C::route_count:
            return HelpTopic::questions;
        case C::search:
        case C::knowledge:
        case C::my_knowledge:
        case C::knowledge_withdraw:
        case C::knowledge_note:
        case C::knowledge_resource:
        case C::knowledge_edit:
        case C::knowledge_retire:
        case C::knowledge_restore:
        case C::knowledge_share:
        case C::knowledge_export:
        case C::harvest:
            return HelpTopic::knowledge;
        case C::members:
        case C::expertise:
        case C::language:
        case C::networks:
        case C::switch_network:
        case C::create_network:
        case C::link_conversation:
        case C::add_member:
        case C::import_members:
        case C::join_network:
        case C::join_policy:
        case C::remove_member:
        case C::central_question:
        case C::ambition:
        case C::my_data:
        case C::forget_me:
        case C::link_account:
        case C::link_code:
        case C::unlink_account:
        case C::my_school:
        case C::member_school:
            return HelpTopic::network;
    }
    return HelpTopic::none;
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

const std::vector<CommandSpec>& command_specs() {
    static const std::vector<CommandSpec> specs = make_specs();
    return specs;
}

const CommandSpec& command_spec(CommandId id) {
    for (const auto& spec : command_specs()) {
        if (spec.id == id) {
            return spec;
        }
    }
    return command_specs().front();
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
    return ParsedCommand{best->id, std::string(view)};
}

std::optional<std::string> suggest_command(std::string_view text, Lang lang) {
    const auto typed = words(fold(text));
    if (typed.empty()) {
        return std::nullopt;
    }
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    const CommandSpec* best = nullptr;
    for (const auto& spec : command_specs()) {
        if (spec.id == CommandId::yes || spec.id == CommandId::no) {
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
