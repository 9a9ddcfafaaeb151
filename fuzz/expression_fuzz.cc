// Every expression parser (expr/parser): the first byte picks the kind (condition, filter, key
// condition, update, projection), the rest is the expression. A parsed expression printed back
// (expr/printer's to_expression) must parse to the same tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "expr/parser.h"
#include "expr/printer.h"

namespace {

template <typename Tree, typename Parse>
void round_trip(const Tree& tree, Parse parse) {
  const std::string printed = eddy::expr::to_expression(tree);
  // The printer spaces operators ("a=b" prints as "a = b"), so an input near DynamoDB's size
  // limit can print longer than the limit, and the parser rightly refuses that text
  // (fuzz/regressions/expression/printed-over-the-size-limit).
  if (printed.size() > eddy::expr::kMaxExpressionBytes) return;
  auto again = parse(printed);
  if (!again || !(*again == tree)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  using eddy::expr::ExpressionKind;
  switch (data[0] % 5) {
    case 0:
    case 1:
    case 2: {
      const ExpressionKind kind = data[0] % 5 == 0   ? ExpressionKind::kCondition
                                  : data[0] % 5 == 1 ? ExpressionKind::kFilter
                                                     : ExpressionKind::kKeyCondition;
      auto condition = eddy::expr::parse_condition(text, kind);
      if (condition) {
        round_trip(*condition,
                   [&](std::string_view t) { return eddy::expr::parse_condition(t, kind); });
      }
      break;
    }
    case 3: {
      auto update = eddy::expr::parse_update(text);
      if (update)
        round_trip(*update, [](std::string_view t) { return eddy::expr::parse_update(t); });
      break;
    }
    default: {
      auto projection = eddy::expr::parse_projection(text);
      if (projection) {
        round_trip(*projection, [](std::string_view t) { return eddy::expr::parse_projection(t); });
      }
      break;
    }
  }
  return 0;
}
