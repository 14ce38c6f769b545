// What the sealed ballots of an anonymous poll cost a member (issue 12): the time from a typed
// answer to its committed receipt, in process on a SQLite file (WAL, as in production), for an
// anonymous and for a named evaluation of 13 questions (two of them open), in networks of several
// sizes. Every anonymous answer re-seals every ballot of the poll, so the cost grows with the
// number of invitees; the named poll writes one row. Also prints the size of one sealed ballot and
// how many bytes of ballots one answer re-seals.
//
// Usage: anonymous_answer [--members 10,50,200] [--answers 200]
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/report.hpp"
#include "bot/features/polls/ballot_box.hpp"
#include "bot/engine/bot.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;
using Clock = std::chrono::steady_clock;
using bench::fixed;
using bench::row;

struct Options {
    std::vector<int> members = {10, 50, 200};
    int answers = 200;
};

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--members") {
            options.members.clear();
            std::stringstream list(value);
            for (std::string part; std::getline(list, part, ',');) {
                options.members.push_back(std::stoi(part));
            }
        } else if (flag == "--answers") {
            options.answers = std::stoi(value);
        } else {
            return std::nullopt;
        }
    }
    if (argc % 2 == 0 || options.members.empty() || options.answers < 1) {
        return std::nullopt;
    }
    return options;
}

Instant start_time() {
    using namespace std::chrono;
    return date::sys_days{date::year{2026} / 12 / 2} + hours{9};  // a Wednesday, 10:00 local
}

InboundEvent typed(Id member, const std::string& conversation, const std::string& id,
                   const std::string& text) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = id;
    event.conversation = {Platform::console, conversation,
                          conversation == "group" ? Conversation::Kind::group
                                                  : Conversation::Kind::direct,
                          ""};
    event.sender.user_id = "member-" + std::to_string(member);
    event.sender.display_name = "Lid " + std::to_string(member);
    event.text = text;
    return event;
}

struct Figures {
    double p50_ms = 0;
    double p99_ms = 0;
    std::size_t ballot_bytes = 0;
};

Figures measure(const std::filesystem::path& path, int members, int answers, bool anonymous) {
    bench::remove_database(path);
    auto store = storage::SqliteStore::open(path.string());
    BotSettings settings;
    settings.poll_secret = "bench-secret-0123456789abcdef";
    Bot bot(*store, settings);
    const auto now = start_time();
    std::vector<Id> ids;
    store->transaction([&] {
        Network network;
        network.name = "Bench";
        network.time_zone = "Europe/Amsterdam";
        network.created_at = now;
        const auto network_id = store->create_network(network);
        store->bind_conversation({Platform::console, "group", network_id});
        for (int i = 0; i < members; ++i) {
            Member member;
            member.display_name = "Lid " + std::to_string(i);
            member.created_at = now;
            member.id = store->create_member(member);
            store->set_active_network(member.id, network_id);
            store->link_identity(
                {Platform::console, "member-" + std::to_string(member.id), member.id});
            store->add_membership(
                {network_id, member.id, i == 0 ? Role::organiser : Role::participant, now});
            ids.push_back(member.id);
        }
    });
    const auto started = bot.handle(
        typed(ids.front(), "group", "start",
              std::string("evaluatie tussentijds | voor iedereen") +
                  (anonymous ? "" : " | met naam")),
        now);
    if (!started) {
        throw std::runtime_error("the evaluation did not start");
    }
    const auto poll = store->polls_of(store->networks().front().id).front();
    Figures figures;
    figures.ballot_bytes = anonymous ? BallotBox(*store, settings, poll).sealed_size() : 0;
    std::vector<double> times;
    for (int i = 0; i < answers; ++i) {
        const auto member = ids[static_cast<std::size_t>(i) % ids.size()];
        // Scales are answered with a number; the open questions (12 and 13) with a sentence.
        const auto round = static_cast<std::size_t>(i) / ids.size();
        const auto text = round % 13 >= 11 ? "Het delen van lesvoorbeelden helpt" : "4";
        const auto event = typed(member, "dm-" + std::to_string(member),
                                 "answer-" + std::to_string(i), text);
        const auto begin = Clock::now();
        const auto handled = bot.handle(event, now + std::chrono::minutes(1 + i));
        times.push_back(bench::seconds_since(begin) * 1000.0);
        if (!handled) {
            throw std::runtime_error("an answer failed");
        }
    }
    std::sort(times.begin(), times.end());
    figures.p50_ms = times[times.size() / 2];
    figures.p99_ms = times[std::min(times.size() - 1, times.size() * 99 / 100)];
    store.reset();
    bench::remove_database(path);
    return figures;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    if (!options) {
        std::cerr << "usage: anonymous_answer [--members 10,50,200] [--answers 200]\n";
        return 2;
    }
    const auto path = bench::bench_database("", "anonymous_answer");
    std::cout << "anonymous_answer: a typed answer to a 13-question evaluation until its receipt "
                 "is committed, "
              << options->answers << " answers per run\n";
    for (const int members : options->members) {
        for (const bool anonymous : {false, true}) {
            const auto f = measure(path, members, options->answers, anonymous);
            const auto label = std::to_string(members) + " members, " +
                               (anonymous ? "anonymous (sealed ballots)" : "named");
            row(label + ": p50 / p99",
                fixed(f.p50_ms, 2) + " ms / " + fixed(f.p99_ms, 2) + " ms");
            if (anonymous) {
                row(label + ": one sealed ballot", std::to_string(f.ballot_bytes) + " bytes");
                row(label + ": re-sealed per answer",
                    std::to_string(f.ballot_bytes * static_cast<std::size_t>(members) / 1024) +
                        " KiB");
            }
        }
    }
    return 0;
}
