#pragma once
// The meetings feature's flows that live in files of their own, for its routes (routes.cpp).
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

/// `volgende`: the network's next meeting in one line, and whether the sender said they come.
void show_next_meeting(Turn& turn);

}  // namespace leernetwerk::detail
