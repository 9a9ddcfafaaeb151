// Golden tests for the expression language, DuckDB style: every file in golden/ holds blocks
//
//   # comments (the source of a DynamoDB behaviour goes here)
//   <kind>: <expression>            kind: condition | filter | key | update | projection
//   names: {"#n": "name"}           optional: ExpressionAttributeNames
//   values: {":v": {"S": "x"}}      optional: ExpressionAttributeValues
//   item: {"a": {"N": "1"}} | none  optional: evaluate on this item (none: no item)
//   key: {"id": {"S": "k"}}         optional, updates: the key of a missing item
//   schema: pk S [sk N]             optional, key conditions: compile to a key range
//   ----
//   <the printed tree, or "error: " and DynamoDB's exact message>
//
// A case with names or values is resolved too (placeholders substituted, then the unused
// check); one without is only parsed. A case with an item is then evaluated: a condition
// prints true or false, an update the new item, a projection the projected item.
//
// separated by blank lines. One GoogleTest case per block, named after its file and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "expr/evaluator.h"
#include "expr/key_condition.h"
#include "expr/parser.h"
#include "expr/printer.h"
#include "expr/resolver.h"
#include "model/json_codec.h"

namespace eddy::expr {
namespace {

struct Case {
  std::string where;  // file:line
  std::string kind;
  std::string expression;
  std::optional<std::string> names;   // JSON
  std::optional<std::string> values;  // JSON
  std::optional<std::string> item;    // JSON, or "none"
  std::optional<std::string> key;     // JSON
  std::optional<std::string> schema;  // "pk S" or "pk S sk N"
  std::string expected;
};

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  const std::filesystem::path dir = std::filesystem::path(EDDY_TEST_DIR) / "golden";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    int number = 0;
    Case current;
    enum { kSeek, kHeader, kExpected } state = kSeek;
    auto finish = [&] {
      if (state == kExpected) {
        while (!current.expected.empty() && current.expected.back() == '\n') {
          current.expected.pop_back();
        }
        cases.push_back(current);
      }
      state = kSeek;
      current = Case{};
    };
    while (std::getline(in, line)) {
      ++number;
      if (state == kExpected) {
        if (line.empty()) {
          finish();
        } else {
          current.expected += line + "\n";
        }
        continue;
      }
      if (line.empty() || line[0] == '#') continue;
      if (state == kSeek) {
        const size_t colon = line.find(": ");
        if (colon == std::string::npos) {
          ADD_FAILURE() << file << ":" << number << ": expected '<kind>: <expression>'";
          continue;
        }
        current.where = file.filename().string() + ":" + std::to_string(number);
        current.kind = line.substr(0, colon);
        current.expression = line.substr(colon + 2);
        state = kHeader;
      } else if (line == "----") {
        state = kExpected;
      } else if (line.starts_with("names: ")) {
        current.names = line.substr(7);
      } else if (line.starts_with("values: ")) {
        current.values = line.substr(8);
      } else if (line.starts_with("item: ")) {
        current.item = line.substr(6);
      } else if (line.starts_with("key: ")) {
        current.key = line.substr(5);
      } else if (line.starts_with("schema: ")) {
        current.schema = line.substr(8);
      } else {
        ADD_FAILURE() << file << ":" << number << ": unexpected line: " << line;
      }
    }
    finish();
  }
  return cases;
}

template <typename T>
std::string outcome(const Result<T>& result) {
  if (!result.is_ok()) return "error: " + result.status().message();
  return to_string(*result);
}

Result<Bindings> load_bindings(const Case& c) {
  Bindings bindings;
  if (c.names) {
    rapidjson::Document doc;
    doc.Parse(c.names->data(), c.names->size());
    if (doc.HasParseError() || !doc.IsObject()) return Status::internal("bad names JSON");
    for (const auto& member : doc.GetObject()) {
      if (!member.value.IsString()) return Status::internal("bad names JSON");
      bindings.names.emplace(member.name.GetString(), member.value.GetString());
    }
  }
  if (c.values) {
    auto values = model::item_from_json(*c.values);
    if (!values) return values.status();
    for (auto& [key, value] : *values)
      bindings.values.emplace(key, value);
  }
  return bindings;
}

