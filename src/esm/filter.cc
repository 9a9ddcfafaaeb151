#include "esm/filter.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace eddy::esm {

namespace detail {

enum class Op : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct Comparison {
  Op op;
  double operand;
};

struct Matcher {
  enum class Kind : uint8_t {
    kString,
    kNumber,
    kBool,
    kNull,
    kPrefix,
    kSuffix,
    kEqualsIgnoreCase,
    kPrefixIgnoreCase,
    kSuffixIgnoreCase,
    kWildcard,
    kAnythingBut,
    kNumeric,
    kExists,
  };
  Kind kind = Kind::kNull;
  std::string text;                 // ASCII-lowercased for the ignore-case kinds
  std::vector<std::string> pieces;  // wildcard: the literal runs around each '*'
  double number = 0;
  // An integer literal compares exactly with integer events: doubles lose digits past 2^53.
  std::optional<int64_t> integer;
  bool flag = false;                    // bool literal; exists
  std::vector<Matcher> excluded;        // anything-but: the value must match none of these
  std::vector<Comparison> comparisons;  // numeric: all must hold
};

struct Field {
  std::string name;
  std::unique_ptr<PatternNode> child;  // a nested object of the pattern, or
  std::vector<Matcher> leaf;           // the matchers, any of which may match
};

struct PatternNode {
  std::vector<Field> fields;  // all must match
};

}  // namespace detail

namespace {

using detail::Comparison;
using detail::Field;
using detail::Matcher;
using detail::Op;
using detail::PatternNode;
using Kind = Matcher::Kind;
using rapidjson::Value;

// Event arrays nested deeper than this are not searched: stream records never nest arrays in
// arrays, and the bound keeps a hostile record from exhausting the stack.
constexpr int kMaxEventArrayDepth = 32;

Status invalid(std::string_view path, std::string_view problem) {
  if (path.empty()) return Status::validation(fmt::format("Invalid filter pattern: {}", problem));
  return Status::validation(fmt::format("Invalid filter pattern at '{}': {}", path, problem));
}

const char* type_name(const Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  return "an object";
}

std::string_view view(const Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

char fold(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string folded(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), fold);
  return out;
}

// `lowered` is already folded.
bool equals_ignore_case(std::string_view s, std::string_view lowered) {
  return s.size() == lowered.size() && std::equal(s.begin(), s.end(), lowered.begin(),
                                                  [](char a, char b) { return fold(a) == b; });
}

// Pattern objects may repeat a key; as in EventBridge the last one wins, but the field keeps the
// position of its first appearance so errors are reported in reading order.
std::vector<std::pair<std::string_view, const Value*>> last_wins(const Value& object) {
  std::vector<std::pair<std::string_view, const Value*>> members;
  for (const auto& m : object.GetObject()) {
    const std::string_view name = view(m.name);
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const auto& entry) { return entry.first == name; });
    if (it == members.end()) {
      members.emplace_back(name, &m.value);
    } else {
      it->second = &m.value;
    }
  }
  return members;
}

Matcher literal(Kind kind, std::string text) {
  Matcher m;
  m.kind = kind;
  m.text = std::move(text);
  return m;
}

Matcher number_literal(const Value& v) {
  Matcher m;
  m.kind = Kind::kNumber;
  m.number = v.GetDouble();
  if (v.IsInt64()) m.integer = v.GetInt64();
  return m;
}

Result<Matcher> compile_wildcard(std::string_view path, std::string_view text) {
  Matcher m;
  m.kind = Kind::kWildcard;
  m.text = std::string(text);
  m.pieces.emplace_back();
  bool previous_was_star = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*') {
      // EventBridge refuses "**": it means nothing more than "*" and costs backtracking.
      if (previous_was_star) return invalid(path, "wildcard has consecutive '*' characters");
      m.pieces.emplace_back();
      previous_was_star = true;
      continue;
    }
    previous_was_star = false;
    if (c == '\\') {
      if (i + 1 == text.size() || (text[i + 1] != '*' && text[i + 1] != '\\')) {
        return invalid(path, "wildcard may escape only '*' and '\\' with '\\'");
      }
      m.pieces.back() += text[++i];
      continue;
    }
    m.pieces.back() += c;
  }
  return m;
}

