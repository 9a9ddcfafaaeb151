// word-count: the function of the mapping from the notes stream (NEW_IMAGE). For every INSERT
// or MODIFY record whose NewImage has content, it writes wordCount, unless the NewImage already
// holds the right count: a NEW_IMAGE stream has no old image, and this check together with the
// engine's rule that a write changing nothing writes no record is what ends the loop (its own
// write comes back as a MODIFY with the right count). The write is conditional on the content
// still being the counted one, so a stale record never overwrites the count of newer content
// (that content's own record brings its count). Unlike the seed's handler, which returned at
// the first non-INSERT record and dropped the rest of the batch, every record is handled, and
// failed records are reported as batch item failures.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <vector>

#include "apps/json_path.h"
#include "apps/notes/handlers.h"
#include "apps/notes/notes.h"
#include "apps/notes/proxy.h"

namespace eddy::apps::notes {

namespace {

// Unicode's White_Space property.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
         c == 0x3000;
}

// The code point at `i` and its length in bytes; an invalid byte is itself (length 1).
std::pair<char32_t, size_t> decode(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t length = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xe  ? 3
                  : (c >> 3) == 0x1e ? 4
                                     : 0;
  if (length == 0 || i + length > s.size()) return {c, 1};
  char32_t code = length == 1 ? c : c & (0xff >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next >> 6) != 0x2) return {c, 1};
    code = (code << 6) | (next & 0x3f);
  }
  return {code, length};
}

}  // namespace

size_t count_words(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (size_t i = 0; i < text.size();) {
    const auto [code, length] = decode(text, i);
    i += length;
    if (is_space(code)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

std::string word_count(const std::string& event, const functions::InvocationContext& context,
                       client::DynamoDb& tables) {
  rapidjson::Document doc;
  doc.Parse(event.c_str(), event.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("Records") ||
      !doc["Records"].IsArray()) {
    throw functions::HandlerError("BadEvent", "not a DynamoDB stream event");
  }
  const std::string table = table_name(context);
  std::vector<std::string> failed;
  for (const auto& record : doc["Records"].GetArray()) {
    const auto name = string_at(record, {"eventName"});
    const auto sequence = string_at(record, {"dynamodb", "SequenceNumber"});
    if (!name || !sequence) throw functions::HandlerError("BadEvent", "not a stream record");
    if (*name != "INSERT" && *name != "MODIFY") continue;
    const auto id = string_at(record, {"dynamodb", "NewImage", "id", "S"});
    const auto content = string_at(record, {"dynamodb", "NewImage", "content", "S"});
    if (!id || !content) continue;
    const size_t words = count_words(*content);
    if (string_at(record, {"dynamodb", "NewImage", "wordCount", "N"}) == std::to_string(words)) {
      continue;  // already right: writing it again would change nothing
    }
    try {
      call(tables, "UpdateItem",
           fmt::format(R"({{"TableName":{},"Key":{{"id":{{"S":{}}}}},)"
                       R"("UpdateExpression":"SET wordCount = :n",)"
                       R"("ConditionExpression":"content = :c",)"
                       R"("ExpressionAttributeValues":{{":n":{{"N":"{}"}},":c":{{"S":{}}}}}}})",
                       quoted(table), quoted(*id), words, quoted(*content)),
           // The note changed (or went) since this record: its newer record counts it.
           "ConditionalCheckFailedException");
    } catch (const functions::HandlerError&) {
      failed.emplace_back(*sequence);
    }
  }
  std::string out = R"({"batchItemFailures":[)";
  for (size_t i = 0; i < failed.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format(R"({{"itemIdentifier":{}}})", quoted(failed[i]));
  }
  return out + "]}";
}

}  // namespace eddy::apps::notes
