#pragma once
// The core's only door to persistence, as one repository per aggregate (this folder's headers)
// behind one unit of work. The Bot calls it synchronously inside one transaction per event or
// tick; storage/sqlite implements it. Implementations throw StoreError when the database itself
// fails (disk full, corruption): the transaction is then rolled back whole.
//
// A feature should depend on the repositories it uses (e.g. `Polls&` and `UnitOfWork&`, or the
// delivery engine on `DeliveryStore&`); `Store` is the whole set, which one backend implements.
// Each method lives in exactly one repository, so a `Store&` reaches every one unambiguously and
// converts to any of them.
#include "bot/ports/adapter_state.hpp"
#include "bot/ports/agenda.hpp"
#include "bot/ports/attendance.hpp"
#include "bot/ports/calendar_feeds.hpp"
#include "bot/ports/confirmations.hpp"
#include "bot/ports/delivery_store.hpp"
#include "bot/ports/hours.hpp"
#include "bot/ports/inbox.hpp"
#include "bot/ports/knowledge.hpp"
#include "bot/ports/meetings.hpp"
#include "bot/ports/members.hpp"
#include "bot/ports/memberships.hpp"
#include "bot/ports/networks.hpp"
#include "bot/ports/outbox.hpp"
#include "bot/ports/personal_data.hpp"
#include "bot/ports/polls.hpp"
#include "bot/ports/questions.hpp"
#include "bot/ports/reminders.hpp"
#include "bot/ports/scheduler.hpp"
#include "bot/ports/unit_of_work.hpp"

namespace leernetwerk {

/// Every repository and the unit of work: what one storage backend implements.
class Store : public UnitOfWork,
              public Inbox,
              public Outbox,
              public DeliveryStore,
              public AdapterState,
              public Networks,
              public Members,
              public Memberships,
              public Meetings,
              public Confirmations,
              public Reminders,
              public Scheduler,
              public CalendarFeeds,
              public PersonalData,
              public Agenda,
              public Polls,
              public Knowledge,
              public Questions,
              public Attendance,
              public Hours {
public:
    ~Store() override = default;
};

}  // namespace leernetwerk
