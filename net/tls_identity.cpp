#include "net/tls_identity.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace adbatch::net {

namespace {

struct pkey_free { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct x509_free { void operator()(X509* p) const { X509_free(p); } };
struct bio_free { void operator()(BIO* p) const { BIO_free(p); } };
struct ext_free {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("self-signed certificate: ") + what);
}

void add_ext(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ext_free> ext{
    X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())};
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("extension");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

} // namespace

tls_identity make_self_signed(const std::vector<std::string>& dns_names,
                              const std::vector<std::string>& ip_addresses,
                              int days) {
  std::unique_ptr<EVP_PKEY, pkey_free> key{EVP_EC_gen("P-256")};
  if (!key) fail("key generation");
  std::unique_ptr<X509, x509_free> cert{X509_new()};
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);  // v3

  unsigned char serial[8];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7f;  // positive
  std::uint64_t sn = 0;
  for (unsigned char b : serial) sn = (sn << 8) | b;
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), sn);

  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days);
  if (X509_set_pubkey(cert.get(), key.get()) != 1) fail("set_pubkey");

  std::string cn = !ip_addresses.empty() ? ip_addresses.front()
                   : !dns_names.empty()  ? dns_names.front()
                                         : "adbatch";
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("adbatch"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);

  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + ("DNS:" + d);
  for (const auto& ip : ip_addresses) san += (san.empty() ? "" : ",") + ("IP:" + ip);
  // CA:TRUE lets clients put this one certificate in their trust store.
  add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert.get(), NID_key_usage,
          "critical,digitalSignature,keyEncipherment,keyCertSign");
  add_ext(cert.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), NID_subject_key_identifier, "hash");
  if (!san.empty()) add_ext(cert.get(), NID_subject_alt_name, san);

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("sign");

  std::unique_ptr<BIO, bio_free> cert_bio{BIO_new(BIO_s_mem())};
  std::unique_ptr<BIO, bio_free> key_bio{BIO_new(BIO_s_mem())};
  if (!cert_bio || !key_bio) fail("BIO_new");
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) fail("PEM cert");
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1)
    fail("PEM key");
  return tls_identity{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

void write_pem_file(const std::string& path, const std::string& pem) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << pem;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

} // namespace adbatch::net