bool wildcard_matches(const std::vector<std::string>& pieces, std::string_view s) {
  if (pieces.size() == 1) return s == pieces[0];
  const std::string& first = pieces.front();
  const std::string& last = pieces.back();
  if (s.size() < first.size() + last.size()) return false;
  if (!s.starts_with(first) || !s.ends_with(last)) return false;
  std::string_view middle = s.substr(first.size(), s.size() - first.size() - last.size());
  // The leftmost occurrence of each inner piece leaves the most room for the rest, so greedy
  // search is exact for patterns made only of '*'.
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    const size_t at = middle.find(pieces[i]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + pieces[i].size());
  }
  return true;
}

// The single "operator": operand member of a matcher object.
Result<std::pair<std::string_view, const Value*>> single_operator(std::string_view path,
                                                                  const Value& object) {
  auto members = last_wins(object);
  if (members.empty()) return invalid(path, "a matcher object must name an operator");
  if (members.size() > 1) {
    return invalid(path, fmt::format("a matcher object takes one operator, got '{}' and '{}'",
                                     members[0].first, members[1].first));
  }
  return members[0];
}

// prefix and suffix take a string, or {"equals-ignore-case": string}.
Result<Matcher> compile_affix(std::string_view path, std::string_view op, const Value& operand,
                              Kind exact, Kind ignoring_case) {
  if (operand.IsString()) return literal(exact, std::string(view(operand)));
  if (operand.IsObject()) {
    EDDY_ASSIGN_OR_RETURN(auto inner, single_operator(path, operand));
    if (inner.first == "equals-ignore-case" && inner.second->IsString()) {
      return literal(ignoring_case, folded(view(*inner.second)));
    }
  }
  return invalid(path, fmt::format("'{}' takes a string or {{\"equals-ignore-case\": string}}, "
                                   "not {}",
                                   op, type_name(operand)));
}

// The string operators anything-but accepts inside an object, each with a string or an array
// of strings: {"anything-but": {"prefix": "us-"}}.
Status compile_excluded_strings(std::string_view path, std::string_view op, const Value& operand,
                                std::vector<Matcher>* excluded) {
  if (op != "prefix" && op != "suffix" && op != "equals-ignore-case" && op != "wildcard") {
    return invalid(path, fmt::format("anything-but does not take '{}'; use prefix, suffix, "
                                     "equals-ignore-case or wildcard",
                                     op));
  }
  const auto add = [&](std::string_view text) -> Status {
    if (op == "wildcard") {
      EDDY_ASSIGN_OR_RETURN(auto m, compile_wildcard(path, text));
      excluded->push_back(std::move(m));
    } else if (op == "equals-ignore-case") {
      excluded->push_back(literal(Kind::kEqualsIgnoreCase, folded(text)));
    } else {
      excluded->push_back(
          literal(op == "prefix" ? Kind::kPrefix : Kind::kSuffix, std::string(text)));
    }
    return Status::ok();
  };
  if (operand.IsString()) return add(view(operand));
  const auto is_string = [](const Value& v) { return v.IsString(); };
  if (operand.IsArray() && !operand.Empty() &&
      std::all_of(operand.Begin(), operand.End(), is_string)) {
    for (const auto& item : operand.GetArray())
      EDDY_RETURN_IF_ERROR(add(view(item)));
    return Status::ok();
  }
  return invalid(path, fmt::format("anything-but '{}' takes a string or a non-empty array of "
                                   "strings, not {}",
                                   op, type_name(operand)));
}

Result<Matcher> compile_anything_but(std::string_view path, const Value& operand) {
  Matcher m;
  m.kind = Kind::kAnythingBut;
  const auto add_literal = [&](const Value& v) {
    if (v.IsString()) {
      m.excluded.push_back(literal(Kind::kString, std::string(view(v))));
    } else if (v.IsNumber()) {
      m.excluded.push_back(number_literal(v));
    } else {
      return false;
    }
    return true;
  };
  if (operand.IsObject()) {
    EDDY_ASSIGN_OR_RETURN(auto inner, single_operator(path, operand));
    EDDY_RETURN_IF_ERROR(compile_excluded_strings(path, inner.first, *inner.second, &m.excluded));
    return m;
  }
  if (operand.IsArray()) {
    if (operand.Empty()) return invalid(path, "anything-but has an empty array");
    for (const auto& item : operand.GetArray()) {
      if (!add_literal(item)) {
        return invalid(path, fmt::format("anything-but lists only strings and numbers, not {}",
                                         type_name(item)));
      }
    }
    return m;
  }
  if (add_literal(operand)) return m;
  return invalid(path, fmt::format("anything-but takes a string, a number, an array of them or "
                                   "an object such as {{\"prefix\": ...}}, not {}",
                                   type_name(operand)));
}

