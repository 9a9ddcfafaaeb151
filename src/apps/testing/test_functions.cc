#include "apps/testing/test_functions.h"

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

void string_attribute(Writer& writer, const char* name, std::string_view value) {
  writer.Key(name);
  writer.StartObject();
  writer.Key("S");
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
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
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("Records")) {
    throw functions::HandlerError("BadEvent", "not a stream event");
  }
  std::vector<std::string> failed;
  for (const auto& r : doc["Records"].GetArray()) {
    const auto& ddb = r["dynamodb"];
    const std::string sequence = ddb["SequenceNumber"].GetString();
    if (ddb.HasMember("NewImage") && ddb["NewImage"].HasMember("poison")) {
      if (!partial) throw functions::HandlerError("Poison", "record " + sequence + " is poison");
      failed.push_back(sequence);
      continue;
    }
    std::string id = ddb["Keys"].HasMember("id") && ddb["Keys"]["id"].HasMember("S")
                         ? ddb["Keys"]["id"]["S"].GetString()
                         : "?";
    std::string version = "-";
    if (ddb.HasMember("NewImage") && ddb["NewImage"].HasMember("v") &&
        ddb["NewImage"]["v"].HasMember("N")) {
      version = ddb["NewImage"]["v"]["N"].GetString();
    }
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    writer.Key("TableName");
    writer.String(table.data(), static_cast<rapidjson::SizeType>(table.size()));
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
    string_attribute(writer, ":e", r["eventName"].GetString());
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
    if (auto* error = std::get_if<api::ApiError>(&response)) {
      throw functions::HandlerError("WriteFailed", error->type + ": " + error->message);
    }
  }
  if (failed.empty()) return R"({"batchItemFailures":[]})";
  std::string out = R"({"batchItemFailures":[)";
  for (size_t i = 0; i < failed.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format(R"({{"itemIdentifier":"{}"}})", failed[i]);
  }
  return out + "]}";
}

// A tumbling-window aggregate: the state counts the records and sums their NewImage `v`; the
// final invocation of a window writes it to RECORD_TABLE as "window#<start>".
std::string window(const std::string& event, const functions::InvocationContext& context,
                   client::DynamoDb& tables) {
  rapidjson::Document doc;
  doc.Parse(event.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("window")) {
    throw functions::HandlerError("BadEvent", "not a tumbling-window event");
  }
  int64_t count = 0, sum = 0;
  const auto& state = doc["state"];
  if (state.HasMember("count")) count = state["count"].GetInt64();
  if (state.HasMember("sum")) sum = state["sum"].GetInt64();
  for (const auto& r : doc["Records"].GetArray()) {
    ++count;
    const auto& ddb = r["dynamodb"];
    if (ddb.HasMember("NewImage") && ddb["NewImage"].HasMember("v")) {
      sum += std::stoll(ddb["NewImage"]["v"]["N"].GetString());
    }
  }
  if (doc["isFinalInvokeForWindow"].GetBool()) {
    const std::string table = env(context, "RECORD_TABLE");
    const std::string request = fmt::format(
        R"({{"TableName":"{}","Item":{{"id":{{"S":"window#{}"}},"count":{{"N":"{}"}},)"
        R"("sum":{{"N":"{}"}},"end":{{"S":"{}"}},"terminatedEarly":{{"BOOL":{}}}}}}})",
        table, doc["window"]["start"].GetString(), count, sum, doc["window"]["end"].GetString(),
        doc["isWindowTerminatedEarly"].GetBool() ? "true" : "false");
    auto response = tables.call("PutItem", request);
    if (auto* error = std::get_if<api::ApiError>(&response)) {
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
