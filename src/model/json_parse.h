// Parsing JSON text that clients send, so that every string in it is Unicode.
//
// DynamoDB's strings and names are Unicode (UTF-8 on the wire). RapidJSON 1.1.0 (Debian 12's)
// refuses an escaped unpaired high surrogate, but decodes an escaped unpaired low surrogate
// ("\uDC00") into the three bytes ED B0 80, which are not UTF-8: such an item could be stored,
// and would not read back as the same item (fuzz/json_codec_fuzz.cc found it; later RapidJSON
// releases refuse the escape). These functions check every decoded string and name: one that is
// not UTF-8 of Unicode scalar values fails the parse with kParseErrorStringInvalidEncoding, or
// kParseErrorStringUnicodeSurrogateInvalid for a surrogate, as RapidJSON reports a high one.
#pragma once

#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/error/error.h>

namespace eddy::model {

// Parses `text` into `document` (iteratively, so deep nesting does not grow the call stack).
rapidjson::ParseResult parse_json(std::string_view text, rapidjson::Document& document);

// The same for a NUL-terminated text, which RapidJSON scans with SSE2: at least 15 bytes after
// the NUL must be readable (see api/json.cc).
rapidjson::ParseResult parse_terminated_json(const char* text, rapidjson::Document& document);

}  // namespace eddy::model
