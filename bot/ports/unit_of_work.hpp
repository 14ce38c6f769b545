#pragma once
// The unit of work every repository's calls run in: one transaction per event or tick, savepoints
// inside it, and what happens after the commit. A backend throws StoreError when the database
// itself fails (disk full, corruption): the transaction is then rolled back whole.
#include <functional>
#include <stdexcept>

namespace leernetwerk {

/// The database failed; nothing of the current transaction was kept.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Transactions and savepoints around the repositories' calls.
class UnitOfWork {
public:
    virtual ~UnitOfWork() = default;

    /// Runs `work` in one transaction: committed when it returns, rolled back (and the exception
    /// rethrown) when it throws. Not re-entrant.
    virtual void transaction(const std::function<void()>& work) = 0;
    /// Inside a transaction: runs `work` so that, when it throws, only its own changes are undone
    /// (and the exception rethrown); the surrounding transaction goes on.
    virtual void savepoint(const std::function<void()>& work) = 0;
    /// Asks that, once the current transaction has committed, the write-ahead log is folded into
    /// the database and emptied, so no earlier version of a page stays in a file (after a poll's
    /// ballots are counted and its messages removed). Freed pages are always overwritten.
    virtual void compact_after_commit() = 0;
};

}  // namespace leernetwerk
