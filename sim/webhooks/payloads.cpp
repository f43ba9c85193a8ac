#include "sim/webhooks/payloads.hpp"

#include <ctime>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "sim/linkedin/linkedin_data.hpp"
#include "sim/meta/meta_model.hpp"

namespace adbatch::sim::webhooks {

namespace json = boost::json;

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// 2025-11-20T00:00:00Z: events are "recent" but fixed for a seed.
constexpr std::int64_t base_unix = 1763596800;

std::string digits(std::uint64_t r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += static_cast<char>('0' + r % 10);
    r /= 10;
    if (r == 0) r = splitmix(static_cast<std::uint64_t>(i) + 17);
  }
  if (s[0] == '0') s[0] = '1';
  return s;
}

std::string twitter_time(std::int64_t unix) {
  std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S +0000 %Y", &tm);
  return buf;
}

// Page, form, WABA, user... ids: fixed per seed, so all events of a run
// belong to the same few objects.
std::string fixed_id(std::uint64_t seed, std::uint64_t salt, int n) {
  return digits(splitmix(seed ^ splitmix(salt)), n);
}

} // namespace

webhook_event make_event(source platform, std::uint64_t seed, std::uint64_t index) {
  webhook_event e;
  e.platform = platform;
  e.seed = seed;
  e.index = index;
  auto r = splitmix(seed ^ splitmix(index * 7919 + static_cast<std::uint64_t>(platform)));
  e.created_unix = base_unix + static_cast<std::int64_t>(index) * 37;
  switch (platform) {
    case source::meta:
      if (index % 4 == 3) {
        e.kind = "feed";
        e.external_id = fixed_id(seed, 1, 15) + "_" + digits(r, 16);  // comment_id
      } else {
        e.kind = "leadgen";
        // A lead the Meta simulator (same seed, default world) really
        // serves, so a receiver can fetch it after the notification.
        meta::model world{seed, {}};
        e.external_id = world.id_of(world.lead_at(index));  // leadgen_id
      }
      break;
    case source::whatsapp:
      e.kind = "messages";
      e.external_id = "wamid.HBgL" + to_base64(std::string(reinterpret_cast<const char*>(&r), sizeof r)
                                               + std::to_string(index));
      break;
    case source::tiktok:
      e.kind = "video.publish.completed";
      e.external_id = "v_pub_url~v2-1." + digits(r, 19);
      break;
    case source::twitter:
      e.kind = index % 3 == 2 ? "direct_message_events" : "tweet_create_events";
      e.external_id = digits(r, 19);
      break;
    case source::linkedin: {
      e.kind = "LEAD_GEN_FORM_RESPONSE";
      // The first events point at leads the LinkedIn simulator (same seed,
      // default catalog) really serves, so a receiver can fetch them.
      linkedin::catalog cat{seed, {}};
      auto accounts = static_cast<std::uint64_t>(cat.options().accounts);
      auto leads = static_cast<std::uint64_t>(cat.options().leads_per_account);
      std::string id;
      if (index < accounts * leads) {
        id = cat.lead_id(linkedin::account_base + static_cast<std::int64_t>(index % accounts),
                         static_cast<int>(index / accounts));
      } else {
        auto hex = to_hex(hmac_sha256(std::to_string(seed), std::to_string(index)));
        id = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) + "-b"
             + hex.substr(17, 3) + "-" + hex.substr(20, 12);
      }
      e.external_id = "urn:li:leadGenFormResponse:" + id;
      break;
    }
  }
  return e;
}

