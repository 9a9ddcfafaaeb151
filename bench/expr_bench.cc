// Expression costs (Google Benchmark): parse, resolve and evaluate a typical condition and a
// typical update, next to a baseline in the same run: decoding the same request's
// ExpressionAttributeValues from JSON, which every request pays anyway.
#include <benchmark/benchmark.h>

#include "expr/cache.h"
#include "expr/evaluator.h"
#include "expr/parser.h"
#include "expr/resolver.h"
#include "model/json_codec.h"

namespace {

using namespace eddy;
using namespace eddy::expr;

constexpr std::string_view kCondition =
    "attribute_exists(#id) AND #v < :max AND (begins_with(title, :prefix) OR size(tags) > :n)";
constexpr std::string_view kUpdate =
    "SET wordCount = :count, #v = if_not_exists(#v, :zero) + :one REMOVE draft ADD tags :tags";
constexpr std::string_view kValuesJson =
    R"({":max":{"N":"10"},":prefix":{"S":"Count"},":n":{"N":"2"},":count":{"N":"10"},)"
    R"(":zero":{"N":"0"},":one":{"N":"1"},":tags":{"SS":["a","b"]}})";

Bindings bindings() {
  Bindings b;
  b.names = {{"#id", "id"}, {"#v", "version"}};
  const model::Item values = *model::item_from_json(kValuesJson);
  for (const auto& [k, v] : values)
    b.values.emplace(k, v);
  return b;
}

model::Item note() {
  return *model::item_from_json(
      R"({"id":{"S":"n1"},"title":{"S":"Count me"},"version":{"N":"3"},)"
      R"("content":{"S":"Lorem ipsum dolor sit amet, consectetur adipiscing elit. Nulla vitae."},)"
      R"("tags":{"SS":["x"]},"draft":{"BOOL":true}})");
}

void BM_Baseline_DecodeValues(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(model::item_from_json(kValuesJson));
}
BENCHMARK(BM_Baseline_DecodeValues);

void BM_ParseCondition(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(parse_condition(kCondition, ExpressionKind::kCondition));
}
BENCHMARK(BM_ParseCondition);

void BM_ResolveCondition(benchmark::State& state) {
  const Condition parsed = *parse_condition(kCondition, ExpressionKind::kCondition);
  const Bindings b = bindings();
  for (auto _ : state) {
    Bindings copy = b;
    benchmark::DoNotOptimize(resolve_condition(parsed, ExpressionKind::kCondition, copy));
  }
}
BENCHMARK(BM_ResolveCondition);

void BM_CacheHitCondition(benchmark::State& state) {
  ExpressionCache cache;
  (void)cache.condition(kCondition, ExpressionKind::kCondition);
  for (auto _ : state)
    benchmark::DoNotOptimize(cache.condition(kCondition, ExpressionKind::kCondition));
}
BENCHMARK(BM_CacheHitCondition);

void BM_EvaluateCondition(benchmark::State& state) {
  Bindings b = bindings();
  const Condition resolved = *resolve_condition(
      *parse_condition(kCondition, ExpressionKind::kCondition), ExpressionKind::kCondition, b);
  const model::Item item = note();
  for (auto _ : state)
    benchmark::DoNotOptimize(evaluate(resolved, &item));
}
BENCHMARK(BM_EvaluateCondition);

void BM_ParseResolveApplyUpdate(benchmark::State& state) {
  const Bindings b = bindings();
  const model::Item item = note();
  const model::Item key{{"id", model::AttributeValue("n1")}};
  for (auto _ : state) {
    Bindings copy = b;
    auto resolved = resolve_update(*parse_update(kUpdate), copy);
    benchmark::DoNotOptimize(apply_update(*resolved, &item, key));
  }
}
BENCHMARK(BM_ParseResolveApplyUpdate);

}  // namespace