std::optional<Op> parse_op(const Value& v) {
  if (!v.IsString()) return std::nullopt;
  const std::string_view s = view(v);
  if (s == "=") return Op::kEq;
  if (s == "!=") return Op::kNe;
  if (s == "<") return Op::kLt;
  if (s == "<=") return Op::kLe;
  if (s == ">") return Op::kGt;
  if (s == ">=") return Op::kGe;
  return std::nullopt;
}

bool is_lower_bound(Op op) {
  return op == Op::kGt || op == Op::kGe;
}
bool is_upper_bound(Op op) {
  return op == Op::kLt || op == Op::kLe;
}

Result<Matcher> compile_numeric(std::string_view path, const Value& operand) {
  const auto bad = [&](std::string_view why) {
    return invalid(path, fmt::format("numeric {}; write e.g. [\">\", 10, \"<=\", 20]", why));
  };
  if (!operand.IsArray()) return bad(fmt::format("takes an array, not {}", type_name(operand)));
  if (operand.Size() != 2 && operand.Size() != 4) {
    return bad("takes one or two comparisons, each an operator and a number");
  }
  Matcher m;
  m.kind = Kind::kNumeric;
  for (rapidjson::SizeType i = 0; i < operand.Size(); i += 2) {
    const auto op = parse_op(operand[i]);
    if (!op) return bad("operators are =, !=, <, <=, >, >=");
    if (!operand[i + 1].IsNumber()) {
      return bad(fmt::format("compares with numbers, not {}", type_name(operand[i + 1])));
    }
    m.comparisons.push_back({*op, operand[i + 1].GetDouble()});
  }
  if (m.comparisons.size() == 2) {
    // Two comparisons make a range: anything else is either redundant or never true.
    Comparison lower = m.comparisons[0];
    Comparison upper = m.comparisons[1];
    if (is_upper_bound(lower.op)) std::swap(lower, upper);
    if (!is_lower_bound(lower.op) || !is_upper_bound(upper.op)) {
      return bad("with two comparisons needs one of > >= and one of < <=");
    }
    if (lower.operand > upper.operand) return bad("range has its lower bound above its upper");
  }
  return m;
}

Result<Matcher> compile_operator(std::string_view path, const Value& object) {
  EDDY_ASSIGN_OR_RETURN(auto member, single_operator(path, object));
  const auto [op, operand] = member;
  if (op == "prefix")
    return compile_affix(path, op, *operand, Kind::kPrefix, Kind::kPrefixIgnoreCase);
  if (op == "suffix")
    return compile_affix(path, op, *operand, Kind::kSuffix, Kind::kSuffixIgnoreCase);
  if (op == "equals-ignore-case") {
    if (!operand->IsString()) {
      return invalid(path,
                     fmt::format("equals-ignore-case takes a string, not {}", type_name(*operand)));
    }
    return literal(Kind::kEqualsIgnoreCase, folded(view(*operand)));
  }
  if (op == "wildcard") {
    if (!operand->IsString()) {
      return invalid(path, fmt::format("wildcard takes a string, not {}", type_name(*operand)));
    }
    return compile_wildcard(path, view(*operand));
  }
  if (op == "anything-but") return compile_anything_but(path, *operand);
  if (op == "numeric") return compile_numeric(path, *operand);
  if (op == "exists") {
    if (!operand->IsBool()) {
      return invalid(path, fmt::format("exists takes true or false, not {}", type_name(*operand)));
    }
    Matcher m;
    m.kind = Kind::kExists;
    m.flag = operand->GetBool();
    return m;
  }
  return invalid(path, fmt::format("unknown operator '{}'; the operators are prefix, suffix, "
                                   "equals-ignore-case, wildcard, anything-but, numeric and exists",
                                   op));
}

