#pragma once
// External expert requests (DOMAIN.md §1.2, §3.1, F8): a facilitator asks to hire an independent
// expert for one or two meetings; the adviser education & quality decides with one click and a
// reason. The flows for routes.cpp, and what the meetings and privacy features show of them.
#include <optional>
#include <string>
#include <vector>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

// ---- the flows (routes.cpp)
// ----------------------------------------------------------------------

/// `externe deskundige onderwerp | doel | naam | organisatie | offerte | 3, 4 | onafhankelijk`;
/// without arguments: the form (expert_request.cpp).
void request_expert(Turn& turn, const std::string& args);
/// The request form sent back ("form:expert_request:<prompt>").
void request_expert_form(Turn& turn, const ActionSubmission& action);
/// An adviser's click on a request's card ("expert:<request id>", choice approve or decline):
/// asks for the reason (expert_decision.cpp).
void expert_card_click(Turn& turn, const ActionSubmission& action, Id request_id);
/// The reason form sent back ("form:expert_reason:<prompt>"): the decision is taken.
void expert_reason_form(Turn& turn, const ActionSubmission& action);
/// `deskundige 2` (the request), `deskundige 2 goedkeuren|afwijzen <reden>` (an adviser),
/// `deskundige 2 intrekken` (its requester or a facilitator).
void expert_command(Turn& turn, const std::string& args);
/// `deskundigen`: a network's requests for who runs it; every network's for an adviser
/// (expert_views.cpp).
void list_expert_requests(Turn& turn, const std::string& args);

/// Open prompts (PendingAction kinds) of this feature.
inline constexpr std::string_view kExpertFormKind = "expert_request_form";
inline constexpr std::string_view kExpertReasonKind = "expert_reason";

// ---- shared by this feature's files ------------------------------------------------------------

/// Whether one of the member's accounts is an adviser named in the installation's config
/// ([participation] advisers).
bool is_adviser(Store& store, const BotSettings& settings, Id member_id);
/// A request's facts, one per line (topic, goal, expert, quote, meetings, requester): the
/// adviser's card, `deskundige 2`.
std::string describe_request(Store& store, const ExpertRequest& request, Lang lang);
/// "pending" etc. as the member reads it.
std::string status_label(ExpertRequestStatus status, Lang lang);
/// "#3 di 9 feb 2027 15:30 (Feedback met rubrics)", one per meeting, joined: plain text, to be
/// a catalogue argument (which escapes it once).
std::string meetings_label(Store& store, const std::vector<Id>& meeting_ids, Lang lang);
/// Who decided (or withdrew) and when, with the reason, for "already decided" and the list:
/// Markdown already, so it is appended to a sentence rather than made its argument.
std::string decision_label(Store& store, const BotSettings& settings, const ExpertRequest& request,
                           Lang lang);
/// Remembers the adviser cards sent for a request, so a decision closes them all.
void remember_cards(Store& store, Id request_id, const std::vector<Id>& message_ids, Instant now);
/// Shows `note` instead of the buttons on every adviser card of the request.
void close_cards(Turn& turn, Id request_id, const std::string& note);
/// Forgets an answered form of this feature (with its expiry job); its card shows `note`.
void close_form(Turn& turn, const PendingAction& form, const std::string& note);

// ---- for other features
// --------------------------------------------------------------------------

/// "externe deskundige: Naam (Organisatie)" when an approved request has an expert on the
/// meeting; empty otherwise (`bijeenkomsten`, `volgende`).
std::string expert_on_meeting(Store& store, const Meeting& meeting, Lang lang);
/// The requests a member made, one line each (`mijn gegevens`).
std::vector<std::string> expert_requests_of_member(Store& store, Id member_id, Lang lang);

}  // namespace leernetwerk::detail
