#pragma once
// The facilitator's agenda commands, for the feature's routes (routes.cpp). The router has checked
// that the sender runs the network: it is Turn::managed_network.
#include <string>

#include "bot/engine/turn.hpp"
#include "bot/features/agenda/agenda.hpp"

namespace leernetwerk::detail {

/// `agendapunt accepteren 3` / `parkeren 3`.
void set_status(Turn& turn, const std::string& args, AgendaStatus status);
/// `agendapunten samenvoegen 3 5`.
void merge_items(Turn& turn, const std::string& args);
/// `agendapunt volgorde 3 1`.
void reorder_item(Turn& turn, const std::string& args);
/// `agendapunt verplaatsen 3 naar 16 maart`.
void move_item(Turn& turn, const std::string& args);
/// `agendapunt verwijderen 3`.
void remove_item(Turn& turn, const std::string& args);
/// "3 voorbereider Bram", "3 minuten 20", "3 tekst …", "3 toelichting …", "3 soort casus".
void edit_item(Turn& turn, const std::string& args);
/// `stemming open [tot …]`: the dot vote starts.
void open_round(Turn& turn, const std::string& args);
/// `stemming sluiten`.
void close_vote(Turn& turn);
/// `stemming uitslag`: the dots so far, for those who run the network.
void show_tally(Turn& turn, const Network& network);

}  // namespace leernetwerk::detail
