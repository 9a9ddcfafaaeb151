// URL pieces as servers receive them: percent-decoding and query strings (RFC 3986, with '+'
// as a space in query strings, as HTML forms and API Gateway have it).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eddy {

// %XX escapes decoded (a malformed escape stays as written); with `plus_is_space`, '+' is ' '.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

// "a=1&b=2&a=3" -> {a: [1, 3], b: [2]}, names and values decoded, in order of appearance.
std::map<std::string, std::vector<std::string>> parse_query(std::string_view query);

}  // namespace eddy
