#pragma once
// The demo network for trying the bot in the console: a believable HSN-café.
#include "bot/ports/store.hpp"

namespace leernetwerk::app {

struct DemoNetwork {
    Id network_id = 0;
    Id facilitator_id = 0;  ///< Marieke Jansen, organiser
    bool created = false;   ///< false when the database had it already
};

/// Seeds the demo network into `store` unless a network with its name exists: ten members from
/// four schools with expertise, café weeks of the school year around `now`, and three meetings in
/// them. Binds the console's group chat to it.
DemoNetwork seed_demo(Store& store, Instant now, const std::string& time_zone);

}  // namespace leernetwerk::app