std::string render_body(const webhook_event& e, std::int64_t send_unix) {
  auto r = splitmix(e.seed ^ splitmix(e.index * 104729 + 5));
  json::object body;
  switch (e.platform) {
    case source::meta: {
      auto page_id = fixed_id(e.seed, 1, 15);
      json::object change;
      if (e.kind == "feed") {
        auto post_id = page_id + "_" + digits(r, 16);
        change = json::object{
          {"field", "feed"},
          {"value", json::object{{"item", "comment"},
                                 {"verb", "add"},
                                 {"comment_id", e.external_id},
                                 {"post_id", post_id},
                                 {"parent_id", post_id},
                                 {"from", json::object{{"id", digits(r >> 7, 16)}, {"name", "Sim Commenter"}}},
                                 {"message", "Great offer! #" + std::to_string(e.index)},
                                 {"created_time", e.created_unix}}}};
      } else {
        // Page, form and ad of the lead as the Meta simulator serves it
        // (Graph's leadgen webhook names the ad "adgroup_id" too).
        meta::model world{e.seed, {}};
        auto lead = world.lead_at(e.index);
        page_id = world.id_of({meta::kind::page, lead.a, 0, 0, 0});
        auto attrs = world.attributes(lead);
        auto ad_id = attrs["ad_id"];
        change = json::object{
          {"field", "leadgen"},
          {"value", json::object{{"leadgen_id", e.external_id},
                                 {"page_id", page_id},
                                 {"form_id", world.id_of({meta::kind::lead_form, lead.a,
                                                          lead.c, 0, 0})},
                                 {"adgroup_id", ad_id},
                                 {"ad_id", ad_id},
                                 {"created_time", e.created_unix}}}};
      }
      // entry.time is the send time: it changes on every re-delivery.
      body = json::object{
        {"object", "page"},
        {"entry", json::array{json::object{{"id", page_id},
                                           {"time", send_unix},
                                           {"changes", json::array{std::move(change)}}}}}};
      break;
    }
    case source::whatsapp: {
      auto phone = "1555" + digits(r, 7);
      body = json::object{
        {"object", "whatsapp_business_account"},
        {"entry",
         json::array{json::object{
           {"id", fixed_id(e.seed, 4, 15)},
           {"changes",
            json::array{json::object{
              {"field", "messages"},
              {"value",
               json::object{
                 {"messaging_product", "whatsapp"},
                 {"metadata", json::object{{"display_phone_number", "15550001234"},
                                           {"phone_number_id", fixed_id(e.seed, 5, 15)}}},
                 {"contacts", json::array{json::object{{"profile", json::object{{"name", "Sim Customer"}}},
                                                       {"wa_id", phone}}}},
                 {"messages", json::array{json::object{
                                {"from", phone},
                                {"id", e.external_id},
                                {"timestamp", std::to_string(e.created_unix)},
                                {"type", "text"},
                                {"text", json::object{{"body", "Hello, is this still available? #"
                                                                 + std::to_string(e.index)}}}}}}}}}}}}}}};
      break;
    }
    case source::tiktok: {
      // `content` is a JSON document inside a string, as TikTok sends it.
      auto content = json::serialize(json::object{{"publish_id", e.external_id},
                                                  {"publish_type", "DIRECT_PUBLISH"},
                                                  {"post_id", digits(r, 19)}});
      body = json::object{{"client_key", "sim" + fixed_id(e.seed, 6, 12)},
                          {"event", e.kind},
                          {"create_time", e.created_unix},
                          {"user_openid", "-000" + to_hex(std::string(reinterpret_cast<const char*>(&r), 6))},
                          {"content", content}};
      break;
    }
    case source::twitter: {
      auto user_id = fixed_id(e.seed, 7, 19);
      if (e.kind == "direct_message_events") {
        body = json::object{
          {"for_user_id", user_id},
          {"direct_message_events",
           json::array{json::object{
             {"type", "message_create"},
             {"id", e.external_id},
             {"created_timestamp", std::to_string(e.created_unix * 1000)},
             {"message_create",
              json::object{{"target", json::object{{"recipient_id", user_id}}},
                           {"sender_id", digits(r >> 3, 18)},
                           {"message_data", json::object{{"text", "Hi! Question about your ad #" + std::to_string(e.index)}}}}}}}}};
      } else {
        body = json::object{
          {"for_user_id", user_id},
          {"tweet_create_events",
           json::array{json::object{
             {"created_at", twitter_time(e.created_unix)},
             {"id", std::stoull(e.external_id)},
             {"id_str", e.external_id},
             {"text", "@sim_brand loving the new campaign #" + std::to_string(e.index)},
             {"user", json::object{{"id_str", digits(r >> 3, 18)}, {"screen_name", "sim_fan_" + std::to_string(e.index % 100)}}}}}}};
      }
      break;
    }
    case source::linkedin: {
      linkedin::catalog cat{e.seed, {}};
      auto accounts = static_cast<std::uint64_t>(cat.options().accounts);
      auto acct = linkedin::account_base + static_cast<std::int64_t>(e.index % accounts);
      auto n = static_cast<int>((e.index / accounts) % static_cast<std::uint64_t>(cat.options().leads_per_account));
      body = json::object{
        {"eventType", e.kind},
        {"notificationId", to_hex(hmac_sha256("notification", e.external_id)).substr(0, 24)},
        {"leadGenFormResponseUrn", e.external_id},
        {"leadGenFormUrn", linkedin::lead_form_urn(cat.lead_form_of(acct, n))},
        {"owner", json::object{{"sponsoredAccount", linkedin::account_urn(acct)}}},
        {"leadType", "SPONSORED"},
        {"leadAction", "CREATED"},
        {"submittedAt", e.created_unix * 1000},
        {"occurredAt", e.created_unix * 1000}};
      break;
    }
  }
  return json::serialize(body);
}

} // namespace adbatch::sim::webhooks
