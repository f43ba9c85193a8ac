// YAML -> config. Every section is read by a `section` that remembers which
// keys it was asked for, so a key nobody asked for is reported as unknown
// (with the closest known key as a hint). The first problem aborts the load
// with a config_error that names file, line and key path.

#include <functional>
#include <limits>
#include <set>

#include <yaml-cpp/yaml.h>

#include "config/detail.hpp"

namespace adbatch::config {

namespace {

using detail::load_failure;
using detail::quote;

constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string{key} : path + '.' + std::string{key};
}

/// What every section needs: the file name and the environment.
struct context {
  std::string file;
  const environment& env;

  [[noreturn]] void fail(const YAML::Mark& mark, std::string key_path,
                         std::string message) const {
    int line = mark.line >= 0 ? mark.line + 1 : 0;
    throw load_failure{
      config_error{file, line, std::move(key_path), std::move(message)}};
  }
};

/// `n[key]` when `n` is a mapping holding `key`, else a null node. (On a
/// const node, yaml-cpp returns an invalid "zombie" node for a missing key,
/// and every query on it but IsDefined() throws.)
YAML::Node sub(const YAML::Node& n, const std::string& key) {
  if (!n.IsDefined() || !n.IsMap())
    return YAML::Node{};
  YAML::Node v = n[key];
  return v.IsDefined() ? v : YAML::Node{};
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return quote(n.Scalar());
    default:
      return "an undefined value";
  }
}

