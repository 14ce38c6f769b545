#pragma once
// Inside leernetwerk_ics only: libical's components owned as values, for the writer (ics.cpp) and
// the reader (ics_import.cpp).
#include <memory>

#include <libical/ical.h>

namespace leernetwerk::app {

/// Frees a libical component (and its children) with icalcomponent_free.
struct ComponentDeleter {
    void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
/// A libical component that frees itself.
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;

}  // namespace leernetwerk::app
