// The REST routes of a stack's `api:` section, as an API Gateway REST API with one stage
// matches them: "METHOD /path/{param}/{rest+}" templates, answered at /<path> and at
// /<stage>/<path> (the seed's curl calls /prod/notes).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace eddy::gateway {

struct RouteSpec {
  std::string method;    // GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY
  std::string resource;  // "/notes/{id}"
  std::string function;
};

struct RouteMatch {
  const RouteSpec* route = nullptr;
  std::map<std::string, std::string> path_parameters;
  std::string path;            // without the stage
  bool through_stage = false;  // the request named the stage
};

class RouteTable {
 public:
  RouteTable() = default;
  // kValidation for a route given twice. Methods and resource templates are checked where
  // they are read (stack/): /-separated literals, {name}, and a final {name+}.
  static Result<RouteTable> build(std::vector<RouteSpec> routes, std::string stage);

  // The route for (method, path without query), literal segments preferred over parameters.
  std::optional<RouteMatch> match(std::string_view method, std::string_view path) const;
  const std::string& stage() const { return stage_; }
  bool empty() const { return routes_.empty(); }
  const std::vector<RouteSpec>& routes() const { return routes_; }

 private:
  std::optional<RouteMatch> match_path(std::string_view method, std::string_view path) const;
  std::vector<RouteSpec> routes_;
  std::string stage_;
};

}  // namespace eddy::gateway
