#include "apps/testing/test_functions.h"
#include "model/json_codec.h"

#include "apps/json_path.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace eddy::apps::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string env(const functions::InvocationContext& context, const std::string& name) {
  if (context.environment == nullptr) return "";
  auto it = context.environment->find(name);
  return it == context.environment->end() ? "" : it->second;
}

// `value` as a JSON string literal: event fields are not trusted to be plain text.
std::string json_text(std::string_view value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  model::write_string(writer, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void string_attribute(Writer& writer, const char* name, std::string_view value) {
  writer.Key(name);
  writer.StartObject();
  writer.Key("S");
  model::write_string(writer, value);
  writer.EndObject();
}

std::string record(const std::string& event, const functions::InvocationContext& context,
                   client::DynamoDb& tables) {
  // Grows with each invocation, also across restarts of Eddy: wall-clock microseconds, then a
  // counter for invocations that start within one microsecond.
  static std::atomic<uint64_t> invocations{0};
  const uint64_t batch =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count()) *
          1000 +
      ++invocations % 1000;
  const std::string table = env(context, "RECORD_TABLE");
  const bool partial = env(context, "PARTIAL") == "1";
  if (table.empty()) throw functions::HandlerError("Config", "RECORD_TABLE is not set");
  rapidjson::Document doc;
  doc.Parse(event.c_str());
  const rapidjson::Value* records = member_at(doc, {"Records"});
  if (doc.HasParseError() || records == nullptr || !records->IsArray()) {
    throw functions::HandlerError("BadEvent", "not a stream event");
  }
  std::vector<std::string> failed;
  for (const auto& r : records->GetArray()) {
    const auto sequence_text = string_at(r, {"dynamodb", "SequenceNumber"});
    if (!sequence_text) throw functions::HandlerError("BadEvent", "not a stream record");
    const std::string sequence(*sequence_text);
    if (member_at(r, {"dynamodb", "NewImage", "poison"}) != nullptr) {
      if (!partial) throw functions::HandlerError("Poison", "record " + sequence + " is poison");
      failed.push_back(sequence);
      continue;
    }
    const std::string id(string_at(r, {"dynamodb", "Keys", "id", "S"}).value_or("?"));
    const std::string version(string_at(r, {"dynamodb", "NewImage", "v", "N"}).value_or("-"));
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    writer.Key("TableName");
    model::write_string(writer, table);
    writer.Key("Key");
    writer.StartObject();
    string_attribute(writer, "id", id + "#" + version);
    writer.EndObject();
    writer.Key("UpdateExpression");
    writer.String("SET #s = :s, eventName = :e, #b = :b ADD deliveries :one");
    writer.Key("ExpressionAttributeNames");
    writer.StartObject();
    writer.Key("#s");
    writer.String("sequence");
    writer.Key("#b");
    writer.String("batch");
    writer.EndObject();
    writer.Key("ExpressionAttributeValues");
    writer.StartObject();
    string_attribute(writer, ":s", sequence);
    string_attribute(writer, ":e", string_at(r, {"eventName"}).value_or(""));
    writer.Key(":b");
    writer.StartObject();
    writer.Key("N");
    const std::string batch_text = std::to_string(batch);
    writer.String(batch_text.c_str());
    writer.EndObject();
    writer.Key(":one");
    writer.StartObject();
    writer.Key("N");
    writer.String("1");
    writer.EndObject();
    writer.EndObject();
    writer.EndObject();
    auto response = tables.call("UpdateItem", std::string(buffer.GetString(), buffer.GetSize()));
    if (auto* error = std::get_if<client::Error>(&response)) {
      throw functions::HandlerError("WriteFailed", error->type + ": " + error->message);
    }
  }
  if (failed.empty()) return R"({"batchItemFailures":[]})";
  std::string out = R"({"batchItemFailures":[)";
  for (size_t i = 0; i < failed.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format(R"({{"itemIdentifier":{}}})", json_text(failed[i]));
  }
  return out + "]}";
}

// A tumbling-window aggregate: the state counts the records and sums their NewImage `v`; the
// final invocation of a window writes it to RECORD_TABLE as "window#<start>".
std::string window(const std::string& event, const functions::InvocationContext& context,
                   client::DynamoDb& tables) {
  rapidjson::Document doc;
  doc.Parse(event.c_str());
  const rapidjson::Value* records = member_at(doc, {"Records"});
  const auto start = string_at(doc, {"window", "start"});
  const auto end = string_at(doc, {"window", "end"});
  const rapidjson::Value* final = member_at(doc, {"isFinalInvokeForWindow"});
  const rapidjson::Value* early = member_at(doc, {"isWindowTerminatedEarly"});
  if (doc.HasParseError() || records == nullptr || !records->IsArray() || !start || !end ||
      final == nullptr || !final->IsBool() || early == nullptr || !early->IsBool()) {
    throw functions::HandlerError("BadEvent", "not a tumbling-window event");
  }
  int64_t count = 0, sum = 0;
  if (auto* c = member_at(doc, {"state", "count"}); c != nullptr && c->IsInt64()) {
    count = c->GetInt64();
  }
  if (auto* s = member_at(doc, {"state", "sum"}); s != nullptr && s->IsInt64()) sum = s->GetInt64();
  for (const auto& r : records->GetArray()) {
    ++count;
    if (auto v = string_at(r, {"dynamodb", "NewImage", "v", "N"}))
      sum += std::stoll(std::string(*v));
  }
  if (final->GetBool()) {
    const std::string table = env(context, "RECORD_TABLE");
    const std::string request =
        fmt::format(R"({{"TableName":{},"Item":{{"id":{{"S":{}}},"count":{{"N":"{}"}},)"
                    R"("sum":{{"N":"{}"}},"end":{{"S":{}}},"terminatedEarly":{{"BOOL":{}}}}}}})",
                    json_text(table), json_text("window#" + std::string(*start)), count, sum,
                    json_text(*end), early->GetBool() ? "true" : "false");
    auto response = tables.call("PutItem", request);
    if (auto* error = std::get_if<client::Error>(&response)) {
      throw functions::HandlerError("WriteFailed", error->type + ": " + error->message);
    }
  }
  return fmt::format(R"({{"state":{{"count":{},"sum":{}}}}})", count, sum);
}

}  // namespace

void register_test_functions(functions::BuiltinRegistry& registry, client::DynamoDb& tables) {
  registry.add("test.echo",
               [](const std::string& event, const functions::InvocationContext&) { return event; });
  registry.add("test.fail",
               [](const std::string&, const functions::InvocationContext&) -> std::string {
                 throw functions::HandlerError("TestFailure", "test.fail always fails");
               });
  registry.add("test.sleep", [](const std::string& event, const functions::InvocationContext&) {
    rapidjson::Document doc;
    doc.Parse(event.c_str());
    int64_t ms = 0;
    if (doc.IsObject() && doc.HasMember("ms") && doc["ms"].IsInt64()) ms = doc["ms"].GetInt64();
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return fmt::format(R"({{"slept":{}}})", ms);
  });
  registry.add("test.window",
               [&tables](const std::string& event, const functions::InvocationContext& context) {
                 return window(event, context, tables);
               });
  registry.add("test.record",
               [&tables](const std::string& event, const functions::InvocationContext& context) {
                 return record(event, context, tables);
               });
}

}  // namespace eddy::apps::testing
