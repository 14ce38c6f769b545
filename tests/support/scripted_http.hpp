#pragma once
// A scripted HTTP transport: canned answers by URL, every request recorded, and switches to fail
// every request or hold the callbacks until released. Answers synchronously, no io_context.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "adapters/net/http.hpp"

namespace leernetwerk::testing {

/// Serves canned responses by URL, records every request, can fail every request or hold the
/// callbacks until released (to see concurrent callers share one fetch).
class ScriptedHttp : public net::HttpTransport {
public:
    struct Reply {
        int status = 200;
        std::string body;
    };

    void send(net::ClientRequest request, net::ClientCallback done) override {
        requests.push_back(request);
        if (hold) {
            held_.emplace_back(std::move(request), std::move(done));
            return;
        }
        answer(request, done);
    }

    /// Answers every held request (and any sent while answering, if still holding).
    void release() {
        auto held = std::move(held_);
        held_.clear();
        for (auto& [request, done] : held) {
            answer(request, done);
        }
    }

    std::size_t held() const { return held_.size(); }

    int count(const std::string& url) const {
        int n = 0;
        for (const auto& request : requests) {
            n += request.url == url ? 1 : 0;
        }
        return n;
    }

    std::map<std::string, Reply> replies;
    std::vector<net::ClientRequest> requests;
    bool down = false;
    bool hold = false;

private:
    void answer(const net::ClientRequest& request, const net::ClientCallback& done) {
        if (down) {
            done(fail(ErrorCode::network, "connect: connection refused"));
            return;
        }
        const auto it = replies.find(request.url);
        if (it == replies.end()) {
            done(net::ClientResponse{404, {}, "not found"});
            return;
        }
        done(net::ClientResponse{it->second.status, {}, it->second.body});
    }

    std::vector<std::pair<net::ClientRequest, net::ClientCallback>> held_;
};

}  // namespace leernetwerk::testing
