// DynamoDB JSON codec: decode and encode of a typical note item (~400 bytes of JSON, the seed
// stack's item) and of a larger nested one. Decoding is measured from an already parsed
// rapidjson::Document (what the API layer hands the codec) and from text (parse + decode).
#include <benchmark/benchmark.h>

#include <string>

#include "model/json_codec.h"
#include "model/json_parse.h"

namespace {

using eddy::model::Item;

// What put-note writes and word-count updates: id S, title S, content S, wordCount N,
// tags SS, meta M.
const std::string kNoteJson = R"({
  "id": {"S": "3f6c2a9e-8d41-4b7a-9c2e-5a1f0d7b6e34"},
  "title": {"S": "Count me"},
  "content": {"S": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Nulla vitae. Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua."},
  "wordCount": {"N": "20"},
  "tags": {"SS": ["draft", "latin", "sample"]},
  "meta": {"M": {"createdAt": {"S": "2024-05-01T12:00:00Z"}, "version": {"N": "3"},
                 "pinned": {"BOOL": false}}}
})";

// A larger item: a list of 50 maps, each with strings, numbers, a binary, a number set and a
// nested list, about 12 KB of JSON.
std::string large_json() {
  std::string json = R"({"id": {"S": "large-item"}, "entries": {"L": [)";
  for (int i = 0; i < 50; ++i) {
    if (i > 0) json += ",";
    const std::string n = std::to_string(i);
    json += R"({"M": {"name": {"S": "entry number )" + n + R"("}, "index": {"N": ")" + n +
            R"("}, "score": {"N": "-12.5e-3"}, "blob": {"B": "AAECAwQFBgcICQoLDA0ODw=="},)" +
            R"( "ids": {"NS": ["1", "22", "333", ")" + n + R"(000"]},)" +
            R"( "path": {"L": [{"S": "a"}, {"S": "b"}, {"M": {"deep": {"NULL": true}}}]}}})";
  }
  json += R"(]}, "owner": {"M": {"name": {"S": "someone"}, "groups": {"SS": ["x", "y", "z"]}}}})";
  return json;
}

const std::string kLargeJson = large_json();

Item parse_or_die(const std::string& json, benchmark::State& state) {
  auto item = eddy::model::item_from_json(json);
  if (!item.is_ok()) state.SkipWithError(item.status().message().c_str());
  return item.is_ok() ? *item : Item();
}

void decode_document(benchmark::State& state, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  for (auto _ : state) {
    auto item = eddy::model::decode_item(doc);
    benchmark::DoNotOptimize(item);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(json.size()));
}

void decode_text(benchmark::State& state, const std::string& json) {
  for (auto _ : state) {
    auto item = eddy::model::item_from_json(json);
    benchmark::DoNotOptimize(item);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(json.size()));
}

void encode(benchmark::State& state, const std::string& json) {
  const Item item = parse_or_die(json, state);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = eddy::model::item_to_json(item);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
  state.counters["json_bytes"] = static_cast<double>(bytes);
}

// Parsing a request's text as api::parse_request does (NUL-terminated, with 16 bytes to spare
// for RapidJSON's SSE2 scanning): RapidJSON as the request parser ran it before it checked
// Unicode (the baseline), and model::parse_terminated_json, which also validates the encoding
// and refuses unpaired surrogates (model/json_parse.h).
std::string padded(const std::string& json) {
  std::string text;
  text.reserve(json.size() + 16);
  text.assign(json);
  return text;
}

void parse_plain(benchmark::State& state, const std::string& json) {
  const std::string text = padded(json);
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.c_str());
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(json.size()));
}

void parse_unicode(benchmark::State& state, const std::string& json) {
  const std::string text = padded(json);
  for (auto _ : state) {
    rapidjson::Document doc;
    auto parsed = eddy::model::parse_terminated_json(text.c_str(), doc);
    benchmark::DoNotOptimize(parsed);
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(json.size()));
}

void BM_ParseNotePlain(benchmark::State& state) {
  parse_plain(state, kNoteJson);
}
void BM_ParseNoteUnicode(benchmark::State& state) {
  parse_unicode(state, kNoteJson);
}
void BM_ParseLargePlain(benchmark::State& state) {
  parse_plain(state, kLargeJson);
}
void BM_ParseLargeUnicode(benchmark::State& state) {
  parse_unicode(state, kLargeJson);
}

void BM_DecodeNote(benchmark::State& state) {
  decode_document(state, kNoteJson);
}
void BM_DecodeNoteFromText(benchmark::State& state) {
  decode_text(state, kNoteJson);
}
void BM_EncodeNote(benchmark::State& state) {
  encode(state, kNoteJson);
}
void BM_DecodeLarge(benchmark::State& state) {
  decode_document(state, kLargeJson);
}
void BM_DecodeLargeFromText(benchmark::State& state) {
  decode_text(state, kLargeJson);
}
void BM_EncodeLarge(benchmark::State& state) {
  encode(state, kLargeJson);
}

BENCHMARK(BM_ParseNotePlain);
BENCHMARK(BM_ParseNoteUnicode);
BENCHMARK(BM_ParseLargePlain);
BENCHMARK(BM_ParseLargeUnicode);
BENCHMARK(BM_DecodeNote);
BENCHMARK(BM_DecodeNoteFromText);
BENCHMARK(BM_EncodeNote);
BENCHMARK(BM_DecodeLarge);
BENCHMARK(BM_DecodeLargeFromText);
BENCHMARK(BM_EncodeLarge);

}  // namespace
