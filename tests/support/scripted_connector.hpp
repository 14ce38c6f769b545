#pragma once
// A scripted Bot Connector for the Teams adapter tests: every request is recorded and answered
// from a script on the io_context (default: 201 with a fresh activity id), never over a network.
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/http.hpp"

namespace leernetwerk::testing {

/// A Bot Connector that answers from a script (default: 201 with a fresh id).
class ScriptedConnector final : public net::HttpTransport {
public:
    explicit ScriptedConnector(boost::asio::io_context& io) : io_(io) {}

    void send(net::ClientRequest request, net::ClientCallback done) override {
        requests.push_back(request);
        Result<net::ClientResponse> answer = net::ClientResponse{201, {}, ""};
        if (!script.empty()) {
            answer = script.front();
            script.pop_front();
        }
        if (answer && answer->body.empty()) {
            answer->body =
                nlohmann::json{{"id", "remote-" + std::to_string(requests.size())}}.dump();
        }
        boost::asio::post(io_, [done = std::move(done), answer] { done(answer); });
    }

    static Result<net::ClientResponse> status(int code, net::Headers headers = {}) {
        return net::ClientResponse{code, std::move(headers), code < 300 ? "" : "{}"};
    }

    std::vector<net::ClientRequest> requests;
    std::deque<Result<net::ClientResponse>> script;

private:
    boost::asio::io_context& io_;
};

}  // namespace leernetwerk::testing
