#include "esm/window.h"
#include "model/json_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/time_format.h"

namespace eddy::esm {

Window window_of(int64_t creation_ms, int64_t length_ms) {
  const int64_t start = creation_ms - creation_ms % length_ms;
  return {start, start + length_ms};
}

std::string build_window_event(std::span<const Delivery> records, const WindowEvent& event) {
  std::string out = build_event(records);
  out.pop_back();  // the closing brace: the window's members follow the records
  const std::string start = format_iso8601_s(event.window.start_ms);
  const std::string end = format_iso8601_s(event.window.end_ms);
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(text);
  auto string = [&](std::string_view value) {
    text.Clear();
    writer.Reset(text);
    model::write_string(writer, value);
    return std::string(text.GetString(), text.GetSize());
  };
  out += R"(,"window":{"start":)" + string(start) + R"(,"end":)" + string(end) + "}";
  out += R"(,"state":)";
  out += event.state.empty() ? std::string_view("{}") : event.state;
  out += R"(,"shardId":)" + string(event.shard_id);
  out += R"(,"eventSourceARN":)" + string(event.stream_arn);
  out += R"(,"isFinalInvokeForWindow":)";
  out += event.final ? "true" : "false";
  out += R"(,"isWindowTerminatedEarly":)";
  out += event.terminated_early ? "true" : "false";
  out += "}";
  return out;
}

std::optional<std::string> read_window_state(std::string_view response) {
  rapidjson::Document doc;
  doc.Parse(response.data(), response.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto state = doc.FindMember("state");
  if (state == doc.MemberEnd() || !state->value.IsObject()) return std::nullopt;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  state->value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace eddy::esm
