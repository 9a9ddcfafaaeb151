// list-notes: GET /notes -> 200 and a JSON array of notes (plain JSON). A Scan, as the seed's
// list-notes is, paged: ?limit= (1-1000, default 100); when more remain, the X-Next-Token
// header carries an opaque token (the scan position, base64url) to pass back as ?next=.
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "apps/notes/handlers.h"
#include "apps/notes/notes.h"
#include "apps/notes/proxy.h"
#include "common/base64.h"

namespace eddy::apps::notes {

namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

}  // namespace

std::string list_notes(const std::string& event, const functions::InvocationContext& context,
                       client::DynamoDb& tables) {
  const ProxyRequest request = read_proxy_event(event);
  int limit = kDefaultLimit;
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    const auto& text = it->second;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc() || end != text.data() + text.size() || limit < 1 ||
        limit > kMaxLimit) {
      return proxy_message(400,
                           fmt::format("limit must be a whole number from 1 to {}", kMaxLimit));
    }
  }
  std::string start;
  if (auto it = request.query.find("next"); it != request.query.end()) {
    // The token is the scan position, {"id":{"S":...}}: checked before use.
    auto decoded = base64url_decode(it->second);
    rapidjson::Document key;
    if (decoded) key.Parse(decoded->c_str(), decoded->size());
    if (!decoded || key.HasParseError() || !key.IsObject() || key.MemberCount() != 1 ||
        !key.HasMember("id") || !key["id"].IsObject() || !key["id"].HasMember("S") ||
        !key["id"]["S"].IsString()) {
      return proxy_message(400, "next is not a token this API returned");
    }
    start = fmt::format(R"(,"ExclusiveStartKey":{{"id":{{"S":{}}}}})",
                        quoted(key["id"]["S"].GetString()));
  }
  const auto response = *call(
      tables, "Scan",
      fmt::format(R"({{"TableName":{},"Limit":{}{}}})", quoted(table_name(context)), limit, start));
  rapidjson::Document page;
  page.Parse(response.c_str(), response.size());
  std::string body = "[";
  for (const auto& item : page["Items"].GetArray()) {
    if (body.size() > 1) body += ',';
    body += plain_json(item);
  }
  body += ']';
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
  if (page.HasMember("LastEvaluatedKey")) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    page["LastEvaluatedKey"].Accept(writer);
    headers["X-Next-Token"] =
        base64url_encode(std::string_view(buffer.GetString(), buffer.GetSize()));
  }
  return proxy_response(200, body, headers);
}

}  // namespace eddy::apps::notes
