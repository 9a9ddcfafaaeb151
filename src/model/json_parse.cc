#include "model/json_parse.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

#include <cstring>

namespace eddy::model {

namespace {

constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// True when UTF-8 bytes hold an encoded surrogate (U+D800..U+DFFF: ED A0..BF xx). With the raw
// input validated, only a decoded \u escape can put one there.
bool has_surrogate(const char* text, rapidjson::SizeType size) {
  const char* at = text;
  const char* const end = text + size;
  while ((at = static_cast<const char*>(std::memchr(at, '\xED', end - at))) != nullptr) {
    if (end - at > 1 && static_cast<unsigned char>(at[1]) >= 0xA0) return true;
    ++at;
  }
  return false;
}

// A SAX handler that builds `document` (through its public handler interface) and stops the
// parse at the first string or name holding a surrogate.
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
    if (has_surrogate(str, length)) return refuse();
    return document_.String(str, length, copy);
  }
  bool Key(const char* str, rapidjson::SizeType length, bool copy) {
    if (has_surrogate(str, length)) return refuse();
    return document_.Key(str, length, copy);
  }
  bool StartObject() { return document_.StartObject(); }
  bool EndObject(rapidjson::SizeType count) { return document_.EndObject(count); }
  bool StartArray() { return document_.StartArray(); }
  bool EndArray(rapidjson::SizeType count) { return document_.EndArray(count); }

  bool refused() const { return refused_; }

 private:
  bool refuse() {
    refused_ = true;
    return false;
  }

  rapidjson::Document& document_;
  bool refused_ = false;
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
    if (builder.refused()) {
      result.Set(rapidjson::kParseErrorStringUnicodeSurrogateInvalid, stream.Tell());
    }
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