Result<std::vector<Matcher>> compile_leaf(std::string_view path, const Value& array) {
  if (array.Empty()) return invalid(path, "the array of values to match is empty");
  std::vector<Matcher> leaf;
  for (const auto& item : array.GetArray()) {
    if (item.IsString()) {
      leaf.push_back(literal(Kind::kString, std::string(view(item))));
    } else if (item.IsNumber()) {
      leaf.push_back(number_literal(item));
    } else if (item.IsBool()) {
      Matcher m;
      m.kind = Kind::kBool;
      m.flag = item.GetBool();
      leaf.push_back(std::move(m));
    } else if (item.IsNull()) {
      leaf.push_back(literal(Kind::kNull, {}));
    } else if (item.IsObject()) {
      EDDY_ASSIGN_OR_RETURN(auto m, compile_operator(path, item));
      leaf.push_back(std::move(m));
    } else {
      return invalid(path, "an array of values to match may not contain arrays");
    }
  }
  return leaf;
}

Result<std::unique_ptr<PatternNode>> compile_node(const std::string& path, const Value& object,
                                                  int depth) {
  if (depth > FilterPattern::kMaxDepth) {
    return invalid(path, fmt::format("nests more than {} objects deep", FilterPattern::kMaxDepth));
  }
  const auto members = last_wins(object);
  if (members.empty()) return invalid(path, "an object of the pattern must name a field");
  auto node = std::make_unique<PatternNode>();
  for (const auto& [name, value] : members) {
    Field field;
    field.name = std::string(name);
    const std::string child_path = path.empty() ? field.name : fmt::format("{}.{}", path, name);
    if (value->IsObject()) {
      EDDY_ASSIGN_OR_RETURN(field.child, compile_node(child_path, *value, depth + 1));
    } else if (value->IsArray()) {
      EDDY_ASSIGN_OR_RETURN(field.leaf, compile_leaf(child_path, *value));
    } else {
      return invalid(child_path,
                     fmt::format("must be an array of values to match or an object of fields, "
                                 "not {}",
                                 type_name(*value)));
    }
    node->fields.push_back(std::move(field));
  }
  return node;
}

bool numbers_equal(const Matcher& m, const Value& v) {
  if (m.integer && v.IsInt64()) return *m.integer == v.GetInt64();
  return m.number == v.GetDouble();
}

bool compare(const Comparison& c, double x) {
  switch (c.op) {
    case Op::kEq:
      return x == c.operand;
    case Op::kNe:
      return x != c.operand;
    case Op::kLt:
      return x < c.operand;
    case Op::kLe:
      return x <= c.operand;
    case Op::kGt:
      return x > c.operand;
    case Op::kGe:
      return x >= c.operand;
  }
  return false;
}

// `v` is present and not an array.
bool value_matches(const Matcher& m, const Value& v) {
  switch (m.kind) {
    case Kind::kString:
      return v.IsString() && view(v) == m.text;
    case Kind::kNumber:
      return v.IsNumber() && numbers_equal(m, v);
    case Kind::kBool:
      return v.IsBool() && v.GetBool() == m.flag;
    case Kind::kNull:
      return v.IsNull();
    case Kind::kPrefix:
      return v.IsString() && view(v).starts_with(m.text);
    case Kind::kSuffix:
      return v.IsString() && view(v).ends_with(m.text);
    case Kind::kEqualsIgnoreCase:
      return v.IsString() && equals_ignore_case(view(v), m.text);
    case Kind::kPrefixIgnoreCase:
      return v.IsString() && view(v).size() >= m.text.size() &&
             equals_ignore_case(view(v).substr(0, m.text.size()), m.text);
    case Kind::kSuffixIgnoreCase:
      return v.IsString() && view(v).size() >= m.text.size() &&
             equals_ignore_case(view(v).substr(view(v).size() - m.text.size()), m.text);
    case Kind::kWildcard:
      return v.IsString() && wildcard_matches(m.pieces, view(v));
    case Kind::kAnythingBut:
      return std::none_of(m.excluded.begin(), m.excluded.end(),
                          [&](const Matcher& e) { return value_matches(e, v); });
    case Kind::kNumeric:
      return v.IsNumber() &&
             std::all_of(m.comparisons.begin(), m.comparisons.end(),
                         [&](const Comparison& c) { return compare(c, v.GetDouble()); });
    case Kind::kExists:
      return m.flag;
  }
  return false;
}

