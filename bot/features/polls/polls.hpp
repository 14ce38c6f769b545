#pragma once
// What the app and other features need of polls outside a conversation: the CSV export of the
// command line, and the evaluations the harvest reports.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ports/store.hpp"
#include "bot/vocab/table.hpp"

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
    /// The same as tables (the counts; for a named poll also who answered what), for a
    /// spreadsheet; empty when there is no export.
    std::vector<Table> tables;
    PollExportError error = PollExportError::no_such_poll;
};
PollExport poll_results_csv(Store& store, Id poll_id, Lang lang, int default_min_respondents = 3);

/// What a closed evaluation (one of the question sets) gives the harvest. Labels and results are
/// core Markdown (a facilitator's text escaped); open answers are plain text, without names and in
/// random order. Below the minimum of answers of an anonymous evaluation, nothing but the counts.
struct EvaluationResult {
    std::string title;  ///< the question set's name
    Instant closed_at{};
    int respondents = 0;
    int invited = 0;
    int minimum = 0;     ///< an anonymous evaluation shows results from this many answers
    bool shown = false;  ///< false: too few answers; `results` and `open` stay empty
    std::vector<SummaryRow> results;  ///< per question: "Energie" → "3,8 (n=7)", or choice counts
    struct OpenAnswers {
        std::string label;
        std::vector<std::string> texts;
    };
    std::vector<OpenAnswers> open;
};

/// The network's closed evaluations, oldest first.
std::vector<EvaluationResult> evaluation_results(Store& store, Id network_id, Lang lang,
                                                 int default_min_respondents = 3);

}  // namespace leernetwerk
