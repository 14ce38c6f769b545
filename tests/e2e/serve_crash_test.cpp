// The crash test: the real `leernetwerk serve` is killed with SIGKILL six times during a fan-out
// (200 messages over 20 conversations and a private message to each of 30 members, on Teams and
// on Matrix at once) and restarted on the same database each time; then it runs until the outbox
// is empty. A fake Bot Connector and a fake homeserver (loopback, port 0) count what arrives.
// Asserted: nothing lost; no duplicates on Matrix (the homeserver deduplicates by txnId); no
// member gets a second private room; on Teams at most one duplicate per kill (at least once: a
// message on its way when the bot died is sent again). The figures are printed.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/http_server.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace leernetwerk;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int kConversations = 20;
constexpr int kPerConversation = 10;
constexpr int kMembers = 30;
constexpr int kKills = 6;
constexpr const char* kServer = "bench.local";

std::string text_of(const std::string& kind, int a, int b) {
    return kind + std::to_string(a) + "n" + std::to_string(b);
}

/// What one platform's fake peer saw.
struct Seen {
    std::vector<std::string> texts;                       ///< every message that arrived, in order
    std::map<std::string, std::set<std::string>> opened;  ///< private chats, per member
    std::map<std::string, std::string> events;            ///< Matrix: txnId → event id
};

struct Figures {
    int sent = 0;
    int delivered = 0;
    int lost = 0;
    int duplicated = 0;
    int out_of_order = 0;
    int extra_private_chats = 0;
};

Figures figures_of(const Seen& seen, int sent) {
    Figures out;
    out.sent = sent;
    std::set<std::string> unique;
    std::map<std::string, int> highest;  // per conversation ("c3"), the highest seq so far
    for (const auto& text : seen.texts) {
        if (!unique.insert(text).second) {
            ++out.duplicated;
            continue;
        }
        const auto n = text.find('n');
        if (text[0] == 'c' && n != std::string::npos) {
            const auto conversation = text.substr(0, n);
            const int seq = std::stoi(text.substr(n + 1));
            auto [it, first] = highest.try_emplace(conversation, seq);
            if (!first) {
                out.out_of_order += seq < it->second ? 1 : 0;
                it->second = std::max(it->second, seq);
            }
        }
    }
    out.delivered = static_cast<int>(unique.size());
    out.lost = sent - out.delivered;
    for (const auto& [member, chats] : seen.opened) {
        out.extra_private_chats += static_cast<int>(chats.size()) - 1;
    }
    return out;
}

void print(const char* platform, const Figures& f) {
    std::cout << "crash test | " << platform << " | " << kKills << " kills | sent " << f.sent
              << ", delivered " << f.delivered << ", lost " << f.lost << ", duplicated "
              << f.duplicated << ", out of order " << f.out_of_order << ", extra private chats "
              << f.extra_private_chats << std::endl;
}

struct Peers {
    explicit Peers(boost::asio::io_context& io) : connector(io), homeserver(io) {
        connector.route_prefix(
            "POST", "/v3/conversations", [this](net::Request request, net::Responder respond) {
                const auto body = json::parse(request.body, nullptr, false);
                if (request.path == "/v3/conversations") {
                    // Teams has one 1:1 chat per bot and user: asking again returns the same.
                    const auto user = body["members"][0]["id"].get<std::string>();
                    teams.opened[user].insert("a:" + user);
                    respond(net::Response::json(200, json{{"id", "a:" + user}}.dump()));
                    return;
                }
                teams.texts.push_back(body.value("text", ""));
                respond(net::Response::json(
                    201, json{{"id", "act" + std::to_string(teams.texts.size())}}.dump()));
            });
        homeserver.route_prefix(
            "PUT", "/_matrix/client/v3/",
            [this](net::Request request, net::Responder respond) { respond(matrix_put(request)); });
        homeserver.route_prefix("POST", "/_matrix/client/v3/",
                                [this](net::Request request, net::Responder respond) {
                                    respond(matrix_post(request));
                                });
        homeserver.route_prefix(
            "GET", "/_matrix/client/v3/",
            [this](net::Request request, net::Responder respond) { respond(matrix_get(request)); });
        connector_port = connector.listen("127.0.0.1", 0);
        homeserver_port = homeserver.listen("127.0.0.1", 0);
    }

