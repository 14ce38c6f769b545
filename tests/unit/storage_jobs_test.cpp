// SqliteStore: the scheduler's jobs.
#include "storage_test_support.hpp"

namespace {

using namespace leernetwerk;
using namespace leernetwerk::storage_test;
using Catch::Matchers::Contains;

}  // namespace

// ---- scheduler -------------------------------------------------------------------------------

TEST_CASE("jobs are scheduled once per kind and key, become due, finish and cancel",
          "[storage][jobs]") {
    auto store = memory_store();
    const Id reminder =
        store->schedule_job({0, "meeting_reminder", "meeting:1", at(500), "day_before", {}});
    const Id poll = store->schedule_job({0, "close_poll", "poll:9", at(300), "", {}});
    const Id other = store->schedule_job({0, "meeting_reminder", "meeting:2", at(400), "", {}});

    // The same (kind, key) again moves the one job.
    const Id moved =
        store->schedule_job({0, "meeting_reminder", "meeting:1", at(200), "hour_before", {}});
    CHECK(moved == reminder);
    auto job = store->job("meeting_reminder", "meeting:1");
    REQUIRE(job.has_value());
    CHECK(job->id == reminder);
    CHECK(job->due_at == at(200));
    CHECK(job->payload == "hour_before");
    CHECK(job->state == JobState::due);

    auto due = store->due_jobs(at(1'000), 10);
    REQUIRE(due.size() == 3);
    CHECK(due[0].id == reminder);
    CHECK(due[1].id == poll);
    CHECK(due[2].id == other);
    due = store->due_jobs(at(1'000), 2);
    REQUIRE(due.size() == 2);
    CHECK(due[1].id == poll);
    due = store->due_jobs(at(300), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[1].kind == "close_poll");
    CHECK(due[1].key == "poll:9");
    CHECK(store->due_jobs(at(199), 10).empty());

    store->finish_job(reminder);
    CHECK(store->job("meeting_reminder", "meeting:1")->state == JobState::done);
    CHECK_THROWS_AS(store->finish_job(other + 100), StoreError);

    store->cancel_job("close_poll", "poll:9");
    CHECK(store->job("close_poll", "poll:9")->state == JobState::cancelled);
    store->cancel_job("close_poll", "poll:404");  // unknown: nothing happens
    due = store->due_jobs(at(1'000), 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == other);

    // A cancelled job scheduled again is due again at its new time.
    CHECK(store->schedule_job({0, "close_poll", "poll:9", at(600), "reopened", {}}) == poll);
    due = store->due_jobs(at(1'000), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[0].id == other);
    CHECK(due[1].id == poll);
    CHECK(due[1].payload == "reopened");
    CHECK_FALSE(store->job("close_poll", "poll:404").has_value());
}

TEST_CASE("jobs are found by key prefix, exactly, in every state", "[storage][jobs]") {
    auto store = memory_store();
    const auto schedule = [&store](const std::string& kind, const std::string& key) {
        return store->schedule_job({0, kind, key, at(100), "", {}});
    };
    // Keys of network 1, and keys that sort right next to them but belong to others.
    const Id n1_b = schedule("reminder", "n1:m2:r1");
    const Id n1_a = schedule("reminder", "n1:m1:r1");
    const Id n1_c = schedule("reminder", "n1:m1:r2");
    schedule("reminder", "n10:m1:r1");
    schedule("reminder", "n1");
    schedule("reminder", "n1;");  // ';' follows ':': the first key past the prefix
    schedule("reminder", "n2:m1:r1");
    schedule("close_poll", "n1:m1:r1");  // another kind
    store->finish_job(n1_b);
    store->cancel_job("reminder", "n1:m1:r2");

    auto found = store->jobs_with_key_prefix("reminder", "n1:");
    REQUIRE(found.size() == 3);
    CHECK(found[0].id == n1_a);
    CHECK(found[0].key == "n1:m1:r1");
    CHECK(found[0].kind == "reminder");
    CHECK(found[0].state == JobState::due);
    CHECK(found[1].id == n1_c);
    CHECK(found[1].state == JobState::cancelled);
    CHECK(found[2].id == n1_b);
    CHECK(found[2].state == JobState::done);

    found = store->jobs_with_key_prefix("reminder", "n1:m1:");
    REQUIRE(found.size() == 2);
    CHECK(found[1].key == "n1:m1:r2");
    CHECK(store->jobs_with_key_prefix("reminder", "n1").size() == 6);  // n1, n1:…, n1;, n10:…
    CHECK(store->jobs_with_key_prefix("reminder", "n1:m1:r1").size() == 1);
    CHECK(store->jobs_with_key_prefix("reminder", "n3:").empty());
    CHECK(store->jobs_with_key_prefix("unknown", "n1:").empty());
    CHECK(store->jobs_with_key_prefix("close_poll", "").size() == 1);
    CHECK(store->jobs_with_key_prefix("reminder", "").size() == 7);

    SECTION("wildcards are plain characters") {
        schedule("poll", "50%_a");
        schedule("poll", "50ab");
        found = store->jobs_with_key_prefix("poll", "50%_");
        REQUIRE(found.size() == 1);
        CHECK(found[0].key == "50%_a");
    }
    SECTION("a prefix ending in the highest byte") {
        schedule("raw", "a\xff\x01");
        schedule("raw", "a\xff");
        schedule("raw", "b");
        schedule("raw", "a");
        found = store->jobs_with_key_prefix("raw", "a\xff");
        REQUIRE(found.size() == 2);
        CHECK(found[0].key == "a\xff");
        CHECK(found[1].key == "a\xff\x01");
        CHECK(store->jobs_with_key_prefix("raw", "\xff").empty());
    }
}

TEST_CASE("the next due job ignores finished and cancelled jobs", "[storage][jobs]") {
    auto store = memory_store();
    CHECK_FALSE(store->next_job_due().has_value());
    const Id late = store->schedule_job({0, "reminder", "a", at(500), "", {}});
    const Id early = store->schedule_job({0, "reminder", "b", at(300), "", {}});
    store->schedule_job({0, "close_poll", "c", at(400), "", {}});
    CHECK(store->next_job_due() == at(300));

    store->finish_job(early);
    CHECK(store->next_job_due() == at(400));
    store->cancel_job("close_poll", "c");
    CHECK(store->next_job_due() == at(500));
    store->finish_job(late);
    CHECK_FALSE(store->next_job_due().has_value());

    store->schedule_job({0, "close_poll", "c", at(450), "", {}});  // due again
    CHECK(store->next_job_due() == at(450));
}

TEST_CASE("job lookups use the jobs indexes", "[storage][jobs]") {
    TempDir dir;
    const std::string path = dir.file("plans.db");
    SqliteStore::open(path);
    RawDb raw{path};
    // The statements of jobs_with_key_prefix and next_job_due.
    CHECK_THAT(raw.plan("SELECT id, kind, key, due_at, payload, state FROM jobs "
                        "WHERE kind = 'r' AND key >= 'n1:' AND key < 'n1;' ORDER BY key"),
               Contains("USING INDEX sqlite_autoindex_jobs_1 (kind=? AND key>? AND key<?)") &&
                   !Contains("TEMP B-TREE"));
    CHECK_THAT(raw.plan("SELECT min(due_at) FROM jobs WHERE state = 'due'"),
               Contains("INDEX jobs_due (state=?)"));
}
