#pragma once
// The real HttpTransport: HTTP/1.1 over TCP or TLS (system CA store, hostname verified), with
// keep-alive connections reused per host, a timeout on every exchange and a response size limit.
#include <memory>

#include "adapters/net/http.hpp"

namespace boost::asio {
class io_context;
}

namespace leernetwerk::net {

struct ClientOptions {
    std::size_t max_response_bytes = 4 * 1024 * 1024;
    std::size_t max_idle_per_host = 8;  ///< idle keep-alive connections kept per host
    std::string user_agent = "leernetwerk-bot";
    /// PEM of extra trusted CA certificates, next to the system store (tests, private CAs).
    /// The constructor throws when it is not valid PEM.
    std::string extra_ca_pem;
};

class HttpClient final : public HttpTransport {
public:
    HttpClient(boost::asio::io_context& io, ClientOptions options = {});
    ~HttpClient() override;
    void send(ClientRequest request, ClientCallback done) override;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace leernetwerk::net