// An absent field (nullptr) and an empty array both offer no value, so only {"exists": false}
// matches them; in a non-empty array any element may match.
bool leaf_matches(const std::vector<Matcher>& leaf, const Value* v, int array_depth) {
  if (v == nullptr || (v->IsArray() && v->Empty())) {
    return std::any_of(leaf.begin(), leaf.end(),
                       [](const Matcher& m) { return m.kind == Kind::kExists && !m.flag; });
  }
  if (v->IsArray()) {
    if (array_depth >= kMaxEventArrayDepth) return false;
    for (const auto& item : v->GetArray()) {
      if (leaf_matches(leaf, &item, array_depth + 1)) return true;
    }
    return false;
  }
  return std::any_of(leaf.begin(), leaf.end(),
                     [&](const Matcher& m) { return value_matches(m, *v); });
}

// A field that is absent or not an object gives its sub-fields no value; an array of objects
// matches when one element matches the whole sub-pattern, not fields from different elements.
bool node_matches(const PatternNode& node, const Value* v, int array_depth) {
  if (v != nullptr && v->IsArray() && !v->Empty()) {
    if (array_depth >= kMaxEventArrayDepth) return false;
    for (const auto& item : v->GetArray()) {
      if (node_matches(node, &item, array_depth + 1)) return true;
    }
    return false;
  }
  const Value* object = v != nullptr && v->IsObject() ? v : nullptr;
  for (const Field& field : node.fields) {
    const Value* child = nullptr;
    if (object != nullptr) {
      auto it =
          object->FindMember(Value(rapidjson::StringRef(field.name.data(), field.name.size())));
      if (it != object->MemberEnd()) child = &it->value;
    }
    const bool ok = field.child ? node_matches(*field.child, child, array_depth)
                                : leaf_matches(field.leaf, child, array_depth);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<FilterPattern> FilterPattern::parse(std::string_view pattern_json) {
  if (pattern_json.size() > kMaxPatternBytes) {
    return invalid("", fmt::format("the pattern is {} bytes; the limit is {}", pattern_json.size(),
                                   kMaxPatternBytes));
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(pattern_json.data(), pattern_json.size());
  if (doc.HasParseError()) {
    return invalid(
        "", fmt::format("not valid JSON: {} (at offset {})",
                        rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) {
    return invalid("", fmt::format("the pattern must be a JSON object, not {}", type_name(doc)));
  }
  EDDY_ASSIGN_OR_RETURN(auto root, compile_node("", doc, 1));
  return FilterPattern(std::shared_ptr<const PatternNode>(std::move(root)));
}

bool FilterPattern::matches(const rapidjson::Value& event) const {
  return node_matches(*root_, &event, 0);
}

Result<FilterCriteria> FilterCriteria::parse(const std::vector<std::string>& patterns) {
  if (patterns.size() > kMaxPatterns) {
    return Status::validation(fmt::format("FilterCriteria takes at most {} filters, got {}",
                                          kMaxPatterns, patterns.size()));
  }
  FilterCriteria criteria;
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto pattern = FilterPattern::parse(patterns[i]);
    if (!pattern) {
      return Status::validation(fmt::format("filter {}: {}", i + 1, pattern.status().message()));
    }
    criteria.compiled_.push_back(std::move(pattern).value());
  }
  criteria.texts_ = patterns;
  return criteria;
}

bool FilterCriteria::matches(const rapidjson::Value& event) const {
  if (compiled_.empty()) return true;
  return std::any_of(compiled_.begin(), compiled_.end(),
                     [&](const FilterPattern& p) { return p.matches(event); });
}

bool FilterCriteria::matches_json(std::string_view record_json) const {
  rapidjson::Document doc;
  // Iterative: a record's depth is not ours to bound, and the recursive parser would follow it.
  doc.Parse<rapidjson::kParseIterativeFlag>(record_json.data(), record_json.size());
  if (doc.HasParseError()) return false;
  return matches(doc);
}

}  // namespace eddy::esm
