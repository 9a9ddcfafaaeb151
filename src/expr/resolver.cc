// Messages and their order: docs/research/dynamodb-expressions.md (§1 order, §5 placeholders,
// §6 reserved words, §7.1 functions, §10.2 update errors, §10.3 overlap and conflict), each
// with its source there.
#include "expr/resolver.h"

#include <algorithm>
#include <functional>

#include "expr/reserved_words.h"
#include "model/json_codec.h"

namespace eddy::expr {

namespace {

using model::AttributeValue;
using model::Type;

struct FunctionInfo {
  std::string_view name;
  int arity;
  bool condition;  // a condition of its own (attribute_exists, ...), not a value (size, ...)
  bool in_update;  // SET's functions
};

constexpr FunctionInfo kFunctions[] = {
    {"attribute_exists", 1, true, false}, {"attribute_not_exists", 1, true, false},
    {"attribute_type", 2, true, false},   {"begins_with", 2, true, false},
    {"contains", 2, true, false},         {"size", 1, false, false},
    {"if_not_exists", 2, false, true},    {"list_append", 2, false, true},
};

const FunctionInfo* find_function(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool is_placeholder_key(std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (char c : key.substr(1)) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The type names of ADD and DELETE's messages (they differ from the "S", "N" of the others).
const char* long_type_name(Type type) {
  switch (type) {
    case Type::S:
      return "STRING";
    case Type::N:
      return "NUMBER";
    case Type::B:
      return "BINARY";
    case Type::BOOL:
      return "BOOLEAN";
    case Type::NUL:
      return "NULL";
    case Type::M:
      return "MAP";
    case Type::L:
      return "LIST";
    case Type::SS:
      return "STRING_SET";
    case Type::NS:
      return "NUMBER_SET";
    case Type::BS:
      return "BINARY_SET";
  }
  return "?";
}

// "[a, b, [1]]": how DynamoDB writes a path in overlap and conflict messages.
std::string describe_path(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.elements.size(); ++i) {
    if (i > 0) out += ", ";
    const PathElement& e = path.elements[i];
    if (e.is_index()) {
      out += '[';
      out += std::to_string(e.index);
      out += ']';
    } else {
      out += e.name;
    }
  }
  return out + "]";
}

class Resolver {
 public:
  Resolver(ExpressionKind kind, Bindings& bindings) : kind_(kind), bindings_(bindings) {}

  // ---- whole-expression checks, each over the whole tree before the next ----

  // Unknown function names, then functions used where they do not belong.
  Status check_functions(const std::vector<const FunctionCall*>& calls,
                         const std::vector<const ConditionFunction*>& conditions) const {
    for (const auto* call : calls) {
      if (!find_function(call->name))
        return invalid("Invalid function name; function: " + call->name);
    }
    for (const auto* c : conditions) {
      if (!find_function(c->name)) return invalid("Invalid function name; function: " + c->name);
    }
    const bool update = kind_ == ExpressionKind::kUpdate;
    for (const auto* call : calls) {
      const FunctionInfo& f = *find_function(call->name);
      if (f.in_update != update) {
        // (unconfirmed wording: DynamoDB Local's; see the research notes §7.1, §10.2)
        return invalid(std::string("The function is not allowed in ") +
                       (update ? "an update" : "a condition") +
                       " expression; function: " + call->name);
      }
      if (f.condition) return misused(call->name);
    }
    for (const auto* c : conditions) {
      if (!find_function(c->name)->condition) return misused(c->name);
    }
    return Status::ok();
  }

  Status check_reserved(const std::vector<const Path*>& paths) const {
    for (const Path* path : paths) {
      for (const PathElement& e : path->elements) {
        if (!e.is_index() && e.name[0] != '#' && is_reserved_word(e.name)) {
          return invalid("Attribute name is a reserved keyword; reserved keyword: " + e.name);
        }
      }
    }
    return Status::ok();
  }

  // ---- substitution ----

  Status resolve(Path& path) {
    for (PathElement& e : path.elements) {
      if (e.is_index() || e.name[0] != '#') continue;
      auto it = bindings_.names.find(e.name);
      if (it == bindings_.names.end()) {
        return invalid(
            "An expression attribute name used in the document path is not defined; attribute "
            "name: " +
            e.name);
      }
      bindings_.used_names.insert(e.name);
      e.name = it->second;
    }
    return Status::ok();
  }

  Status resolve(Operand& operand) {
    if (auto* path = std::get_if<Path>(&operand.v)) return resolve(*path);
    if (auto* ref = std::get_if<ValueRef>(&operand.v)) {
      auto it = bindings_.values.find(ref->name);
      if (it == bindings_.values.end()) {
        return invalid(
            "An expression attribute value used in expression is not defined; attribute value: " +
            ref->name);
      }
      bindings_.used_values.insert(ref->name);
      operand.v = Literal{it->second};
      return Status::ok();
    }
    if (auto* call = std::get_if<FunctionCall>(&operand.v)) {
      for (auto& arg : call->args)
        EDDY_RETURN_IF_ERROR(resolve(arg));
      return defer_operand_checks_ ? Status::ok() : check_function(call->name, call->args);
    }
    if (auto* arithmetic = std::get_if<Arithmetic>(&operand.v)) {
      EDDY_RETURN_IF_ERROR(resolve(*arithmetic->lhs));
      EDDY_RETURN_IF_ERROR(resolve(*arithmetic->rhs));
    }
    return defer_operand_checks_ ? Status::ok() : check_operands(operand);
  }

  // What the arguments of functions and + / - may be, for an already resolved operand tree.
  Status check_operands(const Operand& operand) const {
    if (auto* call = std::get_if<FunctionCall>(&operand.v)) {
      for (const auto& arg : call->args)
        EDDY_RETURN_IF_ERROR(check_operands(arg));
      return check_function(call->name, call->args);
    }
    if (auto* arithmetic = std::get_if<Arithmetic>(&operand.v)) {
      EDDY_RETURN_IF_ERROR(check_operands(*arithmetic->lhs));
      EDDY_RETURN_IF_ERROR(check_operands(*arithmetic->rhs));
      for (const Operand* side : {&*arithmetic->lhs, &*arithmetic->rhs}) {
        if (auto* literal = std::get_if<Literal>(&side->v);
            literal && literal->value.type() != Type::N) {
          return wrong_type(std::string(1, arithmetic->op), literal->value.type());
        }
      }
    }
    return Status::ok();
  }

  // UpdateExpression checks its operands after paths and ADD/DELETE (DynamoDB's order).
  void defer_operand_checks() { defer_operand_checks_ = true; }

  // Placeholders first, then the operand count, then what the arguments may be.
  Status resolve(Condition& condition) {
    return std::visit(
        [this](auto& c) -> Status {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, Comparison>) {
            EDDY_RETURN_IF_ERROR(resolve(c.lhs));
            EDDY_RETURN_IF_ERROR(resolve(c.rhs));
            EDDY_RETURN_IF_ERROR(check_distinct(comparator_text(c.op), c.lhs, c.rhs));
            if (c.op == Comparator::kEq || c.op == Comparator::kNe) return Status::ok();
            return check_orderable(comparator_text(c.op), {&c.lhs, &c.rhs});
          } else if constexpr (std::is_same_v<T, Between>) {
            EDDY_RETURN_IF_ERROR(resolve(c.value));
            EDDY_RETURN_IF_ERROR(resolve(c.low));
            EDDY_RETURN_IF_ERROR(resolve(c.high));
            EDDY_RETURN_IF_ERROR(check_orderable("BETWEEN", {&c.value, &c.low, &c.high}));
            return check_between_bounds(c);
          } else if constexpr (std::is_same_v<T, In>) {
            // 100 operands at most, the left one included (Alternator's test_update_condition_in
            // against DynamoDB: 99 list values pass; the wording is DynamoDB Local's).
            if (c.candidates.size() + 1 > kMaxInOperands) {
              return invalid(
                  "The IN operator is provided with too many operands; number of "
                  "operands: " +
                  std::to_string(c.candidates.size() + 1));
            }
            EDDY_RETURN_IF_ERROR(resolve(c.value));
            for (auto& candidate : c.candidates)
              EDDY_RETURN_IF_ERROR(resolve(candidate));
            return Status::ok();
          } else if constexpr (std::is_same_v<T, ConditionFunction>) {
            for (auto& arg : c.args)
              EDDY_RETURN_IF_ERROR(resolve(arg));
            return check_function(c.name, c.args);
          } else if constexpr (std::is_same_v<T, Not>) {
            return resolve(*c.operand);
          } else {  // And, Or
            EDDY_RETURN_IF_ERROR(resolve(*c.lhs));
            return resolve(*c.rhs);
          }
        },
        condition.v);
  }

  Status invalid(const std::string& what) const {
    return Status::validation("Invalid " + std::string(expression_name(kind_)) + ": " + what);
  }

 private:
  static constexpr size_t kMaxInOperands = 100;

  // Bounds given as :values must be of one type and in order (dynalite's test/query.js; the
  // values written as the service's Java AttributeValue.toString, "{N:1}").
  Status check_between_bounds(const Between& between) const {
    const auto* low = std::get_if<Literal>(&between.low.v);
    const auto* high = std::get_if<Literal>(&between.high.v);
    if (!low || !high) return Status::ok();
    auto show = [](const AttributeValue& v) {
      std::string text = model::attribute_value_to_json(v);  // {"N":"1"}
      text.erase(std::remove(text.begin(), text.end(), '"'), text.end());
      return "AttributeValue: " + text;
    };
    const std::string operands = "; lower bound operand: " + show(low->value) +
                                 ", upper bound operand: " + show(high->value);
    if (low->value.type() != high->value.type()) {
      return invalid("The BETWEEN operator requires same data type for lower and upper bounds" +
                     operands);
    }
    const Type type = low->value.type();
    bool descending = false;
    if (type == Type::N)
      descending = high->value.as<model::Number>() < low->value.as<model::Number>();
    if (type == Type::S) descending = high->value.as<std::string>() < low->value.as<std::string>();
    if (type == Type::B) {
      descending = high->value.as<model::Binary>().bytes < low->value.as<model::Binary>().bytes;
    }
    if (descending) {
      return invalid(
          "The BETWEEN operator requires upper bound to be greater than or equal to lower bound" +
          operands);
    }
    return Status::ok();
  }

  Status misused(const std::string& function) const {
    return invalid("The function is not allowed to be used this way in an expression; function: " +
                   function);
  }
  Status wrong_type(const std::string& function, Type type) const {
    return invalid("Incorrect operand type for operator or function; operator or function: " +
                   function + ", operand type: " + model::type_name(type));
  }

  // <, <=, >, >= and BETWEEN order S, N and B only: a :value of another type is refused up
  // front (Alternator's test_update_condition_lt/_between against DynamoDB; the wording is the
  // one size and begins_with use, unconfirmed for comparisons: research notes §7.2). A value
  // read from the item only makes the comparison false.
  Status check_orderable(const std::string& op,
                         std::initializer_list<const Operand*> operands) const {
    for (const Operand* operand : operands) {
      const auto* l = std::get_if<Literal>(&operand->v);
      if (!l) continue;
      const Type t = l->value.type();
      if (!model::is_scalar_type(t)) return wrong_type(op, t);
    }
    return Status::ok();
  }

  // "a = a", "contains(d, d)": the same path on both sides is an error (":a = :a" is not).
  Status check_distinct(const std::string& op, const Operand& first, const Operand& second) const {
    const auto* a = std::get_if<Path>(&first.v);
    const auto* b = std::get_if<Path>(&second.v);
    if (!a || !b || *a != *b) return Status::ok();
    return invalid(
        "The first operand must be distinct from the remaining operands for this operator or "
        "function; operator: " +
        op + ", first operand: " + describe_path(*a));
  }

  // Arguments resolved; checks the count, that the operands differ, and what each argument
  // may be (DynamoDB's order).
  Status check_function(const std::string& name, const std::vector<Operand>& args) const {
    const FunctionInfo& f = *find_function(name);
    if (static_cast<int>(args.size()) != f.arity) {
      return invalid(
          "Incorrect number of operands for operator or function; operator or function: " + name +
          ", number of operands: " + std::to_string(args.size()));
    }
    if (name == "attribute_type" || name == "begins_with" || name == "contains") {
      EDDY_RETURN_IF_ERROR(check_distinct(name, args[0], args[1]));
    }
    auto literal = [&](size_t i) { return std::get_if<Literal>(&args[i].v); };
    if ((name == "attribute_exists" || name == "attribute_not_exists" || name == "if_not_exists") &&
        !std::holds_alternative<Path>(args[0].v)) {
      return invalid("Operator or function requires a document path; operator or function: " +
                     name);
    }
    if (name == "attribute_type") {
      const Literal* type = literal(1);
      if (!type) {
        return invalid(
            "Incorrect operand type for operator or function; operator or function: "
            "attribute_type, operand type: " +
            std::string(std::holds_alternative<Path>(args[1].v) ? "PATH" : "FUNCTION"));
      }
      if (type->value.type() != Type::S) return wrong_type(name, type->value.type());
      static constexpr std::string_view kTypes[] = {"S", "N", "B",  "BOOL", "NULL",
                                                    "M", "L", "SS", "NS",   "BS"};
      const std::string& wanted = type->value.as<std::string>();
      if (std::find(std::begin(kTypes), std::end(kTypes), wanted) == std::end(kTypes)) {
        return invalid("Invalid attribute type name found; type: " + wanted +
                       ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
      }
    }
    if (name == "begins_with") {
      for (size_t i = 0; i < 2; ++i) {
        if (const Literal* l = literal(i);
            l && l->value.type() != Type::S && l->value.type() != Type::B) {
          return wrong_type(name, l->value.type());
        }
      }
    }
    if (name == "size") {
      if (const Literal* l = literal(0);
          l && (l->value.type() == Type::N || l->value.type() == Type::BOOL ||
                l->value.type() == Type::NUL)) {
        return wrong_type(name, l->value.type());
      }
    }
    if (name == "list_append") {
      for (size_t i = 0; i < 2; ++i) {
        if (const Literal* l = literal(i); l && l->value.type() != Type::L) {
          return wrong_type(name, l->value.type());
        }
        if (auto* inner = std::get_if<FunctionCall>(&args[i].v);
            inner && inner->name == "list_append") {
          return misused(name);
        }
      }
    }
    return Status::ok();
  }

  ExpressionKind kind_;
  Bindings& bindings_;
  bool defer_operand_checks_ = false;
};

// Collects, in source order, every path, function call and condition function of a tree.
struct Collected {
  std::vector<const Path*> paths;
  std::vector<const FunctionCall*> calls;
  std::vector<const ConditionFunction*> condition_functions;

  void add(const Path& path) { paths.push_back(&path); }
  void add(const Operand& operand) {
    std::visit(
        [this](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, Path>) {
            add(v);
          } else if constexpr (std::is_same_v<T, FunctionCall>) {
            calls.push_back(&v);
            for (const auto& arg : v.args)
              add(arg);
          } else if constexpr (std::is_same_v<T, Arithmetic>) {
            add(*v.lhs);
            add(*v.rhs);
          }
        },
        operand.v);
  }
  void add(const Condition& condition) {
    std::visit(
        [this](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, Comparison>) {
            add(c.lhs);
            add(c.rhs);
          } else if constexpr (std::is_same_v<T, Between>) {
            add(c.value);
            add(c.low);
            add(c.high);
          } else if constexpr (std::is_same_v<T, In>) {
            add(c.value);
            for (const auto& candidate : c.candidates)
              add(candidate);
          } else if constexpr (std::is_same_v<T, ConditionFunction>) {
            condition_functions.push_back(&c);
            for (const auto& arg : c.args)
              add(arg);
          } else if constexpr (std::is_same_v<T, Not>) {
            add(*c.operand);
          } else {
            add(*c.lhs);
            add(*c.rhs);
          }
        },
        condition.v);
  }
};

// Overlap (one path a prefix of the other) before conflict (a map key against a list index at
// the same depth), each pair checked with the later path against the earlier ones.
Status check_paths(const std::vector<const Path*>& paths, const Resolver& resolver) {
  enum class Relation { kNone, kOverlap, kConflict };
  auto relate = [](const Path& a, const Path& b) {
    const size_t n = std::min(a.elements.size(), b.elements.size());
    for (size_t i = 0; i < n; ++i) {
      const PathElement& x = a.elements[i];
      const PathElement& y = b.elements[i];
      if (x.is_index() != y.is_index()) return Relation::kConflict;
      if (x != y) return Relation::kNone;
    }
    return Relation::kOverlap;
  };
  for (Relation wanted : {Relation::kOverlap, Relation::kConflict}) {
    for (size_t j = 1; j < paths.size(); ++j) {
      for (size_t i = 0; i < j; ++i) {
        if (relate(*paths[i], *paths[j]) != wanted) continue;
        return resolver.invalid(std::string("Two document paths ") +
                                (wanted == Relation::kOverlap ? "overlap" : "conflict") +
                                " with each other; must remove or rewrite one of these paths; "
                                "path one: " +
                                describe_path(*paths[i]) +
                                ", path two: " + describe_path(*paths[j]));
      }
    }
  }
  return Status::ok();
}

}  // namespace

