// put-note: POST /notes with {"title": ..., "content": ...} -> 201, the note, and its Location.
//
// The seed used the ISO time as the id, so two notes of one millisecond shared an id and one
// silently replaced the other. Here an id is the ISO time, a per-process counter and random
// bits ("2026-11-24T13:30:00.123Z-0000002a-9f3c"): ids sort by creation time, and the write's
// condition (attribute_not_exists) makes a collision an error retried with a new id, never an
// overwrite.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <atomic>

#include "apps/notes/handlers.h"
#include "apps/notes/notes.h"
#include "apps/notes/proxy.h"
#include "common/random.h"
#include "common/time_format.h"

namespace eddy::apps::notes {

namespace {

// `created_at` (ISO 8601, ms) first, so ids sort by creation time.
std::string new_id(const std::string& created_at) {
  static std::atomic<uint32_t> counter{0};
  return fmt::format("{}-{:08x}-{}", created_at, ++counter, to_hex(random_bytes(2)));
}

// The reason a body is not a note, or "" when it is one.
std::string problem(const rapidjson::Document& body) {
  if (body.HasParseError()) return "The body must be JSON: {\"title\": ..., \"content\": ...}";
  if (!body.IsObject()) return "The body must be a JSON object with title and content";
  for (const char* field : {"title", "content"}) {
    auto it = body.FindMember(field);
    if (it == body.MemberEnd() || it->value.IsNull()) return fmt::format("{} is missing", field);
    if (!it->value.IsString()) return fmt::format("{} must be a string", field);
    if (it->value.GetStringLength() == 0) return fmt::format("{} must not be empty", field);
  }
  return "";
}

}  // namespace

std::string put_note(const std::string& event, const functions::InvocationContext& context,
                     client::DynamoDb& tables) {
  const ProxyRequest request = read_proxy_event(event);
  rapidjson::Document body;
  body.Parse(request.body.c_str(), request.body.size());
  if (auto why = problem(body); !why.empty()) return proxy_message(400, why);
  const std::string title(body["title"].GetString(), body["title"].GetStringLength());
  const std::string content(body["content"].GetString(), body["content"].GetStringLength());
  const std::string table = table_name(context);
  for (int attempt = 0;; ++attempt) {
    const std::string created_at = format_iso8601_ms(context.clock->now_ms());
    const std::string id = new_id(created_at);
    const std::string item =
        fmt::format(R"({{"id":{{"S":{}}},"title":{{"S":{}}},"content":{{"S":{}}},)"
                    R"("createdAt":{{"S":{}}}}})",
                    quoted(id), quoted(title), quoted(content), quoted(created_at));
    auto written = call(tables, "PutItem",
                        fmt::format(R"({{"TableName":{},"Item":{},)"
                                    R"j("ConditionExpression":"attribute_not_exists(id)"}})j",
                                    quoted(table), item),
                        attempt < 5 ? "ConditionalCheckFailedException" : "");
    if (!written) continue;  // the id was taken: take another
    const std::string note =
        fmt::format(R"({{"id":{},"title":{},"content":{},"createdAt":{}}})", quoted(id),
                    quoted(title), quoted(content), quoted(created_at));
    std::string location = request.request_path;
    if (location.empty() || location.back() != '/') location += '/';
    return proxy_response(201, note,
                          {{"Content-Type", "application/json"}, {"Location", location + id}});
  }
}

}  // namespace eddy::apps::notes
