#pragma once

// A TLS certificate + private key generated in memory at start, so local
// servers (adbatch-sim, tests) can serve HTTPS without files on disk.

#include <string>
#include <vector>

namespace adbatch::net {

/// A certificate and its private key, both PEM.
struct tls_identity {
  std::string cert_pem;
  std::string key_pem;
};

/// Generates a self-signed certificate (EC P-256, SHA-256) valid for `days`
/// from one hour ago, with CN = the first name and subjectAltName entries
/// for every DNS name and IP address given. Clients trust it by adding
/// cert_pem to their CA store. Throws std::runtime_error if OpenSSL fails.
tls_identity make_self_signed(
  const std::vector<std::string>& dns_names = {"localhost"},
  const std::vector<std::string>& ip_addresses = {"127.0.0.1"},
  int days = 30);

/// Writes text to path (mode 0644), replacing it. Throws on failure.
void write_pem_file(const std::string& path, const std::string& pem);

} // namespace adbatch::net
