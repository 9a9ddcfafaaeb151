#include "model/json_parse.h"

#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

#include <cstdint>
#include <cstring>

namespace eddy::model {

namespace {

// The raw bytes are not validated by RapidJSON (kParseValidateEncodingFlag): it would check
// them one character at a time and give up its SSE2 string scanning, which doubled the parse
// time of a note's PutItem (bench_codec BM_ParseNote*). Each string is checked once decoded
// instead, escapes included, which is also the only place a lone surrogate shows.
constexpr unsigned kFlags = rapidjson::kParseIterativeFlag;

// Discards what UTF8<>::Validate copies.
struct NullSink {
  using Ch = char;
  void Put(char) {}
};

// kParseErrorNone when `text` is UTF-8 of Unicode scalar values. ASCII is skipped eight bytes
// at a time; every other sequence goes to RapidJSON's validator, which refuses overlong forms,
// values past U+10FFFF, truncated sequences and surrogates (U+D800..U+DFFF: ED A0..BF xx, sent
// as raw bytes or decoded from a \u escape).
rapidjson::ParseErrorCode check_unicode(const char* text, rapidjson::SizeType size) {
  const char* const end = text + size;
  const char* at = text;
  while (at < end) {
    if (end - at >= 8) {
      uint64_t block;
      std::memcpy(&block, at, 8);
      if ((block & 0x8080808080808080ULL) == 0) {
        at += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(*at) < 0x80) {
      ++at;
      continue;
    }
    rapidjson::MemoryStream bytes(at, static_cast<size_t>(end - at));
    NullSink sink;
    if (!rapidjson::UTF8<>::Validate(bytes, sink)) {
      const bool surrogate = static_cast<unsigned char>(at[0]) == 0xED && end - at > 1 &&
                             static_cast<unsigned char>(at[1]) >= 0xA0;
      return surrogate ? rapidjson::kParseErrorStringUnicodeSurrogateInvalid
                       : rapidjson::kParseErrorStringInvalidEncoding;
    }
    at += bytes.Tell();
  }
  return rapidjson::kParseErrorNone;
}

// A SAX handler that builds `document` (through its public handler interface) and stops the
// parse at the first string or name that is not Unicode.
class UnicodeDocumentBuilder {
 public:
  explicit UnicodeDocumentBuilder(rapidjson::Document& document) : document_(document) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned i) { return document_.Uint(i); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t i) { return document_.Uint64(i); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool copy) {
    return document_.RawNumber(str, length, copy);
  }
  bool String(const char* str, rapidjson::SizeType length, bool copy) {
    if ((error_ = check_unicode(str, length)) != rapidjson::kParseErrorNone) return false;
    return document_.String(str, length, copy);
  }
  bool Key(const char* str, rapidjson::SizeType length, bool copy) {
    if ((error_ = check_unicode(str, length)) != rapidjson::kParseErrorNone) return false;
    return document_.Key(str, length, copy);
  }
  bool StartObject() { return document_.StartObject(); }
  bool EndObject(rapidjson::SizeType count) { return document_.EndObject(count); }
  bool StartArray() { return document_.StartArray(); }
  bool EndArray(rapidjson::SizeType count) { return document_.EndArray(count); }

  // Why the handler stopped the parse (kParseErrorNone when it did not).
  rapidjson::ParseErrorCode error() const { return error_; }

 private:
  rapidjson::Document& document_;
  rapidjson::ParseErrorCode error_ = rapidjson::kParseErrorNone;
};

template <typename Stream>
rapidjson::ParseResult parse(Stream& stream, rapidjson::Document& document) {
  rapidjson::ParseResult result;
  // Populate runs the generator with the document as handler and, when it succeeds, moves the
  // one value the handler built into the document, as Document::Parse does.
  auto generate = [&](rapidjson::Document& handler) {
    UnicodeDocumentBuilder builder(handler);
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(stream, builder);
    if (builder.error() != rapidjson::kParseErrorNone) result.Set(builder.error(), stream.Tell());
    return !result.IsError();
  };
  document.Populate(generate);
  if (result.IsError()) document.SetNull();
  return result;
}

}  // namespace

rapidjson::ParseResult parse_json(std::string_view text, rapidjson::Document& document) {
  rapidjson::MemoryStream bytes(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
  return parse(stream, document);
}

rapidjson::ParseResult parse_terminated_json(const char* text, rapidjson::Document& document) {
  rapidjson::StringStream stream(text);
  return parse(stream, document);
}

}  // namespace eddy::model
