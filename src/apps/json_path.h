// Safe reads from events a function did not write: an Invoke can hand any JSON to any
// function, and a handler must answer it with an error, never crash Eddy (RapidJSON's
// accessors assume the type they read).
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

#include <rapidjson/document.h>

namespace eddy::apps {

// The value at a path of object members, or nullptr when a step is missing or not an object.
inline const rapidjson::Value* member_at(const rapidjson::Value& value,
                                         std::initializer_list<const char*> path) {
  const rapidjson::Value* at = &value;
  for (const char* name : path) {
    if (!at->IsObject()) return nullptr;
    auto it = at->FindMember(name);
    if (it == at->MemberEnd()) return nullptr;
    at = &it->value;
  }
  return at;
}

// The string at a path (embedded NULs kept), or nullopt.
inline std::optional<std::string_view> string_at(const rapidjson::Value& value,
                                                 std::initializer_list<const char*> path) {
  const rapidjson::Value* at = member_at(value, path);
  if (at == nullptr || !at->IsString()) return std::nullopt;
  return std::string_view(at->GetString(), at->GetStringLength());
}

}  // namespace eddy::apps
