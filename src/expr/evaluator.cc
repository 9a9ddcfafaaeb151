#include "expr/evaluator.h"

#include <algorithm>
#include <map>

namespace eddy::expr {

namespace {

using model::AttributeValue;
using model::Item;
using model::List;
using model::Map;
using model::Number;
using model::Type;

// ---- reading ----

const AttributeValue* child(const AttributeValue& value, const PathElement& element) {
  if (element.is_index()) {
    if (!value.is<List>()) return nullptr;
    const List& list = value.as<List>();
    return static_cast<size_t>(element.index) < list.size() ? &list[element.index] : nullptr;
  }
  if (!value.is<Map>()) return nullptr;
  const Map& map = value.as<Map>();
  auto it = map.find(element.name);
  return it == map.end() ? nullptr : &it->second;
}

// A value an operand stands for: borrowed from the item or the expression, or computed.
struct Value {
  const AttributeValue* borrowed = nullptr;
  std::optional<AttributeValue> owned;
  const AttributeValue* get() const { return owned ? &*owned : borrowed; }
};

// size(): characters are counted as UTF-8 bytes, as DynamoDB documents for PartiQL's SIZE
// ("an attribute's size in bytes"); sets, lists and maps count their elements.
std::optional<int64_t> size_of(const AttributeValue& v) {
  switch (v.type()) {
    case Type::S:
      return static_cast<int64_t>(v.as<std::string>().size());
    case Type::B:
      return static_cast<int64_t>(v.as<model::Binary>().bytes.size());
    case Type::SS:
      return static_cast<int64_t>(v.as<model::StringSet>().members.size());
    case Type::NS:
      return static_cast<int64_t>(v.as<model::NumberSet>().members.size());
    case Type::BS:
      return static_cast<int64_t>(v.as<model::BinarySet>().members.size());
    case Type::L:
      return static_cast<int64_t>(v.as<List>().size());
    case Type::M:
      return static_cast<int64_t>(v.as<Map>().size());
    default:
      return std::nullopt;  // N, BOOL, NULL have no size: the comparison is false
  }
}

Value operand_value(const Operand& operand, const Item* item) {
  if (const auto* path = std::get_if<Path>(&operand.v)) {
    return {item ? find(*item, *path) : nullptr, std::nullopt};
  }
  if (const auto* literal = std::get_if<Literal>(&operand.v))
    return {&literal->value, std::nullopt};
  if (const auto* call = std::get_if<FunctionCall>(&operand.v); call && call->name == "size") {
    Value arg = operand_value(call->args[0], item);
    if (!arg.get()) return {};
    if (auto size = size_of(*arg.get()))
      return {nullptr, AttributeValue(Number::from_int64(*size))};
  }
  return {};
}

// Ordering for <, <=, >, >=, BETWEEN: only two values of the same scalar type S, N or B.
std::optional<int> compare(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return std::nullopt;
  auto sign = [](auto x) { return x < 0 ? -1 : x > 0 ? 1 : 0; };
  switch (a.type()) {
    case Type::S:
      return sign(a.as<std::string>().compare(b.as<std::string>()));
    case Type::B:
      return sign(a.as<model::Binary>().bytes.compare(b.as<model::Binary>().bytes));
    case Type::N: {
      auto order = a.as<Number>() <=> b.as<Number>();
      return order < 0 ? -1 : order > 0 ? 1 : 0;
    }
    default:
      return std::nullopt;
  }
}

bool contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case Type::S:
      return needle.is<std::string>() &&
             haystack.as<std::string>().find(needle.as<std::string>()) != std::string::npos;
    case Type::B:
      return needle.is<model::Binary>() &&
             haystack.as<model::Binary>().bytes.find(needle.as<model::Binary>().bytes) !=
                 std::string::npos;
    case Type::SS: {
      const auto& m = haystack.as<model::StringSet>().members;
      return needle.is<std::string>() &&
             std::binary_search(m.begin(), m.end(), needle.as<std::string>());
    }
    case Type::NS: {
      const auto& m = haystack.as<model::NumberSet>().members;
      return needle.is<Number>() && std::binary_search(m.begin(), m.end(), needle.as<Number>());
    }
    case Type::BS: {
      const auto& m = haystack.as<model::BinarySet>().members;
      return needle.is<model::Binary>() &&
             std::binary_search(m.begin(), m.end(), needle.as<model::Binary>().bytes);
    }
    case Type::L: {
      const auto& l = haystack.as<List>();
      return std::find(l.begin(), l.end(), needle) != l.end();
    }
    default:
      return false;
  }
}

