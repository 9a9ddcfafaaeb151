// Messages: "Only DELETE action is allowed when no attribute value is specified" and "DELETE
// action with value is not supported for the type N" are in dynalite's test/updateItem.js
// (run against DynamoDB) and in DynamoDB Local's validation; the ADD one follows Local's
// pattern (unconfirmed). The mixing rule: docs/research/dynamodb-expressions.md §11.
#include "expr/legacy.h"

#include <algorithm>
#include <cstdint>

namespace eddy::expr {

namespace {

Path top_level(const std::string& name) {
  return Path{{PathElement{name, -1}}};
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
        if (type != model::Type::N && !model::is_set_type(type)) {
          return invalid(std::string("ADD action is not supported for the type ") +
                         model::type_name(type));
        }
        update.add.push_back({top_level(u.name), Operand{Literal{*u.value}}});
        break;
      case Action::kDelete:
        if (!model::is_set_type(type)) {
          return invalid(std::string("DELETE action with value is not supported for the type ") +
                         model::type_name(type));
        }
        update.del.push_back({top_level(u.name), Operand{Literal{*u.value}}});
        break;
    }
  }
  return update;
}

namespace {

Operand literal(const model::AttributeValue& v) {
  return Operand{Literal{v}};
}

// One ComparisonOperator condition as an expression condition, with DynamoDB's checks in
// DynamoDB Local's order: the count, then per value its type support and the same-type rule,
// then BETWEEN's order (docs/research/dynamodb-legacy-conditions.md §1-§2).
Result<Condition> lower_comparison(const std::string& attribute, const std::string& op,
                                   const std::vector<model::AttributeValue>& v) {
  const Operand path{top_level(attribute)};
  size_t wanted_min = 1, wanted_max = 1;
  if (op == "NULL" || op == "NOT_NULL") wanted_min = wanted_max = 0;
  if (op == "IN") wanted_max = SIZE_MAX;
  if (op == "BETWEEN") wanted_min = wanted_max = 2;
  static constexpr std::string_view kOperators[] = {
      "EQ",   "NE",       "LE",           "LT",          "GE", "GT",     "NOT_NULL",
      "NULL", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN"};
  if (std::find(std::begin(kOperators), std::end(kOperators), op) == std::end(kOperators)) {
    return Status::validation("1 validation error detected: Value '" + op +
                              "' at 'comparisonOperator' failed to satisfy constraint: Member "
                              "must satisfy enum value set: [IN, NULL, BETWEEN, LT, "
                              "NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, "
                              "CONTAINS]");
  }
  if (v.size() < wanted_min || v.size() > wanted_max) {
    return invalid("Invalid number of argument(s) for the " + op + " ComparisonOperator");
  }
  for (const auto& value : v) {
    const model::Type t = value.type();
    const bool supported =
        (op == "EQ" || op == "NE") ||
        ((op == "CONTAINS" || op == "NOT_CONTAINS") && !model::is_set_type(t) &&
         t != model::Type::M && t != model::Type::L) ||
        (op == "BEGINS_WITH" && (t == model::Type::S || t == model::Type::B)) ||
        ((op == "LE" || op == "LT" || op == "GE" || op == "GT" || op == "IN" || op == "BETWEEN") &&
         model::is_scalar_type(t));
    if (!supported) {
      return invalid("ComparisonOperator " + op + " is not valid for " + model::type_name(t) +
                     " AttributeValue type");
    }
    if (t != v[0].type())
      return invalid("AttributeValues inside AttributeValueList must be of same type");
  }
  if (op == "EQ" || op == "NE") {
    return Condition{
        Comparison{op == "EQ" ? Comparator::kEq : Comparator::kNe, path, literal(v[0])}};
  }
  if (op == "LE" || op == "LT" || op == "GE" || op == "GT") {
    const Comparator cmp = op == "LE"   ? Comparator::kLe
                           : op == "LT" ? Comparator::kLt
                           : op == "GE" ? Comparator::kGe
                                        : Comparator::kGt;
    return Condition{Comparison{cmp, path, literal(v[0])}};
  }
  if (op == "NOT_NULL" || op == "NULL") {
    return Condition{
        ConditionFunction{op == "NULL" ? "attribute_not_exists" : "attribute_exists", {path}}};
  }
  if (op == "CONTAINS" || op == "NOT_CONTAINS") {
    Condition contains{ConditionFunction{"contains", {path, literal(v[0])}}};
    if (op == "CONTAINS") return contains;
    // NOT_CONTAINS is false on a missing attribute (research §5).
    return Condition{And{Condition{ConditionFunction{"attribute_exists", {path}}},
                         Condition{Not{std::move(contains)}}}};
  }
  if (op == "BEGINS_WITH")
    return Condition{ConditionFunction{"begins_with", {path, literal(v[0])}}};
  if (op == "IN") {
    In in{path, {}};
    for (const auto& value : v)
      in.candidates.push_back(literal(value));
    return Condition{std::move(in)};
  }
  // BETWEEN: the bounds in order, or DynamoDB's (unprefixed) message.
  const auto& lo = v[0];
  const auto& hi = v[1];
  const bool descending = lo.is<model::Number>() ? hi.as<model::Number>() < lo.as<model::Number>()
                          : lo.is<std::string>()
                              ? hi.as<std::string>() < lo.as<std::string>()
                              : hi.as<model::Binary>().bytes < lo.as<model::Binary>().bytes;
  if (descending) {
    return Status::validation(
        "The BETWEEN condition was provided a range where the lower bound is greater than the "
        "upper bound");
  }
  return Condition{Between{path, literal(lo), literal(hi)}};
}

// One entry of Expected: the ComparisonOperator form (Value counts as a one-element
// AttributeValueList) or the older {Value, Exists} form; checks in DynamoDB Local's order
// (research §3).
Result<Condition> lower_expected(const LegacyCondition& c) {
  const std::string& a = c.attribute;
  if (c.exists && c.comparison_operator) {
    return invalid("Exists and ComparisonOperator cannot be used together for Attribute: " + a);
  }
  if (c.value && !c.values.empty()) {
    return invalid("Value and AttributeValueList cannot be used together for Attribute: " + a);
  }
  if (!c.values.empty() && !c.comparison_operator) {
    return invalid("AttributeValueList can only be used with a ComparisonOperator for Attribute: " +
                   a);
  }
  if (c.exists == false && c.value) {
    return invalid("Value cannot be used when Exists is false for Attribute: " + a);
  }
  if (c.comparison_operator) {
    const std::string& op = *c.comparison_operator;
    if (!c.value && c.values.empty() && op != "NULL" && op != "NOT_NULL") {
      return invalid("Value or AttributeValueList must be used with ComparisonOperator: " + op +
                     " for Attribute: " + a);
    }
    return lower_comparison(a, op,
                            c.value ? std::vector<model::AttributeValue>{*c.value} : c.values);
  }
  if (c.exists == false)
    return Condition{ConditionFunction{"attribute_not_exists", {Operand{top_level(a)}}}};
  if (!c.value) {
    return invalid(std::string("Value must be provided when Exists is ") +
                   (c.exists ? "true" : "null") + " for Attribute: " + a);
  }
  return Condition{Comparison{Comparator::kEq, Operand{top_level(a)}, literal(*c.value)}};
}

}  // namespace

Result<std::optional<Condition>> lower_conditions(
    const std::vector<LegacyCondition>& conditions,
    const std::optional<std::string>& conditional_operator, LegacyConditionKind kind) {
  if (conditional_operator) {
    // Research §4: no prefix; these come before the entries are looked at.
    if (conditions.empty()) {
      return Status::validation("ConditionalOperator cannot be used without Filter or Expected");
    }
    if (conditions.size() == 1) {
      return Status::validation(
          "ConditionalOperator can only be used when Filter or Expected has two or more "
          "elements");
    }
  }
  const bool any = conditional_operator.value_or("AND") == "OR";
  std::optional<Condition> result;
  for (const LegacyCondition& c : conditions) {
    Result<Condition> one = Status::internal("unset");
    if (kind == LegacyConditionKind::kExpected) {
      one = lower_expected(c);
    } else if (!c.comparison_operator) {
      return Status::validation(
          "1 validation error detected: Value null at '" +
          std::string(kind == LegacyConditionKind::kQueryFilter ? "queryFilter" : "scanFilter") +
          "." + c.attribute +
          ".member.comparisonOperator' failed to satisfy constraint: Member must not be null");
    } else {
      one = lower_comparison(c.attribute, *c.comparison_operator, c.values);
    }
    if (!one) return one.status();
    if (!result) {
      result = std::move(one).value();
    } else if (any) {
      result = Condition{Or{std::move(*result), std::move(one).value()}};
    } else {
      result = Condition{And{std::move(*result), std::move(one).value()}};
    }
  }
  return result;
}

Result<KeyRange> lower_key_conditions(const std::vector<LegacyCondition>& conditions,
                                      const model::KeySchema& schema) {
  // Research §6 (dynalite's test/query.js against DynamoDB; DynamoDB Local).
  if (conditions.empty() || conditions.size() > 2) {
    return Status::validation("Conditions can be of length 1 or 2 only");
  }
  std::optional<Condition> all;
  for (const LegacyCondition& c : conditions) {
    const std::string op = c.comparison_operator.value_or("");
    for (std::string_view unindexable :
         {"NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN"}) {
      if (op == unindexable) {
        return Status::validation("Attempted conditional constraint is not an indexable operation");
      }
    }
    EDDY_ASSIGN_OR_RETURN(Condition one, lower_comparison(c.attribute, op, c.values));
    all = all ? Condition{And{std::move(*all), std::move(one)}} : std::move(one);
  }
  return compile_key_condition(*all, schema);
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
