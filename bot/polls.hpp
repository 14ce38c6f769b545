#pragma once
// What the app needs of polls outside a conversation: the CSV export of the command line.
#include <optional>
#include <string>
#include <string_view>

#include "bot/store.hpp"

namespace leernetwerk {

/// Why a CSV export could not be made.
enum class PollExportError { no_such_poll, too_few_answers, not_closed };

/// A poll's results as CSV (RFC 4180; a field starting with = + - @ gets a leading apostrophe so
/// spreadsheets do not run it): the counts per question and option, and for named polls the
/// individual answers with names. Anonymous polls below their minimum of answers (the network's,
/// else `default_min_respondents`) give nothing, and neither does an anonymous poll whose results
/// wait for its closing (not live): exported after each new answer, it would show each answer.
struct PollExport {
    std::optional<std::string> csv;
    PollExportError error = PollExportError::no_such_poll;
};
PollExport poll_results_csv(Store& store, Id poll_id, Lang lang, int default_min_respondents = 3);

/// One CSV field, quoted when it must be and neutralised against formula injection.
std::string csv_field(std::string_view value);

}  // namespace leernetwerk
