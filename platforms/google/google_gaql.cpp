#include "platforms/google/google_gaql.hpp"

namespace adbatch::platforms::google {

std::string gaql_quote(std::string_view raw) {
  std::string out = "'";
  for (char c : raw) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string gaql_render_literal(const gaql_literal& v) {
  switch (v.type) {
  case field_type::int64:
  case field_type::dbl:
  case field_type::boolean:
    return v.text;
  case field_type::string:
  case field_type::string_list:
    return gaql_quote(v.text);
  }
  return gaql_quote(v.text);
}

std::string gaql_render_condition(const gaql_condition& c) {
  std::string out = c.field + " " + c.op + " ";
  if (c.op == "IN") {
    out += "(";
    for (std::size_t i = 0; i < c.values.size(); ++i) {
      if (i) out += ", ";
      out += gaql_render_literal(c.values[i]);
    }
    out += ")";
  } else if (!c.values.empty()) {
    out += gaql_render_literal(c.values.front());
  }
  return out;
}

std::string gaql_render(const gaql_select& q) {
  std::string out = "SELECT ";
  for (std::size_t i = 0; i < q.select.size(); ++i) {
    if (i) out += ", ";
    out += q.select[i];
  }
  out += " FROM " + q.from;
  std::vector<std::string> conds;
  for (const auto& c : q.where)
    conds.push_back(gaql_render_condition(c));
  if (q.date.k == gaql_date::kind::during)
    conds.push_back("segments.date DURING " + q.date.preset);
  else if (q.date.k == gaql_date::kind::between)
    conds.push_back("segments.date BETWEEN " +
                    gaql_quote(iso_date(q.date.range.first)) + " AND " +
                    gaql_quote(iso_date(q.date.range.last)));
  for (std::size_t i = 0; i < conds.size(); ++i)
    out += (i ? " AND " : " WHERE ") + conds[i];
  for (std::size_t i = 0; i < q.order_by.size(); ++i) {
    out += (i ? ", " : " ORDER BY ") + q.order_by[i].field;
    if (q.order_by[i].descending) out += " DESC";
  }
  if (q.limit) out += " LIMIT " + std::to_string(*q.limit);
  return out;
}

} // namespace adbatch::platforms::google