bool begins_with(const AttributeValue& value, const AttributeValue& prefix) {
  if (value.is<std::string>() && prefix.is<std::string>()) {
    return value.as<std::string>().starts_with(prefix.as<std::string>());
  }
  if (value.is<model::Binary>() && prefix.is<model::Binary>()) {
    return value.as<model::Binary>().bytes.starts_with(prefix.as<model::Binary>().bytes);
  }
  return false;
}

bool evaluate_comparison(Comparator op, const AttributeValue* a, const AttributeValue* b) {
  // A missing operand equals nothing; "<>" is then true (reference: Alternator's tests).
  if (op == Comparator::kEq) return a && b && *a == *b;
  if (op == Comparator::kNe) return !(a && b && *a == *b);
  if (!a || !b) return false;
  auto order = compare(*a, *b);
  if (!order) return false;
  switch (op) {
    case Comparator::kLt:
      return *order < 0;
    case Comparator::kLe:
      return *order <= 0;
    case Comparator::kGt:
      return *order > 0;
    case Comparator::kGe:
      return *order >= 0;
    default:
      return false;
  }
}

// ---- writing (updates) ----

Status invalid_path() {
  return Status::validation(
      "The document path provided in the update expression is invalid for update");
}
Status missing_attribute() {
  return Status::validation(
      "The provided expression refers to an attribute that does not exist in the item");
}
Status wrong_data_type() {
  return Status::validation("An operand in the update expression has an incorrect data type");
}

// The container that holds the last element of `path` in `item`: a map (for a name) or a
// list (for an index). Null when a parent is missing or of another type.
AttributeValue* parent_of(Item& item, const Path& path, Map** top) {
  *top = &item;
  if (path.elements.size() == 1) return nullptr;
  auto it = item.find(path.elements[0].name);
  if (path.elements[0].is_index() || it == item.end()) return nullptr;
  AttributeValue* node = &it->second;
  for (size_t i = 1; i + 1 < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    if (e.is_index()) {
      if (!node->is<List>() || static_cast<size_t>(e.index) >= node->as<List>().size())
        return nullptr;
      node = &node->as<List>()[e.index];
    } else {
      if (!node->is<Map>()) return nullptr;
      auto found = node->as<Map>().find(e.name);
      if (found == node->as<Map>().end()) return nullptr;
      node = &found->second;
    }
  }
  return node;
}

Status set_at(Item& item, const Path& path, AttributeValue value) {
  Map* top;
  AttributeValue* parent = parent_of(item, path, &top);
  const PathElement& last = path.elements.back();
  if (path.elements.size() == 1) {
    if (last.is_index()) return invalid_path();
    item[last.name] = std::move(value);
    return Status::ok();
  }
  if (!parent) return invalid_path();
  if (last.is_index()) {
    if (!parent->is<List>()) return invalid_path();
    List& list = parent->as<List>();
    // Past the end appends (DynamoDB does not pad lists).
    if (static_cast<size_t>(last.index) < list.size()) {
      list[last.index] = std::move(value);
    } else {
      list.push_back(std::move(value));
    }
    return Status::ok();
  }
  if (!parent->is<Map>()) return invalid_path();
  parent->as<Map>()[last.name] = std::move(value);
  return Status::ok();
}

