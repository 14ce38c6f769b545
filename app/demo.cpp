#include "app/demo.hpp"

#include "adapters/console/console.hpp"

namespace leernetwerk::app {
namespace {

constexpr std::string_view kDemoName = "HSN-café Feedback die werkt";

struct DemoMember {
    std::string_view name;
    std::string_view school;
    Role role;
    std::vector<std::string> expertise;
};

const std::vector<DemoMember>& demo_members() {
    static const std::vector<DemoMember> members = {
        {"Marieke Jansen", "CBS De Wegwijzer", Role::organiser, {"feedback", "gesprekstechnieken"}},
        {"Bram de Boer", "Het Kompas", Role::workshop_leader, {"formatief evalueren", "rubrics"}},
        {"Anna de Vries", "CBS De Regenboog", Role::participant, {"rekenen", "groep 5-6"}},
        {"Sanne Bakker", "CBS De Fontein", Role::participant, {"kleuters", "observeren"}},
        {"Joost van Dijk",
         "CBS De Wegwijzer",
         Role::participant,
         {"ICT", "digitale feedbacktools"}},
        {"Fatima El Amrani", "Het Kompas", Role::participant, {"NT2", "taalontwikkeling"}},
        {"Pieter Visser", "CBS De Fontein", Role::participant, {"gedrag", "coöperatief leren"}},
        {"Lotte Mulder", "CBS De Regenboog", Role::participant, {"begrijpend lezen"}},
        {"Thomas Smit", "Het Kompas", Role::participant, {"bewegingsonderwijs"}},
        {"Esther Hendriks",
         "CBS De Wegwijzer",
         Role::participant,
         {"zorg", "handelingsgericht werken"}},
    };
    return members;
}

}  // namespace

DemoNetwork seed_demo(Store& store, Instant now, const std::string& time_zone) {
    DemoNetwork demo;
    if (auto existing = store.find_network_by_name(kDemoName)) {
        demo.network_id = existing->id;
        for (const auto& entry : store.roster(existing->id)) {
            if (entry.membership.role == Role::organiser) {
                demo.facilitator_id = entry.member.id;
            }
        }
        return demo;
    }
    store.transaction([&] {
        Network network;
        network.name = std::string(kDemoName);
        network.theme = "Feedback geven en ontvangen in de klas, van kleuters tot groep 8";
        network.time_zone = time_zone;
        network.created_at = now;
        demo.network_id = store.create_network(network);
        store.bind_conversation(
            {Platform::console, std::string(console::kGroupConversation), demo.network_id});

        std::vector<Id> ids;
        for (const auto& person : demo_members()) {
            Member member;
            member.display_name = std::string(person.name);
            member.created_at = now;
            member.active_network_id = demo.network_id;
            member.id = store.create_member(member);
            store.set_member_school(member.id, store.school_id(person.school));
            store.set_member_expertise(member.id, person.expertise);
            store.set_active_network(member.id, demo.network_id);
            store.link_identity(
                {Platform::console, "member-" + std::to_string(member.id), member.id});
            store.add_membership({demo.network_id, member.id, person.role, now});
            ids.push_back(member.id);
        }
        demo.facilitator_id = ids.front();

        // Café weeks of the school year we are in (as HSN designates them in ParnasSys), and
        // three meetings on Tuesdays in them.
        const auto today = date::floor<date::days>(to_local(now, time_zone).value_or(LocalTime{}));
        const int year = school_year_of(today);
        std::vector<CafeWeek> weeks;
        for (unsigned week : {41u, 47u, 6u, 12u, 20u}) {
            weeks.push_back({year, iso_year_for_school_week(year, week), week});
        }
        store.set_cafe_weeks(year, weeks);

        struct Plan {
            unsigned week;
            std::string_view topic;
            std::vector<std::size_t> preparers;
        };
        const std::vector<Plan> plans = {
            {41, "Kennismaken en onze gezamenlijke ambitie", {0}},
            {6, "Feedback op schrijfopdrachten met rubrics", {1, 2}},
            {20, "Oogst: wat nemen we mee naar onze scholen?", {0, 3}},
        };
        for (const auto& plan : plans) {
            const auto monday =
                monday_of_iso_week(iso_year_for_school_week(year, plan.week), plan.week);
            if (!monday) {
                continue;
            }
            Meeting meeting;
            meeting.network_id = demo.network_id;
            meeting.local_start = LocalTime{*monday + date::days{1}} + std::chrono::hours{15} +
                                  std::chrono::minutes{30};
            const auto zoned = to_instant(meeting.local_start, time_zone);
            meeting.starts_at = zoned ? zoned->instant : Instant{};
            meeting.duration_minutes = 120;
            meeting.location = plan.week == 6 ? "Het Kompas, Nijkerk" : "CBS De Wegwijzer, Nijkerk";
            meeting.topic = std::string(plan.topic);
            for (auto index : plan.preparers) {
                meeting.preparer_ids.push_back(ids[index]);
            }
            meeting.created_at = now;
            store.create_meeting(meeting);
        }
    });
    demo.created = true;
    return demo;
}

}  // namespace leernetwerk::app
