#pragma once

// Internal: a checked reader over yaml-cpp nodes, shared by every loader in
// config/ (the node config and the simulator config), so that all of them
// report problems the same way: "file:line: key.path: message".
//
// A `section` is one mapping. Ask it for each known key with a typed getter
// (`integer`, `duration`, `boolean`, `optional_secret`, `child`, ...); when
// the section goes out of scope it reports the first key nobody asked for
// as unknown, with the closest known key as a hint. Problems throw
// `detail::load_failure`; wrap a loader in `detail::run_loader` to turn that
// into a `result<T>`.

#include "config/detail.hpp"

#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace adbatch::config::detail {

inline constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();

inline std::string join(const std::string& path, std::string_view key) {
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
inline YAML::Node sub(const YAML::Node& n, const std::string& key) {
  if (!n.IsDefined() || !n.IsMap()) return YAML::Node{};
  YAML::Node v = n[key];
  return v.IsDefined() ? v : YAML::Node{};
}

inline std::string describe(const YAML::Node& n) {
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
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap())
      ctx_.fail(node.Mark().line >= 0 ? node.Mark() : where, path_,
                "expected a mapping, got " + describe(node));
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      // A copy: `it->first` lives in a temporary proxy, a reference would
      // dangle.
      const YAML::Node k = it->first;
      if (!k.IsScalar()) ctx_.fail(k.Mark(), path_, "keys must be plain names");
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
    if (std::uncaught_exceptions() == 0) finish();
  }

  const std::string& path() const { return path_; }

  /// A nested mapping.
  section child(std::string_view key) {
    known_.emplace_back(key);
    if (auto* e = find(key))
      return section{ctx_, e->value, join(path_, key), e->mark};
    return section{ctx_, YAML::Node{}, join(path_, key), {}};
  }

  void boolean(std::string_view key, bool& out) {
    auto* e = scalar(key, "a boolean (true/false/1/0/yes/no/on/off)");
    if (!e) return;
    auto v = parse_bool(e->value.Scalar());
    if (!v)
      fail(*e, "expected a boolean (true/false/1/0/yes/no/on/off), got " +
                   describe(e->value));
    out = *v;
  }

  template <class Int>
  void integer(std::string_view key, Int& out, std::int64_t min,
               std::int64_t max) {
    auto* e = scalar(key, "an integer");
    if (!e) return;
    auto v = parse_int(e->value.Scalar());
    if (!v) fail(*e, "expected an integer, got " + describe(e->value));
    if (auto bad = check_range(*v, min, max, e->value.Scalar())) fail(*e, *bad);
    out = static_cast<Int>(*v);
  }

  void duration(std::string_view key, seconds& out, std::int64_t min) {
    auto* e = scalar(key, "a duration");
    if (!e) return;
    out = seconds{to_duration(*e, e->value, min)};
  }

  void millis(std::string_view key, milliseconds& out, std::int64_t min) {
    auto* e = scalar(key, "an integer (milliseconds)");
    if (!e) return;
    auto v = parse_int(e->value.Scalar());
    if (!v)
      fail(*e, "expected an integer (milliseconds), got " + describe(e->value));
    if (auto bad = check_range(*v, min, int64_max, e->value.Scalar()))
      fail(*e, *bad);
    out = milliseconds{*v};
  }

  /// A number in [min, max]; NaN and infinities are rejected.
  void real(std::string_view key, double& out, double min, double max) {
    auto* e = scalar(key, "a number");
    if (!e) return;
    const auto& text = e->value.Scalar();
    double v = 0;
    try {
      std::size_t used = 0;
      v = std::stod(text, &used);
      if (used != text.size()) throw std::invalid_argument{"trailing"};
    } catch (const std::exception&) {
      fail(*e, "expected a number, got " + describe(e->value));
    }
    if (!(v >= min && v <= max)) {
      std::ostringstream bounds;
      bounds << "must be between " << min << " and " << max << " (got " << text
             << ")";
      fail(*e, bounds.str());
    }
    out = v;
  }

  /// A number in [0, 1].
  void ratio(std::string_view key, double& out) { real(key, out, 0.0, 1.0); }

  /// A list of non-empty strings (may be empty).
  void strings(std::string_view key, std::vector<std::string>& out) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e) return;
    if (!e->value.IsSequence())
      fail(*e, "expected a list of strings, got " + describe(e->value));
    std::vector<std::string> v;
    for (std::size_t i = 0; i < e->value.size(); ++i) {
      const YAML::Node item = e->value[i];
      if (!item.IsScalar() || trim(item.Scalar()).empty())
        ctx_.fail(item.Mark(), join(path_, key) + '[' + std::to_string(i) + ']',
                  "expected a non-empty string, got " + describe(item));
      v.push_back(item.Scalar());
    }
    out = std::move(v);
  }

  /// Marks `key` as known without reading it (for keys read elsewhere).
  void known(std::string_view key) {
    known_.emplace_back(key);
    find(key);
  }

  void string(std::string_view key, std::string& out) {
    auto* e = scalar(key, "a string");
    if (!e) return;
    if (trim(e->value.Scalar()).empty()) fail(*e, "must not be empty");
    out = e->value.Scalar();
  }

  /// `key: ~` clears an optional value.
  void optional_string(std::string_view key, std::optional<std::string>& out) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e) return;
    if (e->value.IsNull()) {
      out.reset();
      return;
    }
    if (!e->value.IsScalar())
      fail(*e, "expected a string, got " + describe(e->value));
    if (trim(e->value.Scalar()).empty())
      fail(*e, "must not be empty (use ~ to leave it unset)");
    out = e->value.Scalar();
  }

  void optional_secret(std::string_view key, std::optional<secret>& out) {
    known_.emplace_back(key);
    auto* e = find(key);
    if (!e) return;
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
    if (!e) return;
    if (!e->value.IsSequence() || e->value.size() == 0)
      fail(*e,
           "expected a non-empty list of durations, got " + describe(e->value));
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
        ok = ok &&
             ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
      if (!ok) fail(e, "credential names use a-z, 0-9 and _ only");
      out.insert_or_assign(e.key, resolve(e, join(path_, e.key)));
    }
  }

  /// Every entry of a free-form mapping whose values are http(s) URLs
  /// (e.g. a platform's extra API hosts). Names must be lower_snake.
  void url_map(std::map<std::string, std::string>& out) {
    for (auto& e : entries_) {
      e.used = true;
      bool ok = !e.key.empty();
      for (char c : e.key)
        ok = ok &&
             ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
      if (!ok) fail(e, "endpoint names use a-z, 0-9 and _ only");
      if (!e.value.IsScalar())
        fail(e, "expected a URL, got " + describe(e.value));
      if (auto bad = check_base_url(e.value.Scalar())) fail(e, *bad);
      out.insert_or_assign(e.key, e.value.Scalar());
    }
  }

  /// Reports the first key nobody asked for.
  void finish() {
    for (const auto& e : entries_) {
      if (e.used) continue;
      std::string msg = "unknown key";
      if (auto hint = closest_key(e.key, known_))
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
    if (!e) return nullptr;
    if (!e->value.IsScalar())
      fail(*e,
           "expected " + std::string{expected} + ", got " + describe(e->value));
    return e;
  }

  [[noreturn]] void fail(const entry& e, std::string message) const {
    // Null values have no useful mark of their own: point at the key.
    auto mark =
        e.value.IsDefined() && !e.value.IsNull() && e.value.Mark().line >= 0
            ? e.value.Mark()
            : e.mark;
    ctx_.fail(mark, join(path_, e.key), std::move(message));
  }

  std::int64_t to_duration(const entry& e, const YAML::Node& n,
                           std::int64_t min) const {
    auto v = parse_duration(n.Scalar());
    if (!v)
      fail(e, "expected a duration (seconds, or a string like \"300s\", "
              "\"5m\", \"2h\", \"1d\"), got " +
                  describe(n));
    if (auto bad = check_range(*v, min, int64_max, n.Scalar())) fail(e, *bad);
    return *v;
  }

  std::int64_t to_duration_at(const YAML::Mark& mark, const std::string& path,
                              const YAML::Node& n, std::int64_t min) const {
    auto v = parse_duration(n.Scalar());
    if (!v)
      ctx_.fail(mark, path,
                "expected a duration (seconds, or a string like \"300s\", "
                "\"5m\", \"2h\", \"1d\"), got " +
                    describe(n));
    if (auto bad = check_range(*v, min, int64_max, n.Scalar()))
      ctx_.fail(mark, path, *bad);
    return *v;
  }

  secret resolve(const entry& e, const std::string&) const {
    if (!e.value.IsScalar())
      fail(e, "expected a secret reference (\"env:NAME\" or \"file:/path\"), "
              "got " +
                  std::string{e.value.IsSequence() ? "a list" : "a mapping"});
    auto r = resolve_secret(e.value.Scalar(), ctx_.env);
    if (auto* msg = std::get_if<std::string>(&r)) fail(e, *msg);
    return std::get<secret>(std::move(r));
  }

  const context& ctx_;
  std::string path_;
  std::vector<entry> entries_;
  std::vector<std::string> known_;
};

/// Parses YAML (via `parse`), then runs `read` on the root node; YAML
/// syntax errors and load_failures become the result's error.
template <class T>
result<T> run_loader(const std::string& file,
                     const std::function<YAML::Node()>& parse,
                     const std::function<T(const YAML::Node&)>& read) {
  try {
    YAML::Node root;
    try {
      root = parse();
    } catch (const YAML::ParserException& e) {
      return config_error{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                          "YAML syntax error: " + e.msg};
    } catch (const YAML::BadFile&) {
      return config_error{file, 0, "", "cannot open the file"};
    }
    return read(root);
  } catch (const load_failure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return config_error{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                        e.msg};
  }
}

} // namespace adbatch::config::detail