// REMOVE: a missing element is nothing to do; a missing or mistyped parent is an error on an
// existing item and nothing on a missing one (DynamoDB, per Alternator's tests).
Status remove_at(Item& item, const Path& path, bool item_existed) {
  Map* top;
  AttributeValue* parent = parent_of(item, path, &top);
  const PathElement& last = path.elements.back();
  if (path.elements.size() == 1) {
    item.erase(last.name);
    return Status::ok();
  }
  if (!parent) return item_existed ? invalid_path() : Status::ok();
  if (last.is_index()) {
    if (!parent->is<List>()) return item_existed ? invalid_path() : Status::ok();
    List& list = parent->as<List>();
    if (static_cast<size_t>(last.index) < list.size()) list.erase(list.begin() + last.index);
    return Status::ok();
  }
  if (!parent->is<Map>()) return item_existed ? invalid_path() : Status::ok();
  parent->as<Map>().erase(last.name);
  return Status::ok();
}

template <typename Set>
Set set_union(const Set& a, const Set& b) {
  Set out;
  std::set_union(a.members.begin(), a.members.end(), b.members.begin(), b.members.end(),
                 std::back_inserter(out.members));
  return out;
}
template <typename Set>
Set set_difference(const Set& a, const Set& b) {
  Set out;
  std::set_difference(a.members.begin(), a.members.end(), b.members.begin(), b.members.end(),
                      std::back_inserter(out.members));
  return out;
}

// SET's right-hand side, read from the item as it was before the update.
Result<AttributeValue> set_value(const Operand& operand, const Item& original) {
  if (const auto* literal = std::get_if<Literal>(&operand.v)) return literal->value;
  if (const auto* path = std::get_if<Path>(&operand.v)) {
    const AttributeValue* v = find(original, *path);
    if (!v) return missing_attribute();
    return *v;
  }
  if (const auto* call = std::get_if<FunctionCall>(&operand.v)) {
    if (call->name == "if_not_exists") {
      if (const AttributeValue* v = find(original, std::get<Path>(call->args[0].v))) return *v;
      return set_value(call->args[1], original);
    }
    // list_append
    EDDY_ASSIGN_OR_RETURN(AttributeValue a, set_value(call->args[0], original));
    EDDY_ASSIGN_OR_RETURN(AttributeValue b, set_value(call->args[1], original));
    if (!a.is<List>() || !b.is<List>()) return wrong_data_type();
    List joined = a.as<List>();
    joined.insert(joined.end(), b.as<List>().begin(), b.as<List>().end());
    return AttributeValue(std::move(joined));
  }
  const auto& arithmetic = std::get<Arithmetic>(operand.v);
  EDDY_ASSIGN_OR_RETURN(AttributeValue a, set_value(*arithmetic.lhs, original));
  EDDY_ASSIGN_OR_RETURN(AttributeValue b, set_value(*arithmetic.rhs, original));
  if (!a.is<Number>() || !b.is<Number>()) return wrong_data_type();
  auto result = arithmetic.op == '+' ? a.as<Number>().add(b.as<Number>())
                                     : a.as<Number>().subtract(b.as<Number>());
  if (!result) return result.status();
  return AttributeValue(std::move(result).value());
}

// ---- projection ----

// The projection under construction: for each path, the value at its end is added to the
// draft; lists are drafted as index -> element maps and keep their order, without gaps.
struct Draft;
using DraftMap = std::map<std::string, Draft>;
using DraftList = std::map<int64_t, Draft>;
struct Draft {
  std::optional<AttributeValue> whole;  // a value taken whole
  std::unique_ptr<DraftMap> map;
  std::unique_ptr<DraftList> list;
};

void add_to_draft(Draft& draft, const AttributeValue& source, const Path& path, size_t from) {
  if (from == path.elements.size()) {
    draft.whole = source;
    return;
  }
  if (draft.whole) return;  // an enclosing path already takes it whole
  const PathElement& e = path.elements[from];
  const AttributeValue* next = child(source, e);
  if (!next) return;
  if (e.is_index()) {
    if (!draft.list) draft.list = std::make_unique<DraftList>();
    add_to_draft((*draft.list)[e.index], *next, path, from + 1);
  } else {
    if (!draft.map) draft.map = std::make_unique<DraftMap>();
    add_to_draft((*draft.map)[e.name], *next, path, from + 1);
  }
}

