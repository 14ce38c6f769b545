// One person, several accounts (issue 16): a member links their Teams and Matrix accounts with a
// one-time code, is one member on both, can separate them again, and is erased whole; the
// facilitator's member list says where members are linked and whom the bot never reached; a
// member's school can be set later.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <regex>
#include <string>

#include <sqlite3.h>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;

namespace {

/// Counts rows of a query on a database file, outside the store.
int count_rows(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const int count = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return count;
}

struct TempFile {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("leernetwerk-accounts-" + std::to_string(::getpid()) + ".db"))
                           .string();
    TempFile() { remove(); }
    ~TempFile() { remove(); }
    void remove() const {
        for (const auto* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path + suffix);
        }
    }
};

constexpr const char* kTeamsAnna = "29:anna";
constexpr const char* kMatrixAnna = "@anna:hsn.nl";

/// The demo network, where Anna de Vries has a Teams account; people write to the bot in direct
/// chats on Teams and Matrix, as the adapters would hand their messages to the core.
struct TwoPlatforms {
    explicit TwoPlatforms(const std::string& path = ":memory:", BotSettings settings = {})
        : chat(path, leernetwerk::testing::demo_now(), std::move(settings)) {
        anna = id_of("Anna de Vries");
        chat.store->link_identity({Platform::teams, kTeamsAnna, anna});
    }

    Id id_of(const std::string& name) {
        for (const auto& member : chat.store->members()) {
            if (member.display_name == name) {
                return member.id;
            }
        }
        return 0;
    }

    /// What the bot answered (every message it queued), to `user` writing `text` on `platform`.
    std::string say(Platform platform, const std::string& user, const std::string& text) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = "event-" + std::to_string(++events);
        event.conversation = {platform, "dm:" + user, Conversation::Kind::direct, ""};
        event.sender = {user, "", ""};
        event.text = text;
        const auto handled = chat.bot.handle(event, now);
        REQUIRE(handled);
        std::string out;
        for (const auto id : handled->message_ids) {
            const auto row = chat.store->outbox_row(id);
            REQUIRE(row);
            if (const auto* text_content = std::get_if<TextContent>(&row->message.content)) {
                out += text_content->markdown + "\n";
            } else if (const auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
                out += question->prompt + "\n" + question->closed_note + "\n";
            } else if (const auto* summary = std::get_if<Summary>(&row->message.content)) {
                out += summary->title + "\n";
                for (const auto& line : summary->rows) {
                    out += line.label + ": " + line.value + "\n";
                }
            }
        }
        UNSCOPED_INFO(text << " -> " << out);
        return out;
    }
    std::string teams(const std::string& text) { return say(Platform::teams, kTeamsAnna, text); }
    std::string matrix(const std::string& text) { return say(Platform::matrix, kMatrixAnna, text); }

    /// `koppel account` on Teams; the code from the private answer.
    std::string code_from_teams() {
        const auto answer = teams("koppel account");
        static const std::regex kCode(R"(\*\*([A-Z2-9]{6})\*\*)");
        std::smatch match;
        REQUIRE(std::regex_search(answer, match, kCode));
        return match[1];
    }

    std::optional<Id> matrix_member() {
        const auto member = chat.store->member_by_identity(Platform::matrix, kMatrixAnna);
        return member ? std::optional<Id>{member->id} : std::nullopt;
    }

    ConsoleFixture chat;
    Instant now = leernetwerk::testing::demo_now();
    int events = 0;
    Id anna = 0;
};

}  // namespace

