#pragma once
// Counters, gauges and latency histograms, rendered in the Prometheus text format for /metrics.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace leernetwerk::net {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
public:
    /// Adds `by` to a counter (created at 0 on first use).
    void count(const std::string& name, const Labels& labels = {}, double by = 1);
    /// Sets a gauge.
    void set(const std::string& name, const Labels& labels, double value);
    /// Records one observation in a histogram with latency buckets (seconds).
    void observe(const std::string& name, const Labels& labels, std::chrono::microseconds value);
    /// Describes a metric (HELP and TYPE lines).
    void describe(const std::string& name, const std::string& type, const std::string& help);
    /// The Prometheus text exposition of everything recorded.
    std::string render() const;
    /// A counter's or gauge's current value (0 when never set), for tests.
    double value(const std::string& name, const Labels& labels = {}) const;

private:
    struct Histogram {
        std::vector<double> bucket_counts;
        double sum = 0;
        double count = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::string, std::pair<std::string, std::string>> help_;  // name -> (type, help)
    std::map<std::string, std::map<Labels, double>> values_;
    std::map<std::string, std::map<Labels, Histogram>> histograms_;
};

}  // namespace leernetwerk::net