std::optional<AttributeValue> finish(const Draft& draft) {
  if (draft.whole) return draft.whole;
  if (draft.map) {
    Map map;
    for (const auto& [name, d] : *draft.map) {
      if (auto v = finish(d)) map.emplace(name, std::move(*v));
    }
    return AttributeValue(std::move(map));
  }
  if (draft.list) {
    List list;
    for (const auto& [index, d] : *draft.list) {
      if (auto v = finish(d)) list.push_back(std::move(*v));
    }
    return AttributeValue(std::move(list));
  }
  return std::nullopt;
}

}  // namespace

const AttributeValue* find(const Item& item, const Path& path) {
  if (path.elements.empty() || path.elements[0].is_index()) return nullptr;
  auto it = item.find(path.elements[0].name);
  if (it == item.end()) return nullptr;
  const AttributeValue* node = &it->second;
  for (size_t i = 1; i < path.elements.size() && node; ++i)
    node = child(*node, path.elements[i]);
  return node;
}

bool evaluate(const Condition& condition, const Item* item) {
  return std::visit(
      [item](const auto& c) -> bool {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, Comparison>) {
          Value a = operand_value(c.lhs, item), b = operand_value(c.rhs, item);
          return evaluate_comparison(c.op, a.get(), b.get());
        } else if constexpr (std::is_same_v<T, Between>) {
          Value v = operand_value(c.value, item), lo = operand_value(c.low, item),
                hi = operand_value(c.high, item);
          if (!v.get() || !lo.get() || !hi.get()) return false;
          auto above = compare(*v.get(), *lo.get());
          auto below = compare(*v.get(), *hi.get());
          return above && below && *above >= 0 && *below <= 0;
        } else if constexpr (std::is_same_v<T, In>) {
          Value v = operand_value(c.value, item);
          if (!v.get()) return false;
          for (const auto& candidate : c.candidates) {
            Value x = operand_value(candidate, item);
            if (x.get() && *x.get() == *v.get()) return true;
          }
          return false;
        } else if constexpr (std::is_same_v<T, ConditionFunction>) {
          Value first = operand_value(c.args[0], item);
          if (c.name == "attribute_exists") return first.get() != nullptr;
          if (c.name == "attribute_not_exists") return first.get() == nullptr;
          Value second = operand_value(c.args[1], item);
          if (!first.get() || !second.get()) return false;
          if (c.name == "attribute_type") {
            return second.get()->template is<std::string>() &&
                   second.get()->template as<std::string>() ==
                       model::type_name(first.get()->type());
          }
          if (c.name == "begins_with") return begins_with(*first.get(), *second.get());
          return contains(*first.get(), *second.get());  // contains
        } else if constexpr (std::is_same_v<T, Not>) {
          return !evaluate(*c.operand, item);
        } else if constexpr (std::is_same_v<T, And>) {
          return evaluate(*c.lhs, item) && evaluate(*c.rhs, item);
        } else {
          return evaluate(*c.lhs, item) || evaluate(*c.rhs, item);
        }
      },
      condition.v);
}

Status check_key_not_updated(const Update& update, const model::KeySchema& schema) {
  auto check = [&schema](const Path& path) -> Status {
    const std::string& top = path.elements[0].name;
    if (top == schema.partition.name || (schema.sort && top == schema.sort->name)) {
      return Status::validation(
          "One or more parameter values were invalid: Cannot update attribute " + top +
          ". This attribute is part of the key");
    }
    return Status::ok();
  };
  for (const auto& action : update.set)
    EDDY_RETURN_IF_ERROR(check(action.path));
  for (const auto& path : update.remove)
    EDDY_RETURN_IF_ERROR(check(path));
  for (const auto* clause : {&update.add, &update.del}) {
    for (const auto& action : *clause)
      EDDY_RETURN_IF_ERROR(check(action.path));
  }
  return Status::ok();
}

