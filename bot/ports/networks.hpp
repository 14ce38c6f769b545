#pragma once
// Networks and the conversations bound to them, and how to reach a conversation.
#include <optional>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Networks, their conversations and conversation references.
class Networks {
public:
    virtual ~Networks() = default;

    virtual Id create_network(const Network& network) = 0;
    virtual std::optional<Network> network(Id id) = 0;
    /// Case-, accent- and space-insensitive exact name match.
    virtual std::optional<Network> find_network_by_name(std::string_view name) = 0;
    virtual std::vector<Network> networks() = 0;
    /// Sets a network's central question and shared ambition (empty: not set).
    virtual void set_network_aims(Id network_id, std::string_view central_question,
                                  std::string_view ambition) = 0;
    /// Binds a conversation to a network (replacing an earlier binding of that conversation).
    virtual void bind_conversation(const ConversationBinding& binding) = 0;
    virtual std::optional<Id> network_of_conversation(Platform platform,
                                                      std::string_view conversation_id) = 0;
    virtual std::vector<ConversationBinding> conversations_of_network(Id network_id) = 0;

    /// Saves (or refreshes) how to reach a conversation.
    virtual void save_conversation_ref(const ConversationRef& ref) = 0;
    virtual std::optional<ConversationRef> conversation_ref(Platform platform,
                                                            std::string_view conversation_id) = 0;
    /// The most recently seen direct conversation with a platform user.
    virtual std::optional<ConversationRef> direct_conversation_with(Platform platform,
                                                                    std::string_view user_id) = 0;
    /// Any conversation reference of a platform (the newest), e.g. for a Teams service URL.
    virtual std::optional<ConversationRef> latest_conversation_ref(Platform platform) = 0;
};

}  // namespace leernetwerk