    net::Response matrix_put(const net::Request& request) {
        if (request.path.find("/account_data/m.direct") != std::string::npos) {
            direct = request.body;
            return net::Response::json(200, "{}");
        }
        const auto txn = request.path.substr(request.path.rfind('/') + 1);
        auto& event_id = matrix.events[txn];
        if (event_id.empty()) {  // a repeated txnId makes no second event
            const auto body = json::parse(request.body, nullptr, false);
            matrix.texts.push_back(body.is_object() ? body.value("body", "") : "");
            event_id = "$e" + std::to_string(matrix.texts.size());
        }
        return net::Response::json(200, json{{"event_id", event_id}}.dump());
    }

    net::Response matrix_post(const net::Request& request) {
        if (request.path != "/_matrix/client/v3/createRoom") {
            return net::Response::json(404, R"({"errcode":"M_UNRECOGNIZED","error":"?"})");
        }
        const auto body = json::parse(request.body, nullptr, false);
        const auto user = body["invite"][0].get<std::string>();
        const auto room = "!dm" + std::to_string(rooms.size()) + ":" + kServer;
        matrix.opened[user].insert(room);
        rooms[room] = json::object();
        for (const auto& state : body.value("initial_state", json::array())) {
            if (state.value("type", "") == "nl.leernetwerk.private_chat") {
                rooms[room] = state["content"];
            }
        }
        return net::Response::json(200, json{{"room_id", room}}.dump());
    }

    net::Response matrix_get(const net::Request& request) {
        if (request.path == "/_matrix/client/v3/joined_rooms") {
            json list = json::array();
            for (const auto& [room, marker] : rooms) {
                list.push_back(room);
            }
            return net::Response::json(200, json{{"joined_rooms", list}}.dump());
        }
        if (request.path.find("/account_data/m.direct") != std::string::npos) {
            return direct.empty() ? net::Response::json(404, R"({"errcode":"M_NOT_FOUND"})")
                                  : net::Response::json(200, direct);
        }
        const std::string prefix = "/_matrix/client/v3/rooms/";
        if (request.path.rfind(prefix, 0) == 0) {
            const auto room = request.path.substr(
                prefix.size(), request.path.find('/', prefix.size()) - prefix.size());
            const auto it = rooms.find(room);
            if (it != rooms.end() && !it->second.empty()) {
                return net::Response::json(200, it->second.dump());
            }
        }
        return net::Response::json(404, R"({"errcode":"M_NOT_FOUND","error":"none"})");
    }

    net::HttpServer connector;
    net::HttpServer homeserver;
    std::uint16_t connector_port = 0;
    std::uint16_t homeserver_port = 0;
    Seen teams;
    Seen matrix;
    std::map<std::string, json> rooms;
    std::string direct;
};

/// The fan-out, queued as the core would: 10 messages to each of 20 conversations per platform
/// and one private message to each of 30 members per platform.
void seed(const std::filesystem::path& db, std::uint16_t connector_port) {
    auto store = storage::SqliteStore::open(db.string());
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    store->transaction([&] {
        for (int c = 0; c < kConversations; ++c) {
            ConversationRef ref;
            ref.platform = Platform::teams;
            ref.conversation_id = "19:conv" + std::to_string(c) + "@thread.tacv2";
            ref.service_url = "http://127.0.0.1:" + std::to_string(connector_port);
            ref.tenant_id = "tenant";
            ref.bot_id = "28:crash-app";
            ref.updated_at = now;
            store->save_conversation_ref(ref);
        }
        for (int seq = 0; seq < kPerConversation; ++seq) {
            for (int c = 0; c < kConversations; ++c) {
                for (const auto platform : {Platform::teams, Platform::matrix}) {
                    OutboundMessage message;
                    message.to.platform = platform;
                    message.to.conversation_id =
                        platform == Platform::teams
                            ? "19:conv" + std::to_string(c) + "@thread.tacv2"
                            : "!room" + std::to_string(c) + ":" + kServer;
                    message.content = TextContent{text_of("c", c, seq), {}};
                    store->append_outbox(message, now);
                }
            }
        }
        for (int m = 0; m < kMembers; ++m) {
            for (const auto platform : {Platform::teams, Platform::matrix}) {
                OutboundMessage message;
                message.to.platform = platform;
                message.to.user_id = platform == Platform::teams
                                         ? "29:member" + std::to_string(m)
                                         : "@member" + std::to_string(m) + ":" + kServer;
                message.to.direct = true;
                message.content = TextContent{text_of("p", m, 0), {}};
                store->append_outbox(message, now);
            }
        }
    });
}

