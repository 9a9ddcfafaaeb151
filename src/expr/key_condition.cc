#include "expr/key_condition.h"

#include <vector>

namespace eddy::expr {

namespace {

using model::AttributeValue;

Status shape_error(const std::string& what) {
  return Status::validation("Invalid KeyConditionExpression: " + what);
}
Status invalid_operator(const std::string& op) {
  return shape_error("Invalid operator used in KeyConditionExpression: " + op);
}

// One condition on one key attribute, normalised to "attribute op value".
struct KeyTerm {
  std::string attribute;
  model::SortKeyCondition predicate;
};

// The attribute a path names; nested paths are not key attributes.
Result<std::string> attribute_of(const Path& path) {
  if (path.elements.size() != 1 || path.elements[0].is_index()) {
    return shape_error("KeyConditionExpressions cannot have conditions on nested attributes");
  }
  return path.elements[0].name;
}

Status no_nested_operations(const std::vector<const Operand*>& operands) {
  for (const Operand* o : operands) {
    if (!std::holds_alternative<Path>(o->v) && !std::holds_alternative<Literal>(o->v)) {
      return shape_error("KeyConditionExpressions cannot contain nested operations");
    }
  }
  return Status::ok();
}

// Swaps "value op attribute" into "attribute op' value".
model::SortKeyCondition::Op mirrored(Comparator c) {
  switch (c) {
    case Comparator::kLt:
      return model::SortKeyCondition::Op::kGt;
    case Comparator::kLe:
      return model::SortKeyCondition::Op::kGe;
    case Comparator::kGt:
      return model::SortKeyCondition::Op::kLt;
    case Comparator::kGe:
      return model::SortKeyCondition::Op::kLe;
    default:
      return model::SortKeyCondition::Op::kEq;
  }
}
model::SortKeyCondition::Op direct(Comparator c) {
  switch (c) {
    case Comparator::kLt:
      return model::SortKeyCondition::Op::kLt;
    case Comparator::kLe:
      return model::SortKeyCondition::Op::kLe;
    case Comparator::kGt:
      return model::SortKeyCondition::Op::kGt;
    case Comparator::kGe:
      return model::SortKeyCondition::Op::kGe;
    default:
      return model::SortKeyCondition::Op::kEq;
  }
}

Result<KeyTerm> term(const Condition& condition) {
  if (const auto* c = std::get_if<Comparison>(&condition.v)) {
    if (c->op == Comparator::kNe) return invalid_operator("<>");
    EDDY_RETURN_IF_ERROR(no_nested_operations({&c->lhs, &c->rhs}));
    const auto* lpath = std::get_if<Path>(&c->lhs.v);
    const auto* rpath = std::get_if<Path>(&c->rhs.v);
    if (lpath && rpath) {
      return shape_error(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    }
    if (!lpath && !rpath) {
      return shape_error("Invalid condition in KeyConditionExpression: No key attribute specified");
    }
    EDDY_ASSIGN_OR_RETURN(std::string attribute, attribute_of(lpath ? *lpath : *rpath));
    const Operand& value = lpath ? c->rhs : c->lhs;
    return KeyTerm{attribute,
                   {lpath ? direct(c->op) : mirrored(c->op), std::get<Literal>(value.v).value, {}}};
  }
  if (const auto* b = std::get_if<Between>(&condition.v)) {
    EDDY_RETURN_IF_ERROR(no_nested_operations({&b->value, &b->low, &b->high}));
    const auto* path = std::get_if<Path>(&b->value.v);
    if (!path) {
      return shape_error(
          "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
          "attribute as its first operand");
    }
    if (std::holds_alternative<Path>(b->low.v) || std::holds_alternative<Path>(b->high.v)) {
      return shape_error(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    }
    EDDY_ASSIGN_OR_RETURN(std::string attribute, attribute_of(*path));
    return KeyTerm{attribute,
                   {model::SortKeyCondition::Op::kBetween, std::get<Literal>(b->low.v).value,
                    std::get<Literal>(b->high.v).value}};
  }
  if (const auto* f = std::get_if<ConditionFunction>(&condition.v)) {
    if (f->name != "begins_with") return invalid_operator(f->name);
    EDDY_RETURN_IF_ERROR(no_nested_operations({&f->args[0], &f->args[1]}));
    const auto* path = std::get_if<Path>(&f->args[0].v);
    if (!path) {
      return shape_error(
          "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
          "attribute as its first operand");
    }
    if (std::holds_alternative<Path>(f->args[1].v)) {
      return shape_error(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    }
    EDDY_ASSIGN_OR_RETURN(std::string attribute, attribute_of(*path));
    return KeyTerm{
        attribute,
        {model::SortKeyCondition::Op::kBeginsWith, std::get<Literal>(f->args[1].v).value, {}}};
  }
  if (std::holds_alternative<In>(condition.v)) return invalid_operator("IN");
  if (std::holds_alternative<Not>(condition.v)) return invalid_operator("NOT");
  return invalid_operator("OR");
}

// The conditions joined by AND, in order; any OR or NOT is reported by term().
Status collect(const Condition& condition, std::vector<const Condition*>& out) {
  if (const auto* a = std::get_if<And>(&condition.v)) {
    EDDY_RETURN_IF_ERROR(collect(*a->lhs, out));
    return collect(*a->rhs, out);
  }
  if (std::holds_alternative<Or>(condition.v)) return invalid_operator("OR");
  out.push_back(&condition);
  return Status::ok();
}

}  // namespace

Result<KeyRange> compile_key_condition(const Condition& condition, const model::KeySchema& schema) {
  std::vector<const Condition*> parts;
  EDDY_RETURN_IF_ERROR(collect(condition, parts));
  std::vector<KeyTerm> terms;
  for (const Condition* part : parts) {
    EDDY_ASSIGN_OR_RETURN(KeyTerm t, term(*part));
    for (const KeyTerm& seen : terms) {
      if (seen.attribute == t.attribute) {
        return shape_error("KeyConditionExpressions must only contain one condition per key");
      }
    }
    terms.push_back(std::move(t));
  }
  if (terms.size() > 2) return shape_error("Conditions can be of length 1 or 2 only");

  // Against the schema.
  const KeyTerm* partition = nullptr;
  const KeyTerm* sort = nullptr;
  for (const KeyTerm& t : terms) {
    if (t.attribute == schema.partition.name) {
      partition = &t;
    } else if (schema.sort && t.attribute == schema.sort->name) {
      sort = &t;
    } else if (!schema.sort && terms.size() > 1) {
      return Status::validation("Query key condition not supported");
    } else {
      // A condition on an attribute that is not a key: DynamoDB names the key it misses.
      return Status::validation("Query condition missed key schema element: " +
                                (partition || !schema.sort
                                     ? schema.sort ? schema.sort->name : schema.partition.name
                                     : schema.partition.name));
    }
  }
  if (!partition) {
    return Status::validation("Query condition missed key schema element: " +
                              schema.partition.name);
  }
  if (partition->predicate.op != model::SortKeyCondition::Op::kEq) {
    return Status::validation("Query key condition not supported");
  }
  const Status type_mismatch = Status::validation(
      "One or more parameter values were invalid: Condition parameter type does not match schema "
      "type");
  if (!model::has_key_type(partition->predicate.value, schema.partition.type)) return type_mismatch;
  KeyRange range{partition->predicate.value, std::nullopt};
  if (sort) {
    const model::SortKeyCondition& p = sort->predicate;
    if (p.op == model::SortKeyCondition::Op::kBeginsWith &&
        schema.sort->type == model::KeyType::N) {
      return shape_error(
          "Incorrect operand type for operator or function; operator or function: begins_with, "
          "operand type: N");
    }
    if (!model::has_key_type(p.value, schema.sort->type) ||
        (p.op == model::SortKeyCondition::Op::kBetween &&
         !model::has_key_type(p.upper, schema.sort->type))) {
      return type_mismatch;
    }
    range.sort = p;
  }
  return range;
}

}  // namespace eddy::expr