Status check_binding_keys(const Bindings& bindings) {
  for (const auto& [key, name] : bindings.names) {
    if (!is_placeholder_key(key, '#')) {
      return Status::validation(
          "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
    }
  }
  for (const auto& [key, value] : bindings.values) {
    if (!is_placeholder_key(key, ':')) {
      return Status::validation(
          "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
    }
  }
  return Status::ok();
}

Result<Condition> resolve_condition(const Condition& condition, ExpressionKind kind,
                                    Bindings& bindings) {
  Resolver resolver(kind, bindings);
  Collected collected;
  collected.add(condition);
  EDDY_RETURN_IF_ERROR(resolver.check_functions(collected.calls, collected.condition_functions));
  EDDY_RETURN_IF_ERROR(resolver.check_reserved(collected.paths));
  Condition resolved = condition;
  EDDY_RETURN_IF_ERROR(resolver.resolve(resolved));
  return resolved;
}

Result<Update> resolve_update(const Update& update, Bindings& bindings) {
  Resolver resolver(ExpressionKind::kUpdate, bindings);
  resolver.defer_operand_checks();
  Collected collected;
  for (const auto& action : update.set) {
    collected.add(action.path);
    collected.add(action.value);
  }
  for (const auto& path : update.remove)
    collected.add(path);
  for (const auto* clause : {&update.add, &update.del}) {
    for (const auto& action : *clause) {
      collected.add(action.path);
      collected.add(action.value);
    }
  }
  EDDY_RETURN_IF_ERROR(resolver.check_reserved(collected.paths));
  EDDY_RETURN_IF_ERROR(resolver.check_functions(collected.calls, collected.condition_functions));

  Update resolved = update;
  std::vector<const Path*> resolved_targets;
  for (auto& action : resolved.set)
    EDDY_RETURN_IF_ERROR(resolver.resolve(action.path));
  for (auto& path : resolved.remove)
    EDDY_RETURN_IF_ERROR(resolver.resolve(path));
  for (auto* clause : {&resolved.add, &resolved.del}) {
    for (auto& action : *clause)
      EDDY_RETURN_IF_ERROR(resolver.resolve(action.path));
  }
  for (auto& action : resolved.set)
    EDDY_RETURN_IF_ERROR(resolver.resolve(action.value));
  for (auto* clause : {&resolved.add, &resolved.del}) {
    for (auto& action : *clause)
      EDDY_RETURN_IF_ERROR(resolver.resolve(action.value));
  }
  for (const auto& action : resolved.set)
    resolved_targets.push_back(&action.path);
  for (const auto& path : resolved.remove)
    resolved_targets.push_back(&path);
  for (const auto* clause : {&resolved.add, &resolved.del}) {
    for (const auto& action : *clause)
      resolved_targets.push_back(&action.path);
  }
  EDDY_RETURN_IF_ERROR(check_paths(resolved_targets, resolver));

  // ADD takes a number or a set, DELETE a set (with ADD/DELETE's own type names).
  for (const auto* clause : {&resolved.add, &resolved.del}) {
    const bool add = clause == &resolved.add;
    for (const auto& action : *clause) {
      const Type type = std::get<Literal>(action.value.v).value.type();
      if (add ? (type != Type::N && !model::is_set_type(type)) : !model::is_set_type(type)) {
        return resolver.invalid(
            std::string("Incorrect operand type for operator or function; operator: ") +
            (add ? "ADD" : "DELETE") + ", operand type: " + long_type_name(type));
      }
    }
  }
  for (const auto& action : resolved.set)
    EDDY_RETURN_IF_ERROR(resolver.check_operands(action.value));
  return resolved;
}

Result<Projection> resolve_projection(const Projection& projection, Bindings& bindings) {
  Resolver resolver(ExpressionKind::kProjection, bindings);
  Collected collected;
  for (const auto& path : projection.paths)
    collected.add(path);
  EDDY_RETURN_IF_ERROR(resolver.check_reserved(collected.paths));
  Projection resolved = projection;
  std::vector<const Path*> paths;
  for (auto& path : resolved.paths) {
    EDDY_RETURN_IF_ERROR(resolver.resolve(path));
    paths.push_back(&path);
  }
  EDDY_RETURN_IF_ERROR(check_paths(paths, resolver));
  return resolved;
}

Status check_unused(const Bindings& bindings) {
  auto unused = [](const auto& map, const auto& used, const char* parameter) -> Status {
    std::string keys;
    for (const auto& [key, value] : map) {
      if (used.contains(key)) continue;
      keys += (keys.empty() ? "" : ", ") + key;
    }
    if (keys.empty()) return Status::ok();
    return Status::validation(std::string("Value provided in ") + parameter +
                              " unused in expressions: keys: {" + keys + "}");
  };
  EDDY_RETURN_IF_ERROR(unused(bindings.names, bindings.used_names, "ExpressionAttributeNames"));
  return unused(bindings.values, bindings.used_values, "ExpressionAttributeValues");
}

}  // namespace eddy::expr
