#pragma once
// `leernetwerk serve`: the long-running server.
#include "app/config.hpp"

namespace leernetwerk::app {

/// /healthz, /readyz, /metrics, the calendar feeds and the platform routes on one server, until
/// a stop signal; the scheduler wakes when a job is due. The exit code.
int run_serve(const Config& config);

}  // namespace leernetwerk::app
