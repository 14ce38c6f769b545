// Member lists: a RosterQuery answered from the Bot Connector's paged member list and given to
// the core as a roster event.
#include "adapters/teams/teams_adapter_impl.hpp"

namespace leernetwerk::teams {

void TeamsAdapter::Impl::fetch_members(OutboxRow row, ConversationRef ref, std::string request_id,
                                       std::vector<RosterPerson> people, std::string continuation,
                                       int page, dispatch::OutcomeCallback done) {
    net::ClientRequest request;
    request.method = "GET";
    request.url = ref.service_url + "/v3/conversations/" +
                  net::encode_path_segment(ref.conversation_id) + "/pagedmembers?pageSize=100";
    if (!continuation.empty()) {
        request.url += "&continuationToken=" + net::encode_path_segment(continuation);
    }
    auto self = shared_from_this();
    const auto service_url = ref.service_url;
    call(std::move(request), service_url,
         [self, row = std::move(row), ref = std::move(ref), request_id, people = std::move(people),
          page, done = std::move(done)](Result<net::ClientResponse> response) mutable {
             if (response && response->status == 403) {
                 done(answered(
                     self->answer_roster(row, request_id, RosterAnswer::Status::forbidden, {}),
                     request_id));
                 return;
             }
             if (!response || response->status < 200 || response->status > 299) {
                 auto outcome = classify(response, false);
                 if (outcome.kind == dispatch::Outcome::Kind::permanent) {
                     self->answer_roster(row, request_id, RosterAnswer::Status::failed, {});
                 }
                 done(std::move(outcome));
                 return;
             }
             const auto parsed = json::parse(response->body, nullptr, false);
             const json* members =
                 parsed.is_object() && parsed.contains("members") ? &parsed["members"] : nullptr;
             if (!members || !members->is_array()) {
                 self->answer_roster(row, request_id, RosterAnswer::Status::failed, {});
                 done(dispatch::Outcome::give_up("pagedmembers answered without members"));
                 return;
             }
             for (const auto& item : *members) {
                 RosterPerson person;
                 person.user_id = string_field(item, "id");
                 person.alt_user_id = string_field(item, "aadObjectId");
                 person.display_name = string_field(item, "name");
                 person.email = string_field(item, "email");
                 person.user_principal_name = string_field(item, "userPrincipalName");
                 if (!person.user_id.empty()) {
                     people.push_back(std::move(person));
                 }
             }
             const auto next = string_field(parsed, "continuationToken");
             if (!next.empty() && page + 1 < kMaxMemberPages) {
                 self->fetch_members(std::move(row), std::move(ref), std::move(request_id),
                                     std::move(people), next, page + 1, std::move(done));
                 return;
             }
             done(answered(
                 self->answer_roster(row, request_id, RosterAnswer::Status::ok, std::move(people)),
                 request_id));
         });
}

std::string TeamsAdapter::Impl::string_field(const json& object, const char* key) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool TeamsAdapter::Impl::answer_roster(const OutboxRow& row, const std::string& request_id,
                                       RosterAnswer::Status status,
                                       std::vector<RosterPerson> people) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::roster;
    event.event_id = "roster|" + row.message.to.conversation_id + "|" + request_id;
    event.conversation = {Platform::teams, row.message.to.conversation_id,
                          Conversation::Kind::group, row.message.to.thread_id};
    event.roster.request_id = request_id;
    event.roster.status = status;
    event.roster.people = std::move(people);
    if (const auto handled = bot.handle(event, clock()); !handled) {
        log_line(LogLevel::warn,
                 "teams: a roster answer was not applied: " + handled.error().message);
        return false;
    }
    metrics.count("leernetwerk_events_total", {{"platform", "teams"}, {"kind", "roster"}});
    wake();
    return true;
}

dispatch::Outcome TeamsAdapter::Impl::answered(bool applied, const std::string& request_id) {
    return applied ? dispatch::Outcome::delivered("roster:" + request_id)
                   : dispatch::Outcome::again("database: the roster answer was not stored");
}

}  // namespace leernetwerk::teams