/// A mapping in the file at `path`. Absent or null = empty mapping.
class section {
public:
  section(const context& ctx, const YAML::Node& node, std::string path,
          const YAML::Mark& where)
    : ctx_(ctx), path_(std::move(path)) {
    if (!node.IsDefined() || node.IsNull())
      return;
    if (!node.IsMap())
      ctx_.fail(node.Mark().line >= 0 ? node.Mark() : where, path_,
                "expected a mapping, got " + describe(node));
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node& k = it->first;
      if (!k.IsScalar())
        ctx_.fail(k.Mark(), path_, "keys must be plain names");
      if (!seen.insert(k.Scalar()).second)
        ctx_.fail(k.Mark(), join(path_, k.Scalar()), "duplicate key");
      entries_.push_back(entry{k.Scalar(), k.Mark(), it->second, false});
    }
  }

  section(const section&) = delete;
  section& operator=(const section&) = delete;

  ~section() noexcept(false) {
    // Unknown keys are reported when the section goes out of scope, after
    // every known key has been asked for; never during stack unwinding.
    if (std::uncaught_exceptions() == 0)
      finish();
  }

  const std::string& path() const {
    return path_;
  }

  /// A nested mapping.
  section child(std::string_view key) {
    known_.emplace_back(key);
    if (auto* e = find(key))
      return section{ctx_, e->value, join(path_, key), e->mark};
    return section{ctx_, YAML::Node{}, join(path_, key), {}};
  }

  void boolean(std::string_view key, bool& out) {
    auto* e = scalar(key, "a boolean (true/false/1/0/yes/no/on/off)");
    if (!e)
      return;
    auto v = parse_bool(e->value.Scalar());
    if (!v)
      fail(*e, "expected a boolean (true/false/1/0/yes/no/on/off), got "
                 + describe(e->value));
    out = *v;
  }

  template <class Int>
  void integer(std::string_view key, Int& out, std::int64_t min,
               std::int64_t max) {
    auto* e = scalar(key, "an integer");
    if (!e)
      return;
    auto v = detail::parse_int(e->value.Scalar());
    if (!v)
      fail(*e, "expected an integer, got " + describe(e->value));
    if (auto bad = detail::check_range(*v, min, max, e->value.Scalar()))
      fail(*e, *bad);
    out = static_cast<Int>(*v);
  }

  void duration(std::string_view key, seconds& out, std::int64_t min) {
    auto* e = scalar(key, "a duration");
    if (!e)
      return;
    out = seconds{to_duration(*e, e->value, min)};
  }

  void millis(std::string_view key, milliseconds& out, std::int64_t min) {
    auto* e = scalar(key, "an integer (milliseconds)");
    if (!e)
      return;
    auto v = detail::parse_int(e->value.Scalar());
    if (!v)
      fail(*e, "expected an integer (milliseconds), got "
                 + describe(e->value));
    if (auto bad = detail::check_range(*v, min, int64_max, e->value.Scalar()))
      fail(*e, *bad);
    out = milliseconds{*v};
  }

  void ratio(std::string_view key, double& out) {
    auto* e = scalar(key, "a number");
    if (!e)
      return;
    const auto& text = e->value.Scalar();
    double v = 0;
    try {
      std::size_t used = 0;
      v = std::stod(text, &used);
      if (used != text.size())
        throw std::invalid_argument{"trailing"};
    } catch (const std::exception&) {
      fail(*e, "expected a number, got " + describe(e->value));
    }
    if (!(v >= 0.0 && v <= 1.0))
      fail(*e, "must be between 0 and 1 (got " + text + ")");
    out = v;
  }

  void string(std::string_view key, std::string& out) {
    auto* e = scalar(key, "a string");
    if (!e)
      return;
    if (detail::trim(e->value.Scalar()).empty())
      fail(*e, "must not be empty");
    out = e->value.Scalar();
  }

  /// `key: ~` clears an optional value.
  void optional_string(std::string_view key, std::optional<std::string>& out) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e)
      return;
    if (e->value.IsNull()) {
      out.reset();
      return;
    }
    if (!e->value.IsScalar())
      fail(*e, "expected a string, got " + describe(e->value));
    if (detail::trim(e->value.Scalar()).empty())
      fail(*e, "must not be empty (use ~ to leave it unset)");
    out = e->value.Scalar();
  }

  void optional_secret(std::string_view key, std::optional<secret>& out) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e)
      return;
    if (e->value.IsNull()) {
      out.reset();
      return;
    }
    out = resolve(*e, join(path_, key));
  }

  /// A list of durations, non-empty, each >= min.
  void durations(std::string_view key, std::vector<seconds>& out,
                 std::int64_t min) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e)
      return;
    if (!e->value.IsSequence() || e->value.size() == 0)
      fail(*e, "expected a non-empty list of durations, got "
                 + describe(e->value));
    std::vector<seconds> v;
    for (std::size_t i = 0; i < e->value.size(); ++i) {
      const YAML::Node item = e->value[i];
      auto item_path = join(path_, key) + '[' + std::to_string(i) + ']';
      if (!item.IsScalar())
        ctx_.fail(item.Mark(), item_path,
                  "expected a duration, got " + describe(item));
      v.emplace_back(to_duration_at(item.Mark(), item_path, item, min));
    }
    out = std::move(v);
  }

  /// Every entry of a free-form mapping whose values are secret references
  /// (e.g. credentials). Names must be lower_snake.
  void secret_map(std::map<std::string, secret>& out) {
    for (auto& e : entries_) {
      e.used = true;
      bool ok = !e.key.empty();
      for (char c : e.key)
        ok = ok
             && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
      if (!ok)
        fail(e, "credential names use a-z, 0-9 and _ only");
      out.insert_or_assign(e.key, resolve(e, join(path_, e.key)));
    }
  }

  /// Reports the first key nobody asked for.
  void finish() {
    for (const auto& e : entries_) {
      if (e.used)
        continue;
      std::string msg = "unknown key";
      if (auto hint = detail::closest_key(e.key, known_))
        msg += " (did you mean " + *hint + "?)";
      ctx_.fail(e.mark, join(path_, e.key), msg);
    }
    entries_.clear();
  }

