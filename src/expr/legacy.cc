// Messages: "Only DELETE action is allowed when no attribute value is specified" and "DELETE
// action with value is not supported for the type N" are in dynalite's test/updateItem.js
// (run against DynamoDB) and in DynamoDB Local's validation; the ADD one follows Local's
// pattern (unconfirmed). The mixing rule: docs/research/dynamodb-expressions.md §11.
#include "expr/legacy.h"

namespace eddy::expr {

namespace {

Path top_level(const std::string& name) {
  return Path{{PathElement{name, -1}}};
}

bool is_set(model::Type t) {
  return t == model::Type::SS || t == model::Type::NS || t == model::Type::BS;
}

Status invalid(const std::string& what) {
  return Status::validation("One or more parameter values were invalid: " + what);
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

Result<Update> lower_attribute_updates(const std::vector<AttributeUpdate>& updates) {
  Update update;
  for (const AttributeUpdate& u : updates) {
    using Action = AttributeUpdate::Action;
    if (!u.value) {
      if (u.action != Action::kDelete) {
        return invalid("Only DELETE action is allowed when no attribute value is specified");
      }
      update.remove.push_back(top_level(u.name));
      continue;
    }
    const model::Type type = u.value->type();
    switch (u.action) {
      case Action::kPut:
        update.set.push_back({top_level(u.name), Operand{Literal{*u.value}}});
        break;
      case Action::kAdd:
        if (type != model::Type::N && !is_set(type)) {
          return invalid(std::string("ADD action is not supported for the type ") +
                         model::type_name(type));
        }
        update.add.push_back({top_level(u.name), Operand{Literal{*u.value}}});
        break;
      case Action::kDelete:
        if (!is_set(type)) {
          return invalid(std::string("DELETE action with value is not supported for the type ") +
                         model::type_name(type));
        }
        update.del.push_back({top_level(u.name), Operand{Literal{*u.value}}});
        break;
    }
  }
  return update;
}

Projection lower_attributes_to_get(const std::vector<std::string>& names) {
  Projection projection;
  for (const auto& name : names)
    projection.paths.push_back(top_level(name));
  return projection;
}

Status check_not_mixed(const std::vector<std::string>& non_expression,
                       const std::vector<std::string>& expression) {
  if (non_expression.empty() || expression.empty()) return Status::ok();
  return Status::validation(
      "Can not use both expression and non-expression parameters in the same request: "
      "Non-expression parameters: {" +
      join(non_expression) + "} Expression parameters: {" + join(expression) + "}");
}

}  // namespace eddy::expr
