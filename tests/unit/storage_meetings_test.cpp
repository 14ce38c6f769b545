// SqliteStore: meetings, café weeks, pending actions, reminder rules and RSVPs.
#include "storage_test_support.hpp"

namespace {

using namespace leernetwerk;
using namespace leernetwerk::storage_test;
using Catch::Matchers::Contains;

}  // namespace

// ---- meetings and café weeks -----------------------------------------------------------------

TEST_CASE("meetings keep every field and their preparers in order", "[storage][meetings]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    const Id cees = add_member(*store, "Cees");

    Meeting meeting;
    meeting.network_id = network_id;
    meeting.local_start = local(2026, 3, 12, 15, 30);
    meeting.starts_at = at(1'773'325'800);
    meeting.duration_minutes = 90;
    meeting.location = "Lokaal 12";
    meeting.topic = "Toetsing";
    meeting.preparer_ids = {cees, anna};
    meeting.created_at = at(1'770'000'000);
    const Id id = store->create_meeting(meeting);

    auto read = store->meeting(id);
    REQUIRE(read.has_value());
    CHECK(read->id == id);
    CHECK(read->network_id == network_id);
    CHECK(read->local_start == local(2026, 3, 12, 15, 30));
    CHECK(read->starts_at == at(1'773'325'800));
    CHECK(read->duration_minutes == 90);
    CHECK(read->location == "Lokaal 12");
    CHECK(read->topic == "Toetsing");
    CHECK(read->preparer_ids == std::vector<Id>{cees, anna});
    CHECK(read->status == MeetingStatus::planned);
    CHECK(read->created_at == at(1'770'000'000));

    meeting.id = id;
    meeting.local_start = local(2026, 10, 25, 2, 30);
    meeting.starts_at = at(1'792'888'200);
    meeting.location = "Aula";
    meeting.topic = "Toetsing (verzet)";
    meeting.preparer_ids = {bram, cees, anna};
    meeting.status = MeetingStatus::cancelled;
    store->update_meeting(meeting);
    read = store->meeting(id);
    CHECK(read->local_start == local(2026, 10, 25, 2, 30));
    CHECK(read->starts_at == at(1'792'888'200));
    CHECK(read->location == "Aula");
    CHECK(read->topic == "Toetsing (verzet)");
    CHECK(read->preparer_ids == std::vector<Id>{bram, cees, anna});
    CHECK(read->status == MeetingStatus::cancelled);

    Meeting earlier = meeting;
    earlier.preparer_ids.clear();
    earlier.starts_at = at(1'700'000'000);
    earlier.local_start = local(2023, 11, 14, 23, 13);
    earlier.status = MeetingStatus::planned;
    const Id earlier_id = store->create_meeting(earlier);
    const auto all = store->meetings_of(network_id);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == earlier_id);
    CHECK(all[0].preparer_ids.empty());
    CHECK(all[1].id == id);
    CHECK(all[1].status == MeetingStatus::cancelled);
    CHECK(all[1].preparer_ids.size() == 3);

    meeting.id = id + 100;
    CHECK_THROWS_AS(store->update_meeting(meeting), StoreError);
    CHECK_FALSE(store->meeting(id + 100).has_value());
    // A failed update leaves the meeting as it was.
    meeting.id = id;
    meeting.preparer_ids = {anna, bram + 100};
    CHECK_THROWS_AS(store->update_meeting(meeting), StoreError);
    CHECK(store->meeting(id)->preparer_ids == std::vector<Id>{bram, cees, anna});
}

TEST_CASE("café weeks are replaced per school year and read in calendar order",
          "[storage][meetings]") {
    auto store = memory_store();
    store->set_cafe_weeks(2026, {{2026, 2027, 3}, {2026, 2026, 45}, {2026, 2027, 12}});
    store->set_cafe_weeks(2027, {{2027, 2027, 40}});

    auto weeks = store->cafe_weeks(2026);
    REQUIRE(weeks.size() == 3);
    CHECK(weeks[0].school_year == 2026);
    CHECK(weeks[0].iso_year == 2026);
    CHECK(weeks[0].iso_week == 45);
    CHECK(weeks[1].iso_year == 2027);
    CHECK(weeks[1].iso_week == 3);
    CHECK(weeks[2].iso_week == 12);

    store->set_cafe_weeks(2026, {{2026, 2026, 47}, {2026, 2026, 47}});
    weeks = store->cafe_weeks(2026);
    REQUIRE(weeks.size() == 1);
    CHECK(weeks[0].iso_week == 47);
    REQUIRE(store->cafe_weeks(2027).size() == 1);
    CHECK(store->cafe_weeks(2027)[0].iso_week == 40);

    store->set_cafe_weeks(2026, {});
    CHECK(store->cafe_weeks(2026).empty());
    CHECK_THROWS_AS(store->set_cafe_weeks(2028, {{2028, 2028, 54}}), StoreError);
    CHECK(store->cafe_weeks(2028).empty());
}

// ---- pending actions -------------------------------------------------------------------------

TEST_CASE("pending actions are stored, linked to their question and deleted",
          "[storage][pending]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id member_id = add_member(*store, "Anna");
    PendingAction pending;
    pending.member_id = member_id;
    pending.network_id = network_id;
    pending.kind = "plan_meeting";
    pending.payload = "2026-03-12 15:30|Lokaal 12";
    pending.created_at = at(100);
    pending.expires_at = at(3'700);
    const Id id = store->create_pending(pending);

    auto read = store->pending(id);
    REQUIRE(read.has_value());
    CHECK(read->id == id);
    CHECK(read->member_id == member_id);
    CHECK(read->network_id == network_id);
    CHECK(read->kind == "plan_meeting");
    CHECK(read->payload == "2026-03-12 15:30|Lokaal 12");
    CHECK(read->created_at == at(100));
    CHECK(read->expires_at == at(3'700));
    CHECK_FALSE(read->question_message_id.has_value());

    const Id question = store->append_outbox(text_message(Platform::teams, "Zeker?"), at(101));
    store->set_pending_question(id, question);
    CHECK(store->pending(id)->question_message_id == question);
    CHECK_THROWS_AS(store->set_pending_question(id + 100, question), StoreError);

    PendingAction without_network = pending;
    without_network.network_id = 0;
    const Id second = store->create_pending(without_network);
    CHECK(store->pending(second)->network_id == 0);

    store->delete_pending(id);
    CHECK_FALSE(store->pending(id).has_value());
    CHECK(store->pending(second).has_value());
    store->delete_pending(id);  // already gone: nothing happens
}

TEST_CASE("a meeting's revision is stored, updated and read everywhere", "[storage][meetings]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id fresh = add_meeting(*store, network_id);
    const Id moved = add_meeting(*store, network_id, 2);
    CHECK(store->meeting(fresh)->revision == 0);
    CHECK(store->meeting(moved)->revision == 2);

    Meeting meeting = *store->meeting(moved);
    meeting.revision = 3;
    meeting.status = MeetingStatus::cancelled;
    store->update_meeting(meeting);
    CHECK(store->meeting(moved)->revision == 3);
    const auto all = store->meetings_of(network_id);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == fresh);
    CHECK(all[0].revision == 0);
    CHECK(all[1].id == moved);
    CHECK(all[1].revision == 3);
}

TEST_CASE("reminder rules keep every field and every code", "[storage][reminders]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id other_network = add_network(*store, "Taal");

    const std::vector<ReminderKind> kinds{ReminderKind::cafe_week_announcement,
                                          ReminderKind::preparer_nudge,
                                          ReminderKind::agenda_call,
                                          ReminderKind::agenda_digest,
                                          ReminderKind::meeting_reminder,
                                          ReminderKind::rsvp_nudge,
                                          ReminderKind::evaluation_prompt,
                                          ReminderKind::custom};
    const std::vector<ReminderAnchor> anchors{ReminderAnchor::meeting, ReminderAnchor::cafe_week};
    const std::vector<Audience> audiences{Audience::group, Audience::members, Audience::role,
                                          Audience::preparers, Audience::not_responded};
    const std::vector<Role> roles{Role::participant,     Role::organiser, Role::facilitator,
                                  Role::workshop_leader, Role::expert,    Role::guest};
    const std::vector<int> offsets{-366, -14, -7, -3, -1, 0, 1, 366};
    const std::vector<int> minutes{0, 9 * 60, 1439, 8 * 60 + 15, 12 * 60, 17 * 60, 600, 1};

    // Eight rules cover every kind, anchor, audience and role between them.
    std::vector<ReminderRule> written;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        ReminderRule rule;
        rule.network_id = network_id;
        rule.kind = kinds[i];
        rule.anchor = anchors[i % anchors.size()];
        rule.offset_days = offsets[i];
        rule.time_of_day = std::chrono::minutes{minutes[i]};
        rule.audience = audiences[i % audiences.size()];
        rule.role = roles[i % roles.size()];
        rule.enabled = i % 3 != 0;
        rule.text = "Regel " + std::to_string(i) + ": vergeet de koffie niet ☕";
        rule.created_at = at(1'000 + static_cast<std::int64_t>(i));
        rule.id = store->create_reminder_rule(rule);
        REQUIRE(rule.id > 0);
        written.push_back(rule);
        if (i == 3) {
            ReminderRule elsewhere;
            elsewhere.network_id = other_network;
            store->create_reminder_rule(elsewhere);
        }
    }

    const auto check_same = [](const ReminderRule& read, const ReminderRule& rule) {
        CHECK(read.id == rule.id);
        CHECK(read.network_id == rule.network_id);
        CHECK(read.kind == rule.kind);
        CHECK(read.anchor == rule.anchor);
        CHECK(read.offset_days == rule.offset_days);
        CHECK(read.time_of_day == rule.time_of_day);
        CHECK(read.audience == rule.audience);
        CHECK(read.role == rule.role);
        CHECK(read.enabled == rule.enabled);
        CHECK(read.text == rule.text);
        CHECK(read.created_at == rule.created_at);
    };
    const auto rules = store->reminder_rules(network_id);
    REQUIRE(rules.size() == written.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        INFO("rule " << i);
        check_same(rules[i], written[i]);
        const auto one = store->reminder_rule(written[i].id);
        REQUIRE(one.has_value());
        check_same(*one, written[i]);
    }
    REQUIRE(store->reminder_rules(other_network).size() == 1);
    CHECK(store->reminder_rules(other_network)[0].kind == ReminderKind::custom);
    CHECK(store->reminder_rules(other_network)[0].time_of_day == std::chrono::minutes{9 * 60});
    CHECK(store->reminder_rules(network_id + 100).empty());
    CHECK_FALSE(store->reminder_rule(written.back().id + 100).has_value());
}

TEST_CASE("a reminder rule is updated except its id, network and creation, and deleted",
          "[storage][reminders]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id other_network = add_network(*store, "Taal");
    ReminderRule rule;
    rule.network_id = network_id;
    rule.kind = ReminderKind::meeting_reminder;
    rule.offset_days = -1;
    rule.created_at = at(500);
    rule.id = store->create_reminder_rule(rule);
    ReminderRule second = rule;
    second.kind = ReminderKind::evaluation_prompt;
    second.offset_days = 1;
    second.id = store->create_reminder_rule(second);

    ReminderRule changed = rule;
    changed.network_id = other_network;  // ignored
    changed.created_at = at(999);        // ignored
    changed.kind = ReminderKind::custom;
    changed.anchor = ReminderAnchor::cafe_week;
    changed.offset_days = -3;
    changed.time_of_day = std::chrono::minutes{16 * 60 + 45};
    changed.audience = Audience::role;
    changed.role = Role::workshop_leader;
    changed.enabled = false;
    changed.text = "Denk aan de presentatie";
    store->update_reminder_rule(changed);

    auto read = store->reminder_rule(rule.id);
    REQUIRE(read.has_value());
    CHECK(read->network_id == network_id);
    CHECK(read->created_at == at(500));
    CHECK(read->kind == ReminderKind::custom);
    CHECK(read->anchor == ReminderAnchor::cafe_week);
    CHECK(read->offset_days == -3);
    CHECK(read->time_of_day == std::chrono::minutes{16 * 60 + 45});
    CHECK(read->audience == Audience::role);
    CHECK(read->role == Role::workshop_leader);
    CHECK_FALSE(read->enabled);
    CHECK(read->text == "Denk aan de presentatie");
    CHECK(store->reminder_rules(other_network).empty());
    CHECK(store->reminder_rule(second.id)->kind == ReminderKind::evaluation_prompt);

    changed.id = second.id + 100;
    CHECK_THROWS_AS(store->update_reminder_rule(changed), StoreError);

    store->delete_reminder_rule(rule.id);
    CHECK_FALSE(store->reminder_rule(rule.id).has_value());
    const auto left = store->reminder_rules(network_id);
    REQUIRE(left.size() == 1);
    CHECK(left[0].id == second.id);
    store->delete_reminder_rule(rule.id);  // already gone: nothing happens
    CHECK(store->reminder_rules(network_id).size() == 1);
}

TEST_CASE("the schema refuses reminder rules with unknown codes or out-of-range values",
          "[storage][reminders]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    ReminderRule valid;
    valid.network_id = network_id;
    const Id id = store->create_reminder_rule(valid);

    ReminderRule bad = valid;
    SECTION("unknown kind") {
        bad.kind = static_cast<ReminderKind>(99);
    }
    SECTION("unknown anchor") {
        bad.anchor = static_cast<ReminderAnchor>(99);
    }
    SECTION("unknown audience") {
        bad.audience = static_cast<Audience>(99);
    }
    SECTION("unknown role") {
        bad.role = static_cast<Role>(99);
    }
    SECTION("offset beyond a year") {
        bad.offset_days = 367;
    }
    SECTION("offset before a year") {
        bad.offset_days = -367;
    }
    SECTION("time of day after 23:59") {
        bad.time_of_day = std::chrono::minutes{1440};
    }
    SECTION("negative time of day") {
        bad.time_of_day = std::chrono::minutes{-1};
    }

    REQUIRE_THROWS_AS(store->create_reminder_rule(bad), StoreError);
    REQUIRE_THROWS_WITH(store->create_reminder_rule(bad), Contains("CHECK constraint failed"));
    bad.id = id;
    REQUIRE_THROWS_WITH(store->update_reminder_rule(bad), Contains("CHECK constraint failed"));
    const auto rules = store->reminder_rules(network_id);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].kind == valid.kind);
    CHECK(rules[0].offset_days == valid.offset_days);
    CHECK(rules[0].time_of_day == valid.time_of_day);
    CHECK_THROWS_WITH(store->create_reminder_rule(ReminderRule{}), Contains("FOREIGN KEY"));
}

TEST_CASE("an RSVP is replaced by the member's next answer and cleared per meeting",
          "[storage][rsvps]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id meeting_id = add_meeting(*store, network_id);
    const Id other_meeting = add_meeting(*store, network_id);
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    const Id cees = add_member(*store, "Cees");

    store->set_rsvp({meeting_id, anna, RsvpAnswer::coming, "", at(100)});
    store->set_rsvp({meeting_id, bram, RsvpAnswer::not_coming, "ziek", at(200)});
    store->set_rsvp({meeting_id, cees, RsvpAnswer::coming, "", at(300)});
    store->set_rsvp({other_meeting, anna, RsvpAnswer::not_coming, "", at(150)});

    auto answers = store->rsvps_of(meeting_id);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].member_id == anna);
    CHECK(answers[0].meeting_id == meeting_id);
    CHECK(answers[0].answer == RsvpAnswer::coming);
    CHECK(answers[0].updated_at == at(100));
    CHECK(answers[1].member_id == bram);
    CHECK(answers[1].answer == RsvpAnswer::not_coming);
    CHECK(answers[1].reason == "ziek");

    // Anna changes her mind: one answer, the new one, now the most recent.
    store->set_rsvp({meeting_id, anna, RsvpAnswer::not_coming, "studiedag", at(400)});
    // Bram is better: the old reason does not linger.
    store->set_rsvp({meeting_id, bram, RsvpAnswer::coming, "", at(250)});
    answers = store->rsvps_of(meeting_id);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].member_id == bram);
    CHECK(answers[0].answer == RsvpAnswer::coming);
    CHECK(answers[0].reason.empty());
    CHECK(answers[0].updated_at == at(250));
    CHECK(answers[1].member_id == cees);
    CHECK(answers[2].member_id == anna);
    CHECK(answers[2].answer == RsvpAnswer::not_coming);
    CHECK(answers[2].reason == "studiedag");
    CHECK(answers[2].updated_at == at(400));

    CHECK_THROWS_AS(store->set_rsvp({meeting_id + 100, anna, RsvpAnswer::coming, "", at(1)}),
                    StoreError);
    CHECK_THROWS_AS(store->set_rsvp({meeting_id, cees + 100, RsvpAnswer::coming, "", at(1)}),
                    StoreError);
    CHECK_THROWS_WITH(store->set_rsvp({meeting_id, anna, static_cast<RsvpAnswer>(7), "", at(500)}),
                      Contains("CHECK constraint failed"));
    CHECK(store->rsvps_of(meeting_id)[2].answer == RsvpAnswer::not_coming);

    store->clear_rsvps(meeting_id);
    CHECK(store->rsvps_of(meeting_id).empty());
    REQUIRE(store->rsvps_of(other_meeting).size() == 1);
    CHECK(store->rsvps_of(other_meeting)[0].member_id == anna);
    store->clear_rsvps(meeting_id);  // nothing left: nothing happens
}

// The Store cannot delete networks or members yet; the schema already cascades, so that erasing a
// member (privacy) or a network later takes their rules and answers with them.
TEST_CASE("deleting a network or member row cascades to rules and RSVPs", "[storage][rsvps]") {
    TempDir dir;
    const std::string path = dir.file("cascade.db");
    auto store = SqliteStore::open(path);
    const Id network_id = add_network(*store, "Rekenen");
    const Id kept_network = add_network(*store, "Taal");
    const Id meeting_id = add_meeting(*store, kept_network);
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    ReminderRule rule;
    rule.network_id = network_id;
    store->create_reminder_rule(rule);
    rule.network_id = kept_network;
    const Id kept_rule = store->create_reminder_rule(rule);
    store->set_rsvp({meeting_id, anna, RsvpAnswer::coming, "", at(100)});
    store->set_rsvp({meeting_id, bram, RsvpAnswer::coming, "", at(200)});
    {
        RawDb raw{path};
        raw.exec("PRAGMA foreign_keys = ON");
        raw.exec("DELETE FROM networks WHERE id = " + std::to_string(network_id));
        raw.exec("DELETE FROM members WHERE id = " + std::to_string(anna));
    }
    CHECK(store->reminder_rules(network_id).empty());
    REQUIRE(store->reminder_rules(kept_network).size() == 1);
    CHECK(store->reminder_rules(kept_network)[0].id == kept_rule);
    const auto answers = store->rsvps_of(meeting_id);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].member_id == bram);
}
