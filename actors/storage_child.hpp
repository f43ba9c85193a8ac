#pragma once

// The storage child of the node's supervisor: builds the storage actor from
// the typed config. With no database.url it runs the embedded PostgreSQL
// cluster under node.data_dir/postgres (started on the first connection,
// stopped when storage stops, which is last). The first connection also
// applies the migrations; storage answers atom::ping (readiness) after that.

#include <string>

#include "actors/storage.hpp"
#include "actors/supervisor.hpp"
#include "config/config.hpp"

namespace adbatch {

/// The storage child: core, first in spawn order.
child_spec make_storage_child(const config::config& cfg);

/// The backend factory for `cfg`: embedded cluster or database.url (with
/// password and connect_timeout applied), migrations on the first call.
backend_factory make_pg_factory(const config::config& cfg);

/// Adds `key=value` to a libpq conninfo, key=value or URI form.
std::string with_conninfo_param(const std::string& conninfo,
                                const std::string& key,
                                const std::string& value);

} // namespace adbatch
