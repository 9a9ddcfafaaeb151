#include "gateway/routes.h"

#include <fmt/format.h>

#include <algorithm>

namespace eddy::gateway {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The number of literal segments: more literals win over parameters, as API Gateway prefers
// the most specific resource.
int specificity(std::string_view resource) {
  int literals = 0;
  for (auto segment : segments(resource))
    literals += is_parameter(segment) ? 0 : 1;
  return literals;
}

}  // namespace

Result<RouteTable> RouteTable::build(std::vector<RouteSpec> routes, std::string stage) {
  for (size_t i = 0; i < routes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (routes[i].method == routes[j].method && routes[i].resource == routes[j].resource) {
        return Status::validation(
            fmt::format("route '{} {}' is declared twice", routes[i].method, routes[i].resource));
      }
    }
  }
  // Most literal segments first; among equals, an exact method before ANY (API Gateway
  // prefers the explicit method).
  std::stable_sort(routes.begin(), routes.end(), [](const RouteSpec& a, const RouteSpec& b) {
    const int sa = specificity(a.resource), sb = specificity(b.resource);
    if (sa != sb) return sa > sb;
    return a.method != "ANY" && b.method == "ANY";
  });
  RouteTable table;
  table.routes_ = std::move(routes);
  table.stage_ = std::move(stage);
  return table;
}

std::optional<RouteMatch> RouteTable::match_path(std::string_view method,
                                                 std::string_view path) const {
  const auto parts = segments(path);
  for (const auto& route : routes_) {
    if (route.method != method && route.method != "ANY") continue;
    const auto pattern = segments(route.resource);
    RouteMatch match;
    bool ok = true;
    size_t i = 0;
    for (; i < pattern.size() && ok; ++i) {
      const auto p = pattern[i];
      if (is_parameter(p) && p[p.size() - 2] == '+') {
        // {name+}: the rest of the path, at least one segment.
        if (i >= parts.size()) {
          ok = false;
          break;
        }
        std::string rest;
        for (size_t k = i; k < parts.size(); ++k) {
          if (!rest.empty()) rest += '/';
          rest += parts[k];
        }
        match.path_parameters[std::string(p.substr(1, p.size() - 3))] = rest;
        i = parts.size();
        break;
      }
      if (i >= parts.size()) {
        ok = false;
      } else if (is_parameter(p)) {
        match.path_parameters[std::string(p.substr(1, p.size() - 2))] = std::string(parts[i]);
      } else if (p != parts[i]) {
        ok = false;
      }
    }
    if (!ok || i != parts.size()) continue;
    match.route = &route;
    match.path = std::string(path);
    return match;
  }
  return std::nullopt;
}

std::optional<RouteMatch> RouteTable::match(std::string_view method, std::string_view path) const {
  if (!stage_.empty() && path.size() > stage_.size() + 1 && path[0] == '/' &&
      path.substr(1, stage_.size()) == stage_ && path[stage_.size() + 1] == '/') {
    if (auto staged = match_path(method, path.substr(stage_.size() + 1))) {
      staged->through_stage = true;
      return staged;
    }
  }
  return match_path(method, path);
}

}  // namespace eddy::gateway