private:
  struct entry {
    std::string key;
    YAML::Mark mark;
    YAML::Node value;
    bool used;
  };

  entry* find(std::string_view key) {
    for (auto& e : entries_)
      if (e.key == key) {
        e.used = true;
        return &e;
      }
    return nullptr;
  }

  /// The entry for `key` if present; fails when it is not a scalar.
  entry* scalar(std::string_view key, std::string_view expected) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e)
      return nullptr;
    if (!e->value.IsScalar())
      fail(*e, "expected " + std::string{expected} + ", got "
                 + describe(e->value));
    return e;
  }

  [[noreturn]] void fail(const entry& e, std::string message) const {
    // Null values have no useful mark of their own: point at the key.
    auto mark = e.value.IsDefined() && !e.value.IsNull()
                    && e.value.Mark().line >= 0
                  ? e.value.Mark()
                  : e.mark;
    ctx_.fail(mark, join(path_, e.key), std::move(message));
  }

  std::int64_t to_duration(const entry& e, const YAML::Node& n,
                           std::int64_t min) const {
    auto v = detail::parse_duration(n.Scalar());
    if (!v)
      fail(e, "expected a duration (seconds, or a string like \"300s\", "
              "\"5m\", \"2h\", \"1d\"), got "
                + describe(n));
    if (auto bad = detail::check_range(*v, min, int64_max, n.Scalar()))
      fail(e, *bad);
    return *v;
  }

  std::int64_t to_duration_at(const YAML::Mark& mark, const std::string& path,
                              const YAML::Node& n, std::int64_t min) const {
    auto v = detail::parse_duration(n.Scalar());
    if (!v)
      ctx_.fail(mark, path,
                "expected a duration (seconds, or a string like \"300s\", "
                "\"5m\", \"2h\", \"1d\"), got "
                  + describe(n));
    if (auto bad = detail::check_range(*v, min, int64_max, n.Scalar()))
      ctx_.fail(mark, path, *bad);
    return *v;
  }

  secret resolve(const entry& e, const std::string&) const {
    if (!e.value.IsScalar())
      fail(e, "expected a secret reference (\"env:NAME\" or \"file:/path\"), "
              "got "
                + std::string{e.value.IsSequence() ? "a list" : "a mapping"});
    auto r = detail::resolve_secret(e.value.Scalar(), ctx_.env);
    if (auto* msg = std::get_if<std::string>(&r))
      fail(e, *msg);
    return std::get<secret>(std::move(r));
  }

  const context& ctx_;
  std::string path_;
  std::vector<entry> entries_;
  std::vector<std::string> known_;
};

void read_listen(section s, listen_config& out) {
  s.string("address", out.address);
  s.integer("port", out.port, 0, 65535);
}

void read_node(section s, node_config& out) {
  s.string("name", out.name);
  read_listen(s.child("http"), out.http);
  read_listen(s.child("caf"), out.caf);
  s.optional_secret("admin_token", out.admin_token);
  s.string("data_dir", out.data_dir);
}

void read_database(section s, database_config& out) {
  s.optional_string("url", out.url);
  s.optional_secret("password", out.password);
  s.integer("pool_size", out.pool_size, 1, 256);
  s.duration("connect_timeout", out.connect_timeout, 1);
}

void read_platform(const context& ctx, section s, platform_config& out,
                   const YAML::Node& raw) {
  s.boolean("enabled", out.enabled);
  s.duration("flush_interval", out.flush_interval, 1);
  s.integer("max_requests_per_flush", out.max_requests_per_flush, 1, 100000);
  s.integer("max_batch_size", out.max_batch_size, 1, 100000);
  s.string("base_url", out.base_url);
  if (auto url = sub(raw, "base_url"); url.IsScalar())
    if (auto bad = detail::check_base_url(out.base_url))
      ctx.fail(url.Mark(), s.path() + ".base_url", *bad);
  {
    auto r = s.child("rate_limit");
    r.integer("requests", out.rate_limit.requests, 1, int64_max);
    r.duration("per_seconds", out.rate_limit.per, 1);
  }
  s.child("credentials").secret_map(out.credentials);
}

void read_platforms(const context& ctx, section s, const YAML::Node& raw,
                    platforms_config& out) {
  for (auto name : platform_names) {
    read_platform(ctx, s.child(name), *out.find(name),
                  sub(raw, std::string{name}));
  }
}