// Parses, and when the case has bindings, resolves and checks for unused placeholders.
// The evaluation of a resolved tree on the case's item.
std::string evaluate_on(const Condition& condition, const model::Item* item, const Case&) {
  return evaluate(condition, item) ? "true" : "false";
}
std::string evaluate_on(const Update& update, const model::Item* item, const Case& c) {
  model::Item key;
  if (c.key) {
    auto parsed = model::item_from_json(*c.key);
    if (!parsed) return "error: bad key: " + parsed.status().message();
    key = *parsed;
  }
  auto result = apply_update(update, item, key);
  if (!result) return "error: " + result.status().message();
  return model::item_to_json(result->item);
}
std::string evaluate_on(const Projection& projection, const model::Item* item, const Case&) {
  return model::item_to_json(item ? project(projection, *item) : model::Item{});
}

std::string compile_on(const Condition& condition, const Case& c) {
  std::istringstream words(*c.schema);
  std::string pk, pk_type, sk, sk_type;
  words >> pk >> pk_type >> sk >> sk_type;
  auto key_type = [](const std::string& t) {
    return t == "N" ? model::KeyType::N : t == "B" ? model::KeyType::B : model::KeyType::S;
  };
  model::KeySchema schema{{pk, key_type(pk_type)}, std::nullopt};
  if (!sk.empty()) schema.sort = model::KeyAttribute{sk, key_type(sk_type)};
  auto range = compile_key_condition(condition, schema);
  if (!range) return "error: " + range.status().message();
  static const char* kOps[] = {"=", "<", "<=", ">", ">=", "between", "begins_with"};
  std::string out = "(partition " + model::attribute_value_to_json(range->partition) + ")";
  if (range->sort) {
    out += std::string(" (sort ") + kOps[static_cast<int>(range->sort->op)] + " " +
           model::attribute_value_to_json(range->sort->value);
    if (range->sort->op == model::SortKeyCondition::Op::kBetween) {
      out += " " + model::attribute_value_to_json(range->sort->upper);
    }
    out += ")";
  }
  return out;
}
template <typename T>
std::string compile_on(const T&, const Case&) {
  return "schema: only for key conditions";
}

template <typename T, typename Resolve>
std::string run_kind(Result<T> parsed, const Case& c, Resolve&& resolve) {
  if (!parsed || (!c.names && !c.values && !c.item && !c.schema)) return outcome(parsed);
  auto bindings = load_bindings(c);
  if (!bindings) return "error: " + bindings.status().message();
  if (auto s = check_binding_keys(*bindings); !s.is_ok()) return "error: " + s.message();
  Result<T> resolved = resolve(*parsed, *bindings);
  if (!resolved) return outcome(resolved);
  if (auto s = check_unused(*bindings); !s.is_ok()) return "error: " + s.message();
  if (c.schema) return compile_on(*resolved, c);
  if (!c.item) return outcome(resolved);
  if (*c.item == "none") return evaluate_on(*resolved, nullptr, c);
  auto item = model::item_from_json(*c.item);
  if (!item) return "error: bad item: " + item.status().message();
  return evaluate_on(*resolved, &*item, c);
}

std::string run(const Case& c) {
  for (auto [name, kind] : {std::pair{"condition", ExpressionKind::kCondition},
                            std::pair{"filter", ExpressionKind::kFilter},
                            std::pair{"key", ExpressionKind::kKeyCondition}}) {
    if (c.kind == name) {
      return run_kind(parse_condition(c.expression, kind), c,
                      [kind](const Condition& parsed, Bindings& b) {
                        return resolve_condition(parsed, kind, b);
                      });
    }
  }
  if (c.kind == "update") return run_kind(parse_update(c.expression), c, resolve_update);
  if (c.kind == "projection") {
    return run_kind(parse_projection(c.expression), c, resolve_projection);
  }
  return "unknown kind: " + c.kind;
}

class Golden : public ::testing::TestWithParam<Case> {};

TEST_P(Golden, Matches) {
  const Case& c = GetParam();
  EXPECT_EQ(run(c), c.expected) << c.where << "\n  " << c.kind << ": " << c.expression;
}

INSTANTIATE_TEST_SUITE_P(Expressions, Golden, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name;
                           for (char ch : info.param.where) {
                             name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return name;
                         });

TEST(GoldenFiles, HaveCases) {
  EXPECT_GT(load_cases().size(), 50u);
}

}  // namespace
}  // namespace eddy::expr
