#pragma once

// Every atom of the message graph. CAF 0.17 atoms hold at most 10 chars.

#include <caf/atom.hpp>

namespace adbatch::atom {

// -- supervisor ---------------------------------------------------------------
using spawn_child = caf::atom_constant<caf::atom("spawnchild")>;
using start = caf::atom_constant<caf::atom("start")>;
using child = caf::atom_constant<caf::atom("child")>;
using restart = caf::atom_constant<caf::atom("restart")>;
using shutdown = caf::atom_constant<caf::atom("shutdown")>;
using status = caf::atom_constant<caf::atom("status")>;

// -- flush pipeline (batcher, rate_limiter, scheduler) -----------------------
using flush = caf::atom_constant<caf::atom("flush")>;
using acquire = caf::atom_constant<caf::atom("acquire")>;
using refund = caf::atom_constant<caf::atom("refund")>;
/// batcher internals: an upstream call answered / its rate wait expired /
/// the storage writes of a round are done.
using upstream_done = caf::atom_constant<caf::atom("upstrdone")>;
using go = caf::atom_constant<caf::atom("go")>;
using round_done = caf::atom_constant<caf::atom("rounddone")>;
/// storage -> scheduler: new rows were queued (platform, min priority, n).
using queued = caf::atom_constant<caf::atom("queued")>;

// -- generic ------------------------------------------------------------------
using tick = caf::atom_constant<caf::atom("tick")>;
using ping = caf::atom_constant<caf::atom("ping")>;

// -- storage ------------------------------------------------------------------
using enqueue = caf::atom_constant<caf::atom("enqueue")>;
using claim = caf::atom_constant<caf::atom("claim")>;
using complete = caf::atom_constant<caf::atom("complete")>;
using fail = caf::atom_constant<caf::atom("fail")>;
using skip = caf::atom_constant<caf::atom("skip")>;
using cancel = caf::atom_constant<caf::atom("cancel")>;
using requeue = caf::atom_constant<caf::atom("requeue")>;
using prune = caf::atom_constant<caf::atom("prune")>;
using stats = caf::atom_constant<caf::atom("stats")>;
using get = caf::atom_constant<caf::atom("get")>;
using exec_log = caf::atom_constant<caf::atom("execlog")>;
using reconnect = caf::atom_constant<caf::atom("reconnect")>;
using release = caf::atom_constant<caf::atom("release")>;
/// storage: multi-step requests back to pending with their progress.
using progress = caf::atom_constant<caf::atom("progress")>;
using cancel_conn = caf::atom_constant<caf::atom("cancelconn")>;
using conn_add = caf::atom_constant<caf::atom("connadd")>;
using conn_enable = caf::atom_constant<caf::atom("connenable")>;
using conn_get = caf::atom_constant<caf::atom("connget")>;
using conn_list = caf::atom_constant<caf::atom("connlist")>;
using reap = caf::atom_constant<caf::atom("reap")>;
using store_event = caf::atom_constant<caf::atom("storeevent")>;
using claim_events = caf::atom_constant<caf::atom("claimevent")>;
using finish_event = caf::atom_constant<caf::atom("finishevt")>;
using fail_event = caf::atom_constant<caf::atom("failevent")>;
using prune_events = caf::atom_constant<caf::atom("pruneevent")>;
/// storage internals: a worker finished a job; look at the queue now.
using job_done = caf::atom_constant<caf::atom("jobdone")>;
using dispatch = caf::atom_constant<caf::atom("dispatch")>;
/// storage: connection tokens (sealed at rest) and credential lookups.
using token_set = caf::atom_constant<caf::atom("tokenset")>;
using token_clear = caf::atom_constant<caf::atom("tokenclear")>;
using credential = caf::atom_constant<caf::atom("credential")>;
using rotate_keys = caf::atom_constant<caf::atom("rotatekeys")>;
/// storage: enqueue notifications (subscribe a listener; it gets queued).
/// `queued` is also declared in the flush pipeline section; redeclaring an
/// alias of the same type is fine, and each section stays self-contained.
using subscribe = caf::atom_constant<caf::atom("subscribe")>;
using queued = caf::atom_constant<caf::atom("queued")>;

} // namespace adbatch::atom