pid_t start_serve(const std::filesystem::path& dir, int run,
                  const std::string& config_name = "crash.toml") {
    const auto log = dir / ("serve-" + std::to_string(run) + ".log");
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        const auto config = (dir / config_name).string();
        execl(LEERNETWERK_BINARY, LEERNETWERK_BINARY, "serve", "--config", config.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

int depth(const std::filesystem::path& db) {
    auto store = storage::SqliteStore::open(db.string());
    return store->outbox_depth(Platform::teams) + store->outbox_depth(Platform::matrix);
}

}  // namespace

TEST_CASE("crash test: serve killed six times during a fan-out loses nothing", "[e2e][crash]") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("leernetwerk-crash-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto db = dir / "crash.db";
    boost::asio::io_context io;
    Peers peers(io);
    seed(db, peers.connector_port);
    std::ofstream(dir / "crash.toml")
        << "[server]\naddress = \"127.0.0.1\"\nport = 0\n[storage]\npath = \"" << db.string()
        << "\"\n[log]\nlevel = \"warn\"\n[teams]\nenabled = true\napp_id = \"6f1c2b7e-3d4a-4c5b-9e8f-0a1b2c3d4e5f\"\n"
           "auth = false\n[matrix]\nenabled = true\nmode = \"appservice\"\nhomeserver_url = "
           "\"http://127.0.0.1:"
        << peers.homeserver_port << "\"\nuser_id = \"@leernetwerk:" << kServer
        << "\"\nas_token = \"crash-as-token-0123456789abcdef0123456789abcdef\"\n"
           "hs_token = \"crash-hs-token-0123456789abcdef0123456789abcdef\"\n";

    std::mt19937 random(2026);
    std::uniform_int_distribution<int> alive_ms(150, 900);
    int run = 0;
    for (; run < kKills; ++run) {
        const auto pid = start_serve(dir, run);
        io.run_for(std::chrono::milliseconds(alive_ms(random)));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    const auto pid = start_serve(dir, run);
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (depth(db) > 0 && std::chrono::steady_clock::now() < deadline) {
        io.run_for(200ms);
    }
    io.run_for(300ms);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);

    const int sent = kConversations * kPerConversation + kMembers;
    const auto teams = figures_of(peers.teams, sent);
    const auto matrix = figures_of(peers.matrix, sent);
    print("teams", teams);
    print("matrix", matrix);
    CHECK(depth(db) == 0);
    CHECK(teams.lost == 0);
    CHECK(matrix.lost == 0);
    CHECK(matrix.duplicated == 0);
    CHECK(matrix.extra_private_chats == 0);
    CHECK(teams.duplicated <= kKills * 16);  // at most what was in flight at each kill
    CHECK(teams.out_of_order == 0);
    CHECK(matrix.out_of_order == 0);
    std::filesystem::remove_all(dir);
}

namespace {

/// A homeserver for a bot account: /sync hands out the room's events from the position asked
/// for, replies are sent with txnIds it deduplicates.
struct SyncPeer {
    explicit SyncPeer(boost::asio::io_context& io_in) : io(io_in), server(io_in) {
        server.route_prefix("GET", "/_matrix/client/v3/sync",
                            [this](net::Request request, net::Responder respond) {
                                sync(std::move(request), std::move(respond));
                            });
        server.route_prefix("POST", "/_matrix/client/v3/user/",
                            [](net::Request, net::Responder respond) {
                                respond(net::Response::json(200, R"({"filter_id":"1"})"));
                            });
        server.route_prefix(
            "PUT", "/_matrix/client/v3/rooms/",
            [this](net::Request request, net::Responder respond) {
                const auto txn = request.path.substr(request.path.rfind('/') + 1);
                auto& event_id = sent[txn];
                if (event_id.empty()) {
                    event_id = "$r" + std::to_string(sent.size());
                    ++replies;
                }
                respond(net::Response::json(200, json{{"event_id", event_id}}.dump()));
            });
        port = server.listen("127.0.0.1", 0);
    }

    /// A member types a command now, in one of ten rooms (one room would measure its pacing).
    void say(const std::string& text, std::int64_t ts_ms) {
        rooms_of.push_back("!sync" + std::to_string(events.size() % 10) + ":" + kServer);
        events.push_back({{"event_id", "$c" + std::to_string(events.size())},
                          {"type", "m.room.message"},
                          {"sender", "@member" + std::to_string(events.size() % 7) + ":" + kServer},
                          {"origin_server_ts", ts_ms},
                          {"content", {{"msgtype", "m.text"}, {"body", text}}}});
    }

    void sync(net::Request request, net::Responder respond) {
        ++syncs;
        std::size_t from = 0;
        if (const auto since = request.query.find("since"); since != request.query.end()) {
            from = std::stoul(since->second.substr(1));
        }
        if (from >= events.size() && request.query.count("since") != 0) {
            // Long-poll, shortly: answer when something new came or after 200 ms.
            auto timer = std::make_shared<boost::asio::steady_timer>(io, 200ms);
            timer->async_wait(
                [this, timer, from, respond = std::move(respond)](auto) { respond(batch(from)); });
            return;
        }
        respond(batch(from));
    }

    net::Response batch(std::size_t from) {
        json join = json::object();
        for (auto i = std::min(from, events.size()); i < events.size(); ++i) {
            auto& room = join[rooms_of[i]];
            if (room.is_null()) {
                room = {{"timeline", {{"events", json::array()}, {"limited", false}}}};
            }
            room["timeline"]["events"].push_back(events[i]);
        }
        return net::Response::json(200, json{{"next_batch", "s" + std::to_string(events.size())},
                                             {"rooms", {{"join", join}}}}
                                            .dump());
    }

    boost::asio::io_context& io;
    net::HttpServer server;
    std::uint16_t port = 0;
    std::vector<json> events;
    std::vector<std::string> rooms_of;  ///< per event
    std::map<std::string, std::string> sent;
    int replies = 0;
    int syncs = 0;
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

TEST_CASE("crash test: a bot account killed between a sync and its replies answers once",
          "[e2e][crash][sync]") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("leernetwerk-sync-crash-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    boost::asio::io_context io;
    SyncPeer peer(io);
    // Commands from before the bot's first start: never answered.
    for (int i = 0; i < 5; ++i) {
        peer.say("hulp", now_ms() - 60'000);
    }
    std::ofstream(dir / "sync.toml")
        << "[server]\naddress = \"127.0.0.1\"\nport = 0\n[storage]\npath = \""
        << (dir / "sync.db").string()
        << "\"\n[log]\nlevel = \"warn\"\n[matrix]\nenabled = true\nmode = \"bot\"\n"
           "homeserver_url = \"http://127.0.0.1:"
        << peer.port << "\"\nuser_id = \"@leernetwerk:" << kServer
        << "\"\naccess_token = \"sync-access-token-0123456789abcdef0123456789\"\n";

    std::mt19937 random(7);
    std::uniform_int_distribution<int> alive_ms(300, 1200);
    int asked = 0;
    int run = 0;
    const auto speak_for = [&](std::chrono::milliseconds how_long) {
        // A command every 40 ms while the bot runs (and while it is down).
        const auto until = std::chrono::steady_clock::now() + how_long;
        while (std::chrono::steady_clock::now() < until) {
            peer.say("hulp", now_ms());
            ++asked;
            io.run_for(40ms);
        }
    };
    for (; run < kKills; ++run) {
        const auto pid = start_serve(dir, run, "sync.toml");
        if (run == 0) {
            // The first sync only takes the position: what is said from then on counts.
            for (int i = 0; i < 200 && peer.syncs < 2; ++i) {
                io.run_for(20ms);
            }
        }
        speak_for(std::chrono::milliseconds(alive_ms(random)));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    const auto pid = start_serve(dir, run, "sync.toml");
    speak_for(500ms);
    // Until every command was read and every reply sent (the outbox is empty).
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    do {
        io.run_for(300ms);
    } while ((peer.replies < asked || depth(dir / "sync.db") > 0) &&
             std::chrono::steady_clock::now() < deadline);
    io.run_for(500ms);  // anything more would be a second answer
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    std::cout << "crash test | matrix /sync | " << kKills << " kills | commands " << asked
              << " (+5 from before the start), replies " << peer.replies << std::endl;
    // Every command after the first start is answered exactly once; the five from before, never.
    CHECK(peer.replies == asked);
    std::filesystem::remove_all(dir);
}