void read_queue(section s, queue_config& out) {
  s.integer("default_priority", out.default_priority, 1, 10);
  s.integer("max_attempts", out.max_attempts, 1, 100);
  s.durations("retry_delays", out.retry_delays, 1);
  s.duration("lease", out.lease, 1);
}

void read_dedup(section s, deduplication_config& out) {
  s.boolean("enabled", out.enabled);
  s.duration("window", out.window, 0);
}

void read_webhooks(section s, webhooks_config& out) {
  s.boolean("store_raw", out.store_raw);
  s.integer("retention_days", out.retention_days, 0, 36500);
  s.integer("max_attempts", out.max_attempts, 1, 100);
  s.durations("retry_delays", out.retry_delays, 1);
  s.duration("process_interval", out.process_interval, 1);
  for (auto name : webhook_source_names) {
    auto src = s.child(name);
    auto& dst = *out.find(name);
    src.optional_secret("secret", dst.secret);
    if (name == "meta" || name == "whatsapp")
      src.optional_secret("verify_token", dst.verify_token);
  }
}

void read_alerts(section s, alerts_config& out) {
  s.integer("queue_size", out.queue_size, 1, int64_max);
  s.ratio("failure_rate", out.failure_rate);
  s.millis("processing_time_ms", out.processing_time, 1);
}

void read_logging(const context& ctx, section s, const YAML::Node& raw,
                  logging_config& out) {
  std::string level;
  s.string("level", level);
  if (!level.empty() && !adbatch::parse_log_level(level, out.level))
    ctx.fail(sub(raw, "level").Mark(), "logging.level",
             "expected one of trace, debug, info, warn, error, critical, "
             "off, got "
               + quote(level));
  std::string format;
  s.string("format", format);
  if (format == "text")
    out.format = log_format::text;
  else if (format == "json")
    out.format = log_format::json;
  else if (!format.empty())
    ctx.fail(sub(raw, "format").Mark(), "logging.format",
             "expected text or json, got " + quote(format));
  s.boolean("log_requests", out.log_requests);
}


void read_root(const context& ctx, const YAML::Node& root, config& cfg) {
  section s{ctx, root, "", root.Mark()};
  read_node(s.child("node"), cfg.node);
  read_database(s.child("database"), cfg.database);
  read_platforms(ctx, s.child("platforms"), sub(root, "platforms"),
                 cfg.platforms);
  read_queue(s.child("queue"), cfg.queue);
  read_dedup(s.child("deduplication"), cfg.deduplication);
  read_webhooks(s.child("webhooks"), cfg.webhooks);
  read_alerts(s.child("alerts"), cfg.alerts);
  read_logging(ctx, s.child("logging"), sub(root, "logging"), cfg.logging);
}

/// Parses, reads, overrides and validates; any failure becomes the error.
result<config> load_node(const std::string& file, const environment& env,
                         const std::function<YAML::Node()>& parse) {
  try {
    YAML::Node root;
    try {
      root = parse();
    } catch (const YAML::ParserException& e) {
      return config_error{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                          "YAML syntax error: " + e.msg};
    } catch (const YAML::BadFile&) {
      return config_error{file, 0, "", "cannot open the file"};
    } catch (const YAML::Exception& e) {
      return config_error{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                          e.msg};
    }
    auto cfg = detail::embedded_defaults();
    const context ctx{file, env};
    read_root(ctx, root, cfg);
    detail::apply_environment(cfg, env);
    detail::validate_whole(cfg, file);
    return cfg;
  } catch (const load_failure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return config_error{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                        e.msg};
  }
}

} // namespace

result<config> defaults(const environment& env) {
  try {
    auto cfg = detail::embedded_defaults();
    detail::apply_environment(cfg, env);
    detail::validate_whole(cfg, "");
    return cfg;
  } catch (const load_failure& f) {
    return f.error;
  }
}

result<config> load(const std::string& path, const environment& env) {
  return load_node(path, env, [&] { return YAML::LoadFile(path); });
}

result<config> load_string(std::string_view yaml, const std::string& file,
                           const environment& env) {
  return load_node(file, env, [&] { return YAML::Load(std::string{yaml}); });
}

} // namespace adbatch::config
