#include "adapters/net/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

namespace leernetwerk::net {
namespace {

/// Upper bounds of the latency buckets, in seconds; +Inf is the histogram's count.
constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};

/// Labels in name order, so {a,b} and {b,a} are the same series.
Labels canonical(const Labels& labels) {
    Labels sorted = labels;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    return sorted;
}

std::string format_number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    // Plain decimals ("0.0005", "2.5", "120") where they are short; exponents for the extremes.
    const double magnitude = std::fabs(value);
    const bool plain = value == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
    std::array<char, 64> buffer{};
    const auto result = plain ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                              std::chars_format::fixed)
                              : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

std::string escape_label_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string escape_help(const std::string& help) {
    std::string out;
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

/// `{a="x",b="y"}` (with `extra` appended), or "" when there are no labels.
std::string render_labels(const Labels& labels, const std::string& extra = {}) {
    if (labels.empty() && extra.empty()) {
        return {};
    }
    std::string out = "{";
    bool first = true;
    for (const auto& [name, value] : labels) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += name + "=\"" + escape_label_value(value) + '"';
    }
    if (!extra.empty()) {
        if (!first) {
            out += ',';
        }
        out += extra;
    }
    out += '}';
    return out;
}

}  // namespace

void Metrics::count(const std::string& name, const Labels& labels, double by) {
    const std::lock_guard lock(mutex_);
    values_[name][canonical(labels)] += by;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
    const std::lock_guard lock(mutex_);
    values_[name][canonical(labels)] = value;
}

void Metrics::observe(const std::string& name, const Labels& labels,
                      std::chrono::microseconds value) {
    const double seconds = static_cast<double>(value.count()) / 1e6;
    const std::lock_guard lock(mutex_);
    Histogram& histogram = histograms_[name][canonical(labels)];
    if (histogram.bucket_counts.empty()) {
        histogram.bucket_counts.assign(kBuckets.size(), 0);
    }
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            histogram.bucket_counts[i] += 1;  // cumulative: every bucket at or above the value
        }
    }
    histogram.sum += seconds;
    histogram.count += 1;
}

void Metrics::describe(const std::string& name, const std::string& type, const std::string& help) {
    const std::lock_guard lock(mutex_);
    help_[name] = {type, help};
}

std::string Metrics::render() const {
    const std::lock_guard lock(mutex_);
    std::set<std::string> names;
    for (const auto& entry : help_) {
        names.insert(entry.first);
    }
    for (const auto& entry : values_) {
        names.insert(entry.first);
    }
    for (const auto& entry : histograms_) {
        names.insert(entry.first);
    }

    std::string out;
    for (const std::string& name : names) {
        const auto described = help_.find(name);
        const auto histograms = histograms_.find(name);
        if (described != help_.end()) {
            out += "# HELP " + name + ' ' + escape_help(described->second.second) + '\n';
            out += "# TYPE " + name + ' ' + described->second.first + '\n';
        } else if (histograms != histograms_.end()) {
            out += "# TYPE " + name + " histogram\n";
        }
        if (const auto values = values_.find(name); values != values_.end()) {
            for (const auto& [labels, value] : values->second) {
                out += name + render_labels(labels) + ' ' + format_number(value) + '\n';
            }
        }
        if (histograms != histograms_.end()) {
            for (const auto& [labels, histogram] : histograms->second) {
                for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                    out += name + "_bucket" +
                           render_labels(labels, "le=\"" + format_number(kBuckets[i]) + '"') + ' ' +
                           format_number(histogram.bucket_counts[i]) + '\n';
                }
                out += name + "_bucket" + render_labels(labels, "le=\"+Inf\"") + ' ' +
                       format_number(histogram.count) + '\n';
                out += name + "_sum" + render_labels(labels) + ' ' + format_number(histogram.sum) +
                       '\n';
                out += name + "_count" + render_labels(labels) + ' ' +
                       format_number(histogram.count) + '\n';
            }
        }
    }
    return out;
}

double Metrics::value(const std::string& name, const Labels& labels) const {
    const std::lock_guard lock(mutex_);
    const auto values = values_.find(name);
    if (values == values_.end()) {
        return 0;
    }
    const auto it = values->second.find(canonical(labels));
    return it == values->second.end() ? 0 : it->second;
}

}  // namespace leernetwerk::net
