#include "apps/notes/proxy.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base64.h"
#include "functions/builtin.h"
#include "model/json_codec.h"

namespace eddy::apps::notes {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::map<std::string, std::string> string_map(const rapidjson::Value& event, const char* name) {
  std::map<std::string, std::string> out;
  auto it = event.FindMember(name);
  if (it == event.MemberEnd() || !it->value.IsObject()) return out;
  for (const auto& member : it->value.GetObject()) {
    if (member.value.IsString()) {
      out[std::string(member.name.GetString(), member.name.GetStringLength())] =
          std::string(member.value.GetString(), member.value.GetStringLength());
    }
  }
  return out;
}

void write_plain(const rapidjson::Value& value, Writer& writer) {
  // A DynamoDB JSON value is a one-member object naming its type.
  const auto& member = *value.MemberBegin();
  const std::string_view type = member.name.GetString();
  const auto& v = member.value;
  if (type == "S") {
    model::write_string(writer, v.GetString());
  } else if (type == "N") {
    writer.RawValue(v.GetString(), v.GetStringLength(), rapidjson::kNumberType);
  } else if (type == "BOOL") {
    writer.Bool(v.GetBool());
  } else if (type == "NULL") {
    writer.Null();
  } else if (type == "M") {
    writer.StartObject();
    for (const auto& m : v.GetObject()) {
      writer.Key(m.name.GetString(), m.name.GetStringLength());
      write_plain(m.value, writer);
    }
    writer.EndObject();
  } else if (type == "L") {
    writer.StartArray();
    for (const auto& e : v.GetArray())
      write_plain(e, writer);
    writer.EndArray();
  } else {
    // SS, NS, BS and B: strings (numbers of NS as numbers).
    if (v.IsArray()) {
      writer.StartArray();
      for (const auto& e : v.GetArray()) {
        if (type == "NS") {
          writer.RawValue(e.GetString(), e.GetStringLength(), rapidjson::kNumberType);
        } else {
          model::write_string(writer, e.GetString());
        }
      }
      writer.EndArray();
    } else {
      model::write_string(writer, v.GetString());
    }
  }
}

}  // namespace

ProxyRequest read_proxy_event(const std::string& event) {
  rapidjson::Document doc;
  doc.Parse(event.c_str(), event.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("httpMethod")) {
    throw functions::HandlerError("BadEvent", "not an API Gateway proxy event");
  }
  ProxyRequest request;
  if (auto body = doc.FindMember("body"); body != doc.MemberEnd() && body->value.IsString()) {
    request.body.assign(body->value.GetString(), body->value.GetStringLength());
    auto encoded = doc.FindMember("isBase64Encoded");
    if (encoded != doc.MemberEnd() && encoded->value.IsBool() && encoded->value.GetBool()) {
      // A body that is not base64 after all is passed on as it is, and fails validation.
      if (auto decoded = base64_decode(request.body)) request.body = std::move(*decoded);
    }
  }
  request.path_parameters = string_map(doc, "pathParameters");
  request.query = string_map(doc, "queryStringParameters");
  if (auto context = doc.FindMember("requestContext");
      context != doc.MemberEnd() && context->value.IsObject()) {
    auto path = context->value.FindMember("path");
    if (path != context->value.MemberEnd() && path->value.IsString()) {
      request.request_path = path->value.GetString();
    }
  }
  if (request.request_path.empty()) {
    if (auto path = doc.FindMember("path"); path != doc.MemberEnd() && path->value.IsString()) {
      request.request_path = path->value.GetString();
    }
  }
  return request;
}

std::string proxy_response(int status, std::string_view body,
                           const std::map<std::string, std::string>& headers) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("statusCode");
  writer.Int(status);
  writer.Key("headers");
  writer.StartObject();
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    has_type = has_type || name == "Content-Type";
    model::write_string(writer, name);
    model::write_string(writer, value);
  }
  if (!has_type && !body.empty()) {
    writer.Key("Content-Type");
    writer.String("application/json");
  }
  writer.EndObject();
  writer.Key("body");
  model::write_string(writer, body);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string proxy_message(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("message");
  model::write_string(writer, message);
  writer.EndObject();
  return proxy_response(status, std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::string table_name(const functions::InvocationContext& context) {
  if (context.environment != nullptr) {
    auto it = context.environment->find("TABLE_NAME");
    if (it != context.environment->end() && !it->second.empty()) return it->second;
  }
  throw functions::HandlerError("Configuration", "TABLE_NAME is not set");
}

std::optional<std::string> call(client::DynamoDb& tables, std::string_view operation,
                                const std::string& request, std::string_view tolerated) {
  auto response = tables.call(operation, request);
  if (auto* error = std::get_if<client::Error>(&response)) {
    if (!tolerated.empty() && error->name() == tolerated) return std::nullopt;
    throw functions::HandlerError(std::string(error->name()), error->message);
  }
  return std::get<std::string>(std::move(response));
}

std::string quoted(std::string_view value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  model::write_string(writer, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string plain_json(const rapidjson::Value& item) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  for (const auto& member : item.GetObject()) {
    writer.Key(member.name.GetString(), member.name.GetStringLength());
    write_plain(member.value, writer);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace eddy::apps::notes