TEST_CASE("a member linked on Teams and Matrix says on one that she comes and sees it on the other",
          "[accounts]") {
    TwoPlatforms anna;
    const auto code = anna.code_from_teams();
    CHECK_THAT(anna.teams("koppel account"),
               Contains("15 minuten geldig"));  // a new code replaces it
    const auto fresh = anna.code_from_teams();

    // The first code was withdrawn by the newer one.
    CHECK_THAT(anna.matrix("koppel " + code), Contains("Die code ken ik niet"));
    const auto linked = anna.matrix("koppel " + fresh);
    CHECK_THAT(linked,
               Contains("Gekoppeld! Je account op Matrix en je account op Teams zijn nu één lid: "
                        "**Anna de Vries**"));
    CHECK(anna.matrix_member() == anna.anna);

    CHECK_THAT(anna.matrix("ik kom"),
               Contains("Genoteerd: je komt naar HSN-café Feedback die werkt"));
    const auto who = anna.teams("wie komt");
    CHECK_THAT(who, Contains("Komen (1)"));
    CHECK_THAT(who, Contains("Anna de Vries"));

    // One profile: the language chosen on Matrix is the one she hears on Teams.
    anna.matrix("taal en");
    CHECK_THAT(anna.teams("wie komt"), Contains("Coming (1)"));
    anna.teams("language nl");

    // "mijn gegevens" on either platform lists both accounts.
    for (const auto& data : {anna.teams("mijn gegevens"), anna.matrix("mijn gegevens")}) {
        CHECK_THAT(data, Contains("Teams: 29:anna"));
        CHECK_THAT(data, Contains("Matrix: @anna:hsn.nl"));
    }
    CHECK_THAT(anna.matrix("mijn gegevens export"), Contains("Matrix: @anna:hsn.nl"));
}

TEST_CASE("linking merges an account's own member: networks with the higher role, answers, school",
          "[accounts]") {
    TwoPlatforms anna;
    auto& store = *anna.chat.store;
    // Anna was added on Matrix too, by someone else, as a separate member who organises the
    // network and already said she cannot come to the first meeting.
    Member other;
    other.display_name = "Anna (Matrix)";
    other.created_at = anna.now;
    other.id = store.create_member(other);
    store.link_identity({Platform::matrix, kMatrixAnna, other.id});
    store.add_membership({anna.chat.demo.network_id, other.id, Role::organiser, anna.now});
    const auto meetings = store.meetings_of(anna.chat.demo.network_id);
    REQUIRE(!meetings.empty());
    store.set_rsvp({meetings.back().id, other.id, RsvpAnswer::not_coming, "studiedag", anna.now});
    anna.matrix("expertise kleuters");

    const auto code = anna.code_from_teams();
    const auto linked = anna.matrix("koppel " + code);
    CHECK_THAT(linked, Contains("Wat je op dit account al deed"));
    CHECK_THAT(linked,
               Contains("In HSN-café Feedback die werkt ben je nu organisator (de hoogste rol van "
                        "je twee accounts; het andere was deelnemer)"));

    CHECK_FALSE(store.member(other.id).has_value());
    CHECK(anna.matrix_member() == anna.anna);
    const auto roster = store.roster(anna.chat.demo.network_id);
    CHECK(std::count_if(roster.begin(), roster.end(), [](const RosterEntry& entry) {
              return entry.member.display_name.rfind("Anna", 0) == 0;
          }) == 1);
    CHECK(store.membership(anna.chat.demo.network_id, anna.anna)->role == Role::organiser);
    CHECK(store.rsvps_of_member(anna.anna).size() == 1);
    const auto me = store.member(anna.anna);
    CHECK(me->school_name == "CBS De Regenboog");  // hers stays; the other had none
    CHECK(std::find(me->expertise.begin(), me->expertise.end(), "kleuters") != me->expertise.end());
}

