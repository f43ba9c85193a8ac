#include "persistence/request_key.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <memory>
#include <openssl/evp.h>
#include <stdexcept>
#include <vector>

namespace adbatch::persistence {

namespace {

void append_canonical(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
  case boost::json::kind::object: {
    const auto& obj = v.get_object();
    std::vector<const boost::json::key_value_pair*> items;
    items.reserve(obj.size());
    for (const auto& kv : obj)
      items.push_back(&kv);
    std::sort(items.begin(), items.end(),
              [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    bool first = true;
    for (auto* kv : items) {
      if (!first) out += ',';
      first = false;
      out += boost::json::serialize(boost::json::string{kv->key()});
      out += ':';
      append_canonical(kv->value(), out);
    }
    out += '}';
    break;
  }
  case boost::json::kind::array: {
    out += '[';
    bool first = true;
    for (const auto& x : v.get_array()) {
      if (!first) out += ',';
      first = false;
      append_canonical(x, out);
    }
    out += ']';
    break;
  }
  default:
    out += boost::json::serialize(v);
  }
}

void append_field(std::string& out, std::string_view field) {
  // Length prefix: ("ab","c") and ("a","bc") must not collide.
  out += std::to_string(field.size());
  out += ':';
  out.append(field.data(), field.size());
  out += '\n';
}

} // namespace

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  append_canonical(v, out);
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                              &EVP_MD_CTX_free};
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0f];
  }
  return out;
}

std::string request_key(std::string_view platform, std::string_view org_id,
                        std::string_view connection_id,
                        std::string_view request_type,
                        const boost::json::value& params) {
  return request_key_of_canonical(platform, org_id, connection_id,
                                  request_type, canonical_json(params));
}

std::string request_key_of_canonical(std::string_view platform,
                                     std::string_view org_id,
                                     std::string_view connection_id,
                                     std::string_view request_type,
                                     std::string_view canonical_params) {
  std::string buf;
  buf.reserve(platform.size() + org_id.size() + connection_id.size()
              + request_type.size() + canonical_params.size() + 40);
  append_field(buf, platform);
  append_field(buf, org_id);
  append_field(buf, connection_id);
  append_field(buf, request_type);
  append_field(buf, canonical_params);
  return sha256_hex(buf);
}

} // namespace adbatch::persistence
