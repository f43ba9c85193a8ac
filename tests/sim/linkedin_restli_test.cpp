// Rest.li 2.0 value parser and encoder (pure).

#include <catch2/catch.hpp>

#include "sim/linkedin/restli.hpp"

using namespace adbatch::sim;

TEST_CASE("restli parses lists of plain and URN keys", "[linkedin][restli]") {
  auto v = restli::parse("List(123,456)");
  REQUIRE(v);
  REQUIRE(v->is_list());
  REQUIRE(v->items().size() == 2);
  CHECK(v->items()[0].str() == "123");
  CHECK(v->items()[1].str() == "456");

  auto urns = restli::parse(
    "List(urn%3Ali%3AsponsoredAccount%3A1,urn%3Ali%3AsponsoredAccount%3A2)");
  REQUIRE(urns);
  REQUIRE(urns->items().size() == 2);
  CHECK(urns->items()[0].str() == "urn:li:sponsoredAccount:1");
  CHECK(urns->items()[1].str() == "urn:li:sponsoredAccount:2");
}

TEST_CASE("restli accepts raw URNs and fully re-encoded lists",
          "[linkedin][restli]") {
  auto raw = restli::parse("List(urn:li:sponsoredAccount:1,urn:li:x:(a,b))");
  REQUIRE(raw);
  REQUIRE(raw->items().size() == 2);
  CHECK(raw->items()[0].str() == "urn:li:sponsoredAccount:1");
  CHECK(raw->items()[1].str() == "urn:li:x:(a,b)");

  // The delimiters themselves percent-encoded: one extra layer.
  auto twice = restli::parse(
    "List%28urn%253Ali%253AsponsoredAccount%253A7%2C8%29");
  REQUIRE(twice);
  REQUIRE(twice->items().size() == 2);
  CHECK(twice->items()[0].str() == "urn:li:sponsoredAccount:7");
  CHECK(twice->items()[1].str() == "8");

  // A generic client that form-encoded the raw text once: delimiters and
  // URN colons encoded alike.
  auto once = restli::parse(
    "List%28urn%3Ali%3AsponsoredAccount%3A7%2Curn%3Ali%3AsponsoredAccount%3A8%29");
  REQUIRE(once);
  REQUIRE(once->items().size() == 2);
  CHECK(once->items()[1].str() == "urn:li:sponsoredAccount:8");
  auto range = restli::parse(
    "%28start%3A%28year%3A2024%2Cmonth%3A1%2Cday%3A2%29%29");
  REQUIRE(range);
  CHECK(range->find("start")->find("day")->str() == "2");
}

TEST_CASE("restli parses nested records", "[linkedin][restli]") {
  auto v = restli::parse(
    "(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:31))");
  REQUIRE(v);
  REQUIRE(v->is_record());
  auto* start = v->find("start");
  REQUIRE(start);
  REQUIRE(start->find("year"));
  CHECK(start->find("year")->str() == "2024");
  CHECK(v->find("end")->find("day")->str() == "31");
  CHECK(v->find("missing") == nullptr);

  auto search = restli::parse("(status:(values:List(ACTIVE,PAUSED)),test:false)");
  REQUIRE(search);
  auto* values = search->find("status")->find("values");
  REQUIRE(values);
  REQUIRE(values->is_list());
  CHECK(values->items()[1].str() == "PAUSED");
  CHECK(search->find("test")->str() == "false");

  auto owner = restli::parse(
    "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A123)");
  REQUIRE(owner);
  CHECK(owner->find("sponsoredAccount")->str()
        == "urn:li:sponsoredAccount:123");
}

TEST_CASE("restli leaves decode percent escapes and empty strings",
          "[linkedin][restli]") {
  CHECK(restli::parse("a%20b%2Cc")->str() == "a b,c");
  CHECK(restli::parse("''")->str().empty());
  CHECK(restli::parse("List()")->items().empty());
  CHECK(restli::parse("()")->fields().empty());
}

TEST_CASE("restli rejects malformed values", "[linkedin][restli]") {
  std::string err;
  CHECK_FALSE(restli::parse("List(1,2", &err));
  CHECK_FALSE(err.empty());
  CHECK_FALSE(restli::parse("(a:1", &err));
  CHECK_FALSE(restli::parse("(a)", &err));
  CHECK_FALSE(restli::parse("List(1)x", &err));
  CHECK_FALSE(restli::parse("bad%zz", &err));
}

TEST_CASE("restli encodes like the official clients", "[linkedin][restli]") {
  CHECK(restli::encode_string("urn:li:sponsoredAccount:1")
        == "urn%3Ali%3AsponsoredAccount%3A1");
  CHECK(restli::encode_string("") == "''");
  restli::value v{restli::list{
    restli::value{std::string{"urn:li:a:1"}},
    restli::value{restli::record{{"k", restli::value{std::string{"v w"}}}}}}};
  CHECK(restli::encode(v) == "List(urn%3Ali%3Aa%3A1,(k:v%20w))");
  // Round trip.
  auto back = restli::parse(restli::encode(v));
  REQUIRE(back);
  CHECK(back->items()[1].find("k")->str() == "v w");
}

TEST_CASE("restli splits a query keeping values encoded",
          "[linkedin][restli]") {
  auto q = restli::split_query(
    "q=search&search=(status:(values:List(ACTIVE)))&ids=List(urn%3Ali%3Ax%3A1)");
  REQUIRE(q);
  REQUIRE(q->size() == 3);
  CHECK((*q)[0].name == "q");
  CHECK((*q)[0].raw_value == "search");
  CHECK((*q)[2].raw_value == "List(urn%3Ali%3Ax%3A1)");
  CHECK(restli::split_query("")->empty());
}
