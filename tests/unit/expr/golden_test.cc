// Golden tests for the expression language, DuckDB style: every file in golden/ holds blocks
//
//   # comments (the source of a DynamoDB behaviour goes here)
//   <kind>: <expression>            kind: condition | filter | key | update | projection
//   ----
//   <the printed tree, or "error: " and DynamoDB's exact message>
//
// separated by blank lines. One GoogleTest case per block, named after its file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "expr/parser.h"
#include "expr/printer.h"

namespace eddy::expr {
namespace {

struct Case {
  std::string where;  // file:line
  std::string kind;
  std::string expression;
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

std::string run(const Case& c) {
  if (c.kind == "condition")
    return outcome(parse_condition(c.expression, ExpressionKind::kCondition));
  if (c.kind == "filter") return outcome(parse_condition(c.expression, ExpressionKind::kFilter));
  if (c.kind == "key") return outcome(parse_condition(c.expression, ExpressionKind::kKeyCondition));
  if (c.kind == "update") return outcome(parse_update(c.expression));
  if (c.kind == "projection") return outcome(parse_projection(c.expression));
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
