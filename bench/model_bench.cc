// Number parsing, formatting and arithmetic, and key encoding of S and N values: the work
// done for every number in a request and for every key written or looked up.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "model/key_encoding.h"
#include "model/number.h"

namespace eddy::model {
namespace {

// Typical values (counters, prices, timestamps) and the extremes of the type.
const std::vector<std::string>& number_texts() {
  static const std::vector<std::string> kTexts = {
      "0",
      "42",
      "-17.25",
      "1700000000123",
      "3.1415926535897932384626433832795028841",
      "-1.5E-3",
      "9.9999999999999999999999999999999999999E+125",
      "1E-130",
  };
  return kTexts;
}

std::vector<Number> numbers() {
  std::vector<Number> out;
  for (const auto& text : number_texts())
    out.push_back(Number::parse(text).value());
  return out;
}

void BM_NumberParse(benchmark::State& state) {
  const auto& texts = number_texts();
  size_t i = 0;
  for (auto _ : state) {
    auto n = Number::parse(texts[i++ % texts.size()]);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NumberParse);

void BM_NumberToString(benchmark::State& state) {
  const auto values = numbers();
  size_t i = 0;
  for (auto _ : state) {
    std::string s = values[i++ % values.size()].to_string();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NumberToString);

// The word-count update's shape: a small counter plus a small increment.
void BM_NumberAddSmall(benchmark::State& state) {
  const Number a = Number::from_int64(123456), b = Number::from_int64(1);
  for (auto _ : state) {
    auto r = a.add(b);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NumberAddSmall);

// 38-digit operands with a fractional part: the widest aligned sum that still succeeds.
void BM_NumberAddWide(benchmark::State& state) {
  const Number a = Number::parse("1234567890123456789.0123456789012345678").value();
  const Number b = Number::parse("-987654321098765432.1098765432109876543").value();
  for (auto _ : state) {
    auto r = a.add(b);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NumberAddWide);

void BM_KeyEncodeString(benchmark::State& state) {
  const AttributeValue value =
      AttributeValue::string(std::string(static_cast<size_t>(state.range(0)), 'k'));
  std::string out;
  for (auto _ : state) {
    out.clear();
    append_key_encoding(value, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_KeyEncodeString)->Arg(16)->Arg(36)->Arg(256);

void BM_KeyEncodeNumber(benchmark::State& state) {
  std::vector<AttributeValue> values;
  for (const Number& n : numbers())
    values.emplace_back(n);
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    append_key_encoding(values[i++ % values.size()], out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyEncodeNumber);

void BM_KeyDecodeNumber(benchmark::State& state) {
  std::vector<std::string> encoded;
  for (const Number& n : numbers()) {
    encoded.emplace_back();
    append_key_encoding(AttributeValue(n), encoded.back());
  }
  size_t i = 0;
  for (auto _ : state) {
    std::string_view in = encoded[i++ % encoded.size()];
    auto v = decode_key_encoding(KeyType::N, in);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyDecodeNumber);

}  // namespace
}  // namespace eddy::model