TEST_CASE("unlinking separates the accounts without losing either side's history", "[accounts]") {
    TwoPlatforms anna;
    anna.matrix("koppel " + anna.code_from_teams());
    REQUIRE(anna.matrix_member() == anna.anna);
    CHECK_THAT(anna.matrix("ik kom"), Contains("Genoteerd"));
    anna.teams("taal en");

    CHECK_THAT(
        anna.matrix("ontkoppel"),
        Contains("Unlinked: your account on Matrix is a member of its own again, with a copy of "
                 "your profile, language and networks. What happened already (RSVPs, answers, "
                 "agenda items, questions, knowledge, hours) stays with your account on Teams."));
    const auto detached = anna.matrix_member();
    REQUIRE(detached);
    CHECK(*detached != anna.anna);

    auto& store = *anna.chat.store;
    // The original keeps the history: the RSVP given on Matrix stays with the Teams account.
    CHECK(store.rsvps_of_member(anna.anna).size() == 1);
    CHECK(store.rsvps_of_member(*detached).empty());
    // The detached account has a copy of the profile and the memberships.
    const auto copy = store.member(*detached);
    CHECK(copy->display_name == "Anna de Vries");
    CHECK(copy->school_name == "CBS De Regenboog");
    CHECK(copy->language == Lang::en);
    CHECK(store.membership(anna.chat.demo.network_id, *detached).has_value());
    CHECK(store.membership(anna.chat.demo.network_id, anna.anna).has_value());
    // Each side lists only its own account now.
    const auto teams_data = anna.teams("my data");
    CHECK_THAT(teams_data, Contains("Teams: 29:anna"));
    CHECK_THAT(teams_data, !Contains("@anna:hsn.nl"));
    CHECK_THAT(anna.matrix("my data"), Contains("Matrix: @anna:hsn.nl"));

    // Nothing left to unlink on either side.
    CHECK_THAT(anna.teams("unlink"), Contains("is your only account"));
    CHECK_THAT(anna.teams("unlink matrix"),
               Contains("You have no account on Matrix linked to you"));
}

TEST_CASE("forget me of a member with two accounts erases both", "[accounts][privacy][sqlite]") {
    TempFile file;
    {
        TwoPlatforms anna(file.path);
        const auto code = anna.code_from_teams();
        anna.matrix("koppel ZZZZ22");  // a wrong try is kept for the rate limit
        anna.say(Platform::matrix, kMatrixAnna, "koppel " + code);
        REQUIRE(anna.matrix_member() == anna.anna);
        anna.matrix("ik kan niet ouderavond");
        anna.matrix("vergeet mij");
        CHECK_THAT(anna.matrix("ja"), Contains("ik heb alles over je gewist"));
        CHECK_FALSE(anna.chat.store->member(anna.anna).has_value());
        CHECK_THAT(anna.teams("bijeenkomsten"), Contains("Ik ken je nog niet"));
        CHECK_THAT(anna.matrix("bijeenkomsten"), Contains("Ik ken je nog niet"));
    }
    CHECK(count_rows(file.path, "SELECT count(*) FROM members WHERE display_name LIKE 'Anna%'") ==
          0);
    CHECK(count_rows(file.path,
                     "SELECT count(*) FROM identities WHERE user_id IN "
                     "('29:anna', '@anna:hsn.nl')") == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM link_codes") == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM link_failures") == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM rsvps WHERE reason LIKE '%ouderavond%'") ==
          0);
}