Result<UpdateOutcome> apply_update(const Update& update, const Item* current, const Item& key) {
  const Item original = current ? *current : key;
  UpdateOutcome out{original, {}};
  Item& item = out.item;

  // Every right-hand side first, from the item as it was.
  std::vector<AttributeValue> values;
  values.reserve(update.set.size());
  for (const auto& action : update.set) {
    EDDY_ASSIGN_OR_RETURN(AttributeValue v, set_value(action.value, original));
    values.push_back(std::move(v));
  }
  for (size_t i = 0; i < update.set.size(); ++i) {
    EDDY_RETURN_IF_ERROR(set_at(item, update.set[i].path, std::move(values[i])));
    out.touched.insert(update.set[i].path.elements[0].name);
  }

  // List indexes in REMOVE refer to the list as it was: remove higher indexes first.
  std::vector<const Path*> removals;
  for (const auto& path : update.remove)
    removals.push_back(&path);
  std::stable_sort(removals.begin(), removals.end(), [](const Path* a, const Path* b) {
    const auto& x = a->elements.back();
    const auto& y = b->elements.back();
    return x.is_index() && y.is_index() && x.index > y.index;
  });
  for (const Path* path : removals) {
    EDDY_RETURN_IF_ERROR(remove_at(item, *path, current != nullptr));
    out.touched.insert(path->elements[0].name);
  }

  for (const auto& action : update.add) {
    const AttributeValue& operand = std::get<Literal>(action.value.v).value;
    const AttributeValue* existing = find(item, action.path);
    AttributeValue result = operand;
    if (existing) {
      if (existing->type() != operand.type()) return wrong_data_type();
      switch (operand.type()) {
        case Type::N: {
          auto sum = existing->as<Number>().add(operand.as<Number>());
          if (!sum) return sum.status();
          result = AttributeValue(std::move(sum).value());
          break;
        }
        case Type::SS:
          result = set_union(existing->as<model::StringSet>(), operand.as<model::StringSet>());
          break;
        case Type::NS:
          result = set_union(existing->as<model::NumberSet>(), operand.as<model::NumberSet>());
          break;
        case Type::BS:
          result = set_union(existing->as<model::BinarySet>(), operand.as<model::BinarySet>());
          break;
        default:
          return wrong_data_type();
      }
    }
    EDDY_RETURN_IF_ERROR(set_at(item, action.path, std::move(result)));
    out.touched.insert(action.path.elements[0].name);
  }

  for (const auto& action : update.del) {
    const AttributeValue& operand = std::get<Literal>(action.value.v).value;
    const AttributeValue* existing = find(item, action.path);
    if (!existing) continue;  // deleting from nothing does nothing
    if (existing->type() != operand.type()) return wrong_data_type();
    AttributeValue result;
    size_t left = 0;
    switch (operand.type()) {
      case Type::SS: {
        auto s = set_difference(existing->as<model::StringSet>(), operand.as<model::StringSet>());
        left = s.members.size();
        result = AttributeValue(std::move(s));
        break;
      }
      case Type::NS: {
        auto s = set_difference(existing->as<model::NumberSet>(), operand.as<model::NumberSet>());
        left = s.members.size();
        result = AttributeValue(std::move(s));
        break;
      }
      default: {
        auto s = set_difference(existing->as<model::BinarySet>(), operand.as<model::BinarySet>());
        left = s.members.size();
        result = AttributeValue(std::move(s));
        break;
      }
    }
    // A set cannot be empty: deleting its last members removes the attribute.
    EDDY_RETURN_IF_ERROR(left == 0 ? remove_at(item, action.path, true)
                                   : set_at(item, action.path, std::move(result)));
    out.touched.insert(action.path.elements[0].name);
  }
  return out;
}

Item project(const Projection& projection, const Item& item) {
  DraftMap top;
  for (const Path& path : projection.paths) {
    const PathElement& first = path.elements[0];
    auto it = item.find(first.name);
    if (it == item.end()) continue;
    add_to_draft(top[first.name], it->second, path, 1);
  }
  Item out;
  for (const auto& [name, draft] : top) {
    if (auto v = finish(draft)) out.emplace(name, std::move(*v));
  }
  return out;
}

}  // namespace eddy::expr
