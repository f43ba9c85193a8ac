#pragma once

// CPU time spent by the bench process and by a local PostgreSQL server.
// The test machine is shared, so wall-clock rates mostly measure the
// contention; rows per CPU-second (client + server) do not.

namespace adbatch::bench {

/// CPU seconds (user + system) of this process so far, all threads.
double self_cpu_seconds();

/// CPU seconds of a PostgreSQL server: the postmaster, its live children
/// (backends, WAL writer, checkpointer...) and its exited children. Negative
/// when the server is not a local process we can read.
double server_cpu_seconds(int postmaster_pid);

/// The parent of `pid` if it is a process named "postgres", else 0.
int postmaster_of(int backend_pid);

} // namespace adbatch::bench