TEST_CASE("link codes: every wrong use gets a clear answer and changes nothing",
          "[accounts][sqlite]") {
    TempFile file;
    TwoPlatforms anna(file.path);
    auto& store = *anna.chat.store;
    const auto code = anna.code_from_teams();

    SECTION("the code is stored only as a keyed hash, and its message sealed") {
        CHECK(count_rows(file.path, "SELECT count(*) FROM link_codes") == 1);
        CHECK(count_rows(file.path,
                         "SELECT count(*) FROM link_codes WHERE length(code_hash) = 32 "
                         "AND instr(code_hash, '" +
                             code + "') = 0") == 1);
        CHECK(count_rows(file.path, "SELECT count(*) FROM outbox WHERE content LIKE '%" + code +
                                        "%' OR user_id = '29:anna'") == 0);
    }
    SECTION("typed on the account that asked for it") {
        CHECK_THAT(anna.teams("koppel " + code), Contains("Deze code is voor je andere account"));
        CHECK_THAT(anna.matrix("koppel " + code), Contains("Gekoppeld!"));  // still usable
    }
    SECTION("typed on another account on the same platform") {
        CHECK_THAT(
            anna.say(Platform::teams, "29:someone", "koppel " + code),
            Contains(
                "Deze code kwam van Teams: typ hem op je account op het andere platform. Er is "
                "niets gekoppeld."));
        CHECK_FALSE(store.member_by_identity(Platform::teams, "29:someone"));
    }
    SECTION("expired after 15 minutes") {
        anna.now += std::chrono::minutes{16};
        CHECK_THAT(anna.matrix("koppel " + code), Contains("Die code is verlopen"));
        CHECK_FALSE(anna.matrix_member());
    }
    SECTION("used twice") {
        CHECK_THAT(anna.matrix("koppel " + code), Contains("Gekoppeld!"));
        CHECK_THAT(anna.say(Platform::matrix, "@mallory:evil.example", "koppel " + code),
                   Contains("Die code is al gebruikt"));
        CHECK_FALSE(store.member_by_identity(Platform::matrix, "@mallory:evil.example"));
    }
    SECTION("typed by an account that is the same member already") {
        CHECK_THAT(anna.matrix("koppel " + code), Contains("Gekoppeld!"));
        const auto again = anna.code_from_teams();
        CHECK_THAT(anna.matrix("koppel " + again), Contains("Dit account is al gekoppeld"));
    }
    SECTION("five wrong codes in an hour: the right one waits too") {
        for (int i = 0; i < 4; ++i) {
            CHECK_THAT(anna.matrix("koppel ZZZZ2" + std::to_string(i + 2)),
                       Contains("nog " + std::to_string(4 - i) + " keer"));
        }
        CHECK_THAT(anna.matrix("koppel ZZZZ99"), Contains("nog 0 keer"));
        CHECK_THAT(anna.matrix("koppel " + code),
                   Contains("Je hebt in het afgelopen uur 5 keer een "
                            "verkeerde code getypt"));
        CHECK_FALSE(anna.matrix_member());
        anna.now += std::chrono::minutes{61};
        CHECK_THAT(anna.matrix("koppel " + anna.code_from_teams()), Contains("Gekoppeld!"));
    }
    SECTION("a code of another installation of the bot is unknown here") {
        BotSettings other_settings;
        other_settings.poll_secret = "another installation's secret";
        TwoPlatforms elsewhere(":memory:", other_settings);
        const auto foreign = elsewhere.code_from_teams();
        CHECK_THAT(anna.matrix("koppel " + foreign), Contains("Die code ken ik niet"));
        CHECK_FALSE(anna.matrix_member());
    }
    SECTION("in English, and in the form the code has") {
        anna.matrix("language en");
        CHECK_THAT(anna.matrix("link ZZZZ22"), Contains("I don't know that code"));
        CHECK_THAT(anna.matrix("link code 12"), Contains("This is how you link an account"));
        // Lower case and a space in the middle are fine.
        std::string typed = code.substr(0, 3) + " " + code.substr(3);
        std::transform(typed.begin(), typed.end(), typed.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // Linked, she hears her profile's language: one member, one language.
        CHECK_THAT(anna.matrix("link " + typed), Contains("Gekoppeld!"));
    }
}

TEST_CASE("the member list says where members are linked and whom the bot never reached",
          "[accounts][members]") {
    TwoPlatforms anna;
    auto& store = *anna.chat.store;
    const auto bram = anna.id_of("Bram de Boer");
    store.link_identity({Platform::teams, "29:bram", bram});
    store.link_identity({Platform::matrix, "@sanne:hsn.nl", anna.id_of("Sanne Bakker")});
    // A private message to Bram that Teams refused (the delivery engine gave up on it).
    OutboundMessage message;
    message.to = {Platform::teams, "", "29:bram", true, ""};
    message.recipient_member_id = bram;
    message.content = TextContent{"Hoi Bram", {}};
    const auto id = store.append_outbox(message, anna.now);
    store.mark_outbox_sending(id, anna.now);
    store.mark_outbox_failed(id, "403 Forbidden: the bot is not installed for this user", anna.now);

    // The organiser asks on Teams (the console wraps lines).
    store.link_identity({Platform::teams, "29:marieke", anna.id_of("Marieke Jansen")});
    const auto list = anna.say(Platform::teams, "29:marieke", "leden");
    INFO(list);
    CHECK_THAT(list,
               Contains("**Anna de Vries** · CBS De Regenboog · deelnemer · expertise: rekenen, "
                        "groep 5-6 · Teams, console"));
    CHECK_THAT(list,
               Contains("**Sanne Bakker** · CBS De Fontein · deelnemer · expertise: kleuters, "
                        "observeren · Matrix, console"));
    CHECK_THAT(
        list,
        Contains("⚠ Teams weigerde mijn bericht: vraag Bram de Boer de bot in Teams te openen"));
    CHECK_THAT(
        list, Contains("⚠ nog geen account: voeg er een toe met **lid toevoegen** Joost van Dijk | "
                       "@naam:school.nl"));
    CHECK_THAT(list, !Contains("⚠ nog geen account: voeg er een toe met **lid toevoegen** Anna"));

    // Members see where others are linked, not the warnings.
    const auto seen = anna.teams("leden");
    CHECK_THAT(seen, Contains("Matrix, console"));
    CHECK_THAT(seen, !Contains("⚠"));

    // A later delivery that arrived clears the warning.
    OutboundMessage again = message;
    const auto later = store.append_outbox(again, anna.now);
    store.mark_outbox_sending(later, anna.now);
    store.mark_outbox_sent(later, "remote-1", anna.now);
    CHECK_THAT(anna.say(Platform::teams, "29:marieke", "leden"), !Contains("Teams weigerde"));
}

TEST_CASE("schools later: a member sets their own, a facilitator sets someone's", "[accounts]") {
    TwoPlatforms anna;
    CHECK_THAT(anna.teams("mijn school"), Contains("Je school: CBS De Regenboog"));
    CHECK_THAT(anna.teams("mijn school Het Kompas"), Contains("Je school is nu Het Kompas"));
    CHECK_THAT(anna.teams("mijn gegevens"), Contains("Het Kompas"));
    CHECK_THAT(anna.teams("mijn school " + std::string(81, 'x')),
               Contains("te lang (hooguit 80 tekens)"));
    CHECK_THAT(anna.teams("lid school Bram | De Fontein"), Contains("Alleen"));  // not hers to set

    anna.chat.as("Marieke Jansen");
    CHECK_THAT(anna.chat.say("lid school Bram | De Fontein"),
               Contains("De school van Bram de Boer is nu De Fontein"));
    CHECK_THAT(anna.chat.say("lid school Onbekend | De Fontein"),
               Contains("Ik vind niemand die \"Onbekend\" heet"));
    CHECK_THAT(anna.chat.say("lid school Bram"), Contains("Zo zet je iemands school"));
    CHECK_THAT(anna.chat.say("lid school Bram | " + std::string(81, 'y')), Contains("te lang"));
    CHECK_THAT(anna.chat.say("leden"), Contains("Bram de Boer · De Fontein"));
    CHECK_THAT(anna.chat.say("member school Bram | De Fontein"), Contains("is nu"));
}

TEST_CASE("an open anonymous poll answered on both accounts counts one person once after linking",
          "[accounts][polls]") {
    TwoPlatforms anna;
    auto& store = *anna.chat.store;
    // Anna's Matrix account was a member of its own, in the network, before the poll started.
    Member other;
    other.display_name = "Anna (Matrix)";
    other.created_at = anna.now;
    other.active_network_id = anna.chat.demo.network_id;
    other.id = store.create_member(other);
    store.link_identity({Platform::matrix, kMatrixAnna, other.id});
    store.add_membership({anna.chat.demo.network_id, other.id, Role::participant, anna.now});

    anna.chat.as("Marieke Jansen");
    anna.chat.say(
        "peiling \"Welke datum past?\" | 12 maart | 19 maart | anoniem | tot vrijdag 17:00");
    const auto polls = store.polls_of(anna.chat.demo.network_id);
    REQUIRE(polls.size() == 1);
    const auto poll = polls.front().id;
    const auto ballots = store.poll_ballots(poll).size();

    anna.matrix("stem 1 2");
    anna.teams("stem 1 1");
    CHECK(anna.chat.respondents(poll) == 2);  // two members, as far as the bot knew

    anna.matrix("koppel " + anna.code_from_teams());
    // One person, one ballot: her Teams answer stays, and she answers once.
    CHECK(store.poll_ballots(poll).size() == ballots - 1);
    CHECK(anna.chat.respondents(poll) == 1);
    CHECK_THAT(anna.matrix("stem 1 2"),
               Contains("Je eerdere antwoord is vervangen door dit nieuwe."));
    CHECK(anna.chat.respondents(poll) == 1);
}

TEST_CASE(
    "an open named poll answered on both accounts keeps one answer per question after linking",
    "[accounts][polls]") {
    TwoPlatforms anna;
    auto& store = *anna.chat.store;
    Member other;
    other.display_name = "Anna (Matrix)";
    other.created_at = anna.now;
    other.active_network_id = anna.chat.demo.network_id;
    other.id = store.create_member(other);
    store.link_identity({Platform::matrix, kMatrixAnna, other.id});
    store.add_membership({anna.chat.demo.network_id, other.id, Role::participant, anna.now});

    anna.chat.as("Marieke Jansen");
    anna.chat.say(
        "peiling \"Welke datum past?\" | 12 maart | 19 maart | met naam | tot vrijdag 17:00");
    const auto poll = store.polls_of(anna.chat.demo.network_id).front().id;
    anna.matrix("stem 1 2");
    CHECK(store.poll_respondents(poll).size() == 1);

    anna.matrix("koppel " + anna.code_from_teams());
    const auto respondents = store.poll_respondents(poll);
    REQUIRE(respondents.size() == 1);
    CHECK(respondents.front().member_id == anna.anna);
    // Answering again on Teams replaces the answer given on Matrix.
    CHECK_THAT(anna.teams("stem 1 1"),
               Contains("Je eerdere antwoord is vervangen door dit nieuwe."));
    CHECK(store.poll_respondents(poll).size() == 1);
    CHECK_THAT(anna.teams("mijn gegevens export"), Contains("12 maart"));
}

TEST_CASE("what an account did before it was linked shows in the member's data on both platforms",
          "[accounts]") {
    TwoPlatforms anna;
    auto& store = *anna.chat.store;
    Member other;
    other.display_name = "Anna (Matrix)";
    other.created_at = anna.now;
    other.active_network_id = anna.chat.demo.network_id;
    other.id = store.create_member(other);
    store.link_identity({Platform::matrix, kMatrixAnna, other.id});
    store.add_membership({anna.chat.demo.network_id, other.id, Role::participant, anna.now});
    anna.matrix("agendapunt Breuken in groep 8");
    anna.teams("agendapunt Rekenen met rubrics");
    anna.matrix("pauze 2 weken");

    anna.matrix("koppel " + anna.code_from_teams());
    for (const auto& data :
         {anna.teams("mijn gegevens export"), anna.matrix("mijn gegevens export")}) {
        CHECK_THAT(data, Contains("Breuken in groep 8"));
        CHECK_THAT(data, Contains("Rekenen met rubrics"));
        CHECK_THAT(data, Contains("Matrix: @anna:hsn.nl"));
    }
    CHECK(store.member_pause(anna.anna).has_value());
}
