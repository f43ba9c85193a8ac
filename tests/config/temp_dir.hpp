#pragma once

// Test helper: a scratch directory (under $ADBATCH_TEST_TMP when set) and
// files written into it.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace adbatch::config::test {

/// A fresh directory, removed at exit of the scope.
class temp_dir {
public:
  temp_dir() {
    const char* base = std::getenv("ADBATCH_TEST_TMP");
    std::string tmpl = std::string{base && *base ? base : "/tmp"}
                       + "/adbatch-config-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw std::runtime_error{"mkdtemp failed for " + tmpl};
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// Writes `text` to `name` inside the directory; returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::ofstream out{p, std::ios::binary};
    out << text;
    return p.string();
  }

  const std::filesystem::path& path() const {
    return path_;
  }

private:
  std::filesystem::path path_;
};

} // namespace adbatch::config::test
