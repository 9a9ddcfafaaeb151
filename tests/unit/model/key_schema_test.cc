#include "model/key_schema.h"

#include <gtest/gtest.h>

#include <string>

#include "model/json_codec.h"

namespace eddy::model {
namespace {

// Built member by member: g++ 12 warns (-Wmaybe-uninitialized, a false positive) about
// brace-initialising a KeySchema whose optional sort key holds a std::string.
KeySchema schema(std::string partition, KeyType partition_type) {
  KeySchema result;
  result.partition.name = std::move(partition);
  result.partition.type = partition_type;
  return result;
}
KeySchema schema(std::string partition, KeyType partition_type, std::string sort,
                 KeyType sort_type) {
  KeySchema result = schema(std::move(partition), partition_type);
  result.sort.emplace();
  result.sort->name = std::move(sort);
  result.sort->type = sort_type;
  return result;
}

const KeySchema kHashOnly = schema("id", KeyType::S);
const KeySchema kComposite = schema("pk", KeyType::S, "sk", KeyType::N);
const KeySchema kBinaryComposite = schema("pk", KeyType::B, "sk", KeyType::B);

AttributeValue s(std::string text) {
  return AttributeValue::string(std::move(text));
}
AttributeValue b(std::string bytes) {
  return AttributeValue::binary(std::move(bytes));
}
AttributeValue n(std::string_view text) {
  auto number = Number::parse(text);
  EXPECT_TRUE(number.is_ok()) << text;
  return number.is_ok() ? AttributeValue::number(*number) : AttributeValue();
}

Item item(std::string_view json) {
  auto result = item_from_json(json);
  EXPECT_TRUE(result.is_ok()) << json << " -> " << result.status().message();
  return result.is_ok() ? *result : Item();
}

AttributeValue value(std::string_view json) {
  auto result = attribute_value_from_json(json);
  EXPECT_TRUE(result.is_ok()) << json << " -> " << result.status().message();
  return result.is_ok() ? *result : AttributeValue();
}

std::string message(const Status& status) {
  return status.message();
}

constexpr char kNoMatch[] = "The provided key element does not match the schema";
constexpr char kHashTooBig[] =
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
    "limit of2048 bytes";
constexpr char kRangeTooBig[] =
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
    "the size limit of 1024 bytes";
constexpr char kItemTooBig[] = "Item size has exceeded the maximum allowed size";

TEST(KeySchema, KeyTypeName) {
  EXPECT_STREQ(key_type_name(KeyType::S), "S");
  EXPECT_STREQ(key_type_name(KeyType::N), "N");
  EXPECT_STREQ(key_type_name(KeyType::B), "B");
}

TEST(KeySchema, ValidItemKeys) {
  EXPECT_TRUE(validate_item_key(item(R"({"id":{"S":"a"},"x":{"N":"1"}})"), kHashOnly).is_ok());
  EXPECT_TRUE(validate_item_key(item(R"({"pk":{"S":"a"},"sk":{"N":"-1.5"}})"), kComposite).is_ok());
  EXPECT_TRUE(validate_item_key(item(R"({"pk":{"B":"AA=="},"sk":{"B":"AQ=="}})"), kBinaryComposite)
                  .is_ok());
}

TEST(KeySchema, ItemKeyErrors) {
  struct Case {
    const char* json;
    const KeySchema* schema;
    const char* message;
  };
  const Case cases[] = {
      {R"({"x":{"S":"a"}})", &kHashOnly,
       "One or more parameter values were invalid: Missing the key id in the item"},
      {R"({"pk":{"S":"a"}})", &kComposite,
       "One or more parameter values were invalid: Missing the key sk in the item"},
      {R"({"id":{"N":"1"}})", &kHashOnly,
       "One or more parameter values were invalid: Type mismatch for key id expected: S actual: "
       "N"},
      {R"({"pk":{"S":"a"},"sk":{"SS":["1"]}})", &kComposite,
       "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: "
       "SS"},
      {R"({"pk":{"S":"a"},"sk":{"NULL":true}})", &kComposite,
       "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: "
       "NULL"},
      {R"({"id":{"S":""}})", &kHashOnly,
       "One or more parameter values are not valid. The AttributeValue for a key attribute "
       "cannot contain an empty string value. Key: id"},
      {R"({"pk":{"B":"AA=="},"sk":{"B":""}})", &kBinaryComposite,
       "One or more parameter values are not valid. The AttributeValue for a key attribute "
       "cannot contain an empty binary value. Key: sk"},
      // The partition key is checked first.
      {R"({"sk":{"S":"wrong"}})", &kComposite,
       "One or more parameter values were invalid: Missing the key pk in the item"},
  };
  for (const auto& c : cases) {
    const Status status = validate_item_key(item(c.json), *c.schema);
    EXPECT_EQ(status.code(), Code::kValidation) << c.json;
    EXPECT_EQ(message(status), c.message) << c.json;
    EXPECT_EQ(validate_item(item(c.json), *c.schema), status) << c.json;
  }
}

TEST(KeySchema, PartitionKeyLimitIs2048Bytes) {
  EXPECT_TRUE(validate_item_key({{"id", s(std::string(2048, 'a'))}}, kHashOnly).is_ok());
  EXPECT_EQ(message(validate_item_key({{"id", s(std::string(2049, 'a'))}}, kHashOnly)),
            kHashTooBig);
  // Bytes, not characters: 1024 two-byte characters are 2048 bytes.
  std::string e_acute;
  for (int i = 0; i < 1024; ++i)
    e_acute += "\xC3\xA9";
  EXPECT_TRUE(validate_item_key({{"id", s(e_acute)}}, kHashOnly).is_ok());
  EXPECT_EQ(message(validate_item_key({{"id", s(e_acute + "a")}}, kHashOnly)), kHashTooBig);
  // Binary keys count raw bytes.
  EXPECT_TRUE(
      validate_item_key({{"pk", b(std::string(2048, '\xFF'))}, {"sk", b("x")}}, kBinaryComposite)
          .is_ok());
  EXPECT_EQ(message(validate_item_key({{"pk", b(std::string(2049, '\0'))}, {"sk", b("x")}},
                                      kBinaryComposite)),
            kHashTooBig);
}

TEST(KeySchema, SortKeyLimitIs1024Bytes) {
  const KeySchema string_sort = schema("pk", KeyType::S, "sk", KeyType::S);
  EXPECT_TRUE(
      validate_item_key({{"pk", s("a")}, {"sk", s(std::string(1024, 'z'))}}, string_sort).is_ok());
  EXPECT_EQ(
      message(validate_item_key({{"pk", s("a")}, {"sk", s(std::string(1025, 'z'))}}, string_sort)),
      kRangeTooBig);
  EXPECT_TRUE(
      validate_item_key({{"pk", b("a")}, {"sk", b(std::string(1024, '\1'))}}, kBinaryComposite)
          .is_ok());
  EXPECT_EQ(message(validate_item_key({{"pk", b("a")}, {"sk", b(std::string(1025, '\1'))}},
                                      kBinaryComposite)),
            kRangeTooBig);
  // A partition key of 1025..2048 bytes is fine: the 1024 limit is the sort key's.
  EXPECT_TRUE(
      validate_item_key({{"pk", s(std::string(2048, 'a'))}, {"sk", s("b")}}, string_sort).is_ok());
}

TEST(KeySchema, NumberKeysAreNeverTooLarge) {
  const KeySchema number_hash = schema("id", KeyType::N);
  EXPECT_TRUE(
      validate_item_key({{"id", n("-1234567890123456789012345678901234567.8E-100")}}, number_hash)
          .is_ok());
}

TEST(KeySchema, ValidateKeyRequiresExactlyTheKey) {
  EXPECT_TRUE(validate_key(item(R"({"id":{"S":"a"}})"), kHashOnly).is_ok());
  EXPECT_TRUE(validate_key(item(R"({"pk":{"S":"a"},"sk":{"N":"1"}})"), kComposite).is_ok());
  const char* no_match[] = {
      R"({})",
      R"({"id":{"S":"a"},"x":{"S":"b"}})",
      R"({"x":{"S":"a"}})",
      R"({"id":{"N":"1"}})",
      R"({"id":{"SS":["a"]}})",
  };
  for (const char* json : no_match) {
    const Status status = validate_key(item(json), kHashOnly);
    EXPECT_EQ(status.code(), Code::kValidation) << json;
    EXPECT_EQ(message(status), kNoMatch) << json;
  }
  EXPECT_EQ(message(validate_key(item(R"({"pk":{"S":"a"}})"), kComposite)), kNoMatch);
  EXPECT_EQ(message(validate_key(item(R"({"pk":{"S":"a"},"sk":{"S":"1"}})"), kComposite)),
            kNoMatch);
  EXPECT_EQ(message(validate_key(item(R"({"pk":{"S":"a"},"x":{"N":"1"}})"), kComposite)), kNoMatch);
  // Values are still checked once the shape matches.
  EXPECT_EQ(message(validate_key(item(R"({"id":{"S":""}})"), kHashOnly)),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: id");
  EXPECT_EQ(message(validate_key({{"id", s(std::string(2049, 'a'))}}, kHashOnly)), kHashTooBig);
  EXPECT_TRUE(validate_key({{"id", s(std::string(2048, 'a'))}}, kHashOnly).is_ok());
  EXPECT_EQ(
      message(validate_key({{"pk", b("a")}, {"sk", b(std::string(1025, 'x'))}}, kBinaryComposite)),
      kRangeTooBig);
}

TEST(KeySchema, ExtractKey) {
  const Item full = item(R"({"pk":{"S":"a"},"sk":{"N":"2"},"x":{"BOOL":true}})");
  EXPECT_EQ(extract_key(full, kComposite), item(R"({"pk":{"S":"a"},"sk":{"N":"2"}})"));
  EXPECT_EQ(extract_key(item(R"({"id":{"S":"k"},"y":{"NULL":true}})"), kHashOnly),
            item(R"({"id":{"S":"k"}})"));
}

// Item sizes, computed by hand from
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html:
// name bytes + value bytes; N = ceil(digits / 2) + 1; BOOL/NULL 1; M/L 3 + per element 1 +
// element size (map elements include their names); sets: the sum of their members.
TEST(KeySchema, AttributeValueSizes) {
  EXPECT_EQ(attribute_value_size(s("")), 0u);
  EXPECT_EQ(attribute_value_size(s("abc")), 3u);
  EXPECT_EQ(attribute_value_size(s("\xE2\x82\xAC")), 3u);  // "€": 3 UTF-8 bytes
  EXPECT_EQ(attribute_value_size(n("0")), 1u);             // no significant digits
  EXPECT_EQ(attribute_value_size(n("7")), 2u);             // 1 digit: 1 + 1
  EXPECT_EQ(attribute_value_size(n("12")), 2u);            // 2 digits: 1 + 1
  EXPECT_EQ(attribute_value_size(n("12345")), 4u);         // 5 digits: 3 + 1
  EXPECT_EQ(attribute_value_size(n("-1.50")), 2u);         // digits "15": 1 + 1
  EXPECT_EQ(attribute_value_size(n("1000000")), 2u);       // trailing zeros trimmed
  EXPECT_EQ(attribute_value_size(n("12345678901234567890123456789012345678")), 20u);  // 38 digits
  EXPECT_EQ(attribute_value_size(b("")), 0u);
  EXPECT_EQ(attribute_value_size(b(std::string(5, '\0'))), 5u);
  EXPECT_EQ(attribute_value_size(AttributeValue(true)), 1u);
  EXPECT_EQ(attribute_value_size(AttributeValue(false)), 1u);
  EXPECT_EQ(attribute_value_size(AttributeValue(Null{})), 1u);
  EXPECT_EQ(attribute_value_size(AttributeValue(Map{})), 3u);
  EXPECT_EQ(attribute_value_size(AttributeValue(List{})), 3u);
  // {"a": "xy"}: 3 + (1 + name 1 + value 2).
  EXPECT_EQ(attribute_value_size(AttributeValue(Map{{"a", s("xy")}})), 7u);
  // ["xy", 1]: 3 + (1 + 2) + (1 + 2).
  EXPECT_EQ(attribute_value_size(AttributeValue(List{s("xy"), n("1")})), 9u);
  // {"l": [true]}: 3 + (1 + name 1 + (3 + 1 + 1)).
  EXPECT_EQ(attribute_value_size(AttributeValue(Map{{"l", AttributeValue(List{true})}})), 10u);
  EXPECT_EQ(attribute_value_size(AttributeValue::string_set({"ab", "c", ""})), 3u);
  // "1": 2, "22": 2, "333": 3.
  EXPECT_EQ(attribute_value_size(value(R"({"NS":["1","22","333"]})")), 7u);
  EXPECT_EQ(attribute_value_size(AttributeValue::binary_set({std::string(1, '\0'), "ab"})), 3u);
}

TEST(KeySchema, ItemSizes) {
  EXPECT_EQ(item_size({}), 0u);
  EXPECT_EQ(item_size({{"id", s("abc")}}), 5u);                 // 2 + 3
  EXPECT_EQ(item_size({{"a", s("")}}), 1u);                     // 1 + 0
  EXPECT_EQ(item_size({{"n", n("12345")}}), 5u);                // 1 + 4
  EXPECT_EQ(item_size({{"bin", b("hello")}}), 8u);              // 3 + 5
  EXPECT_EQ(item_size({{"flag", AttributeValue(true)}}), 5u);   // 4 + 1
  EXPECT_EQ(item_size({{"nil", AttributeValue(Null{})}}), 4u);  // 3 + 1
  EXPECT_EQ(item_size({{"m", AttributeValue(Map{})}}), 4u);     // 1 + 3
  EXPECT_EQ(item_size({{"\xC3\xA9", s("\xE2\x82\xAC")}}), 5u);  // "é" 2 + "€" 3
  // A note as the seed stack writes it:
  //   id "n1" 2+2, title "Hi" 5+2, wordCount 10 9+2, tags {"a","bc"} 4+3,
  //   meta {"v": 2, "draft": false} 4 + (3 + (1+1+2) + (1+5+1)) = 4+14.
  const Item note =
      item(R"({"id":{"S":"n1"},"title":{"S":"Hi"},"wordCount":{"N":"10"},"tags":{"SS":["a","bc"]},)"
           R"("meta":{"M":{"v":{"N":"2"},"draft":{"BOOL":false}}}})");
  EXPECT_EQ(item_size(note), 4u + 7u + 11u + 7u + 18u);
}

TEST(KeySchema, ItemLimitIs400KB) {
  EXPECT_EQ(kMaxItemBytes, 409600u);
  // "id" 2 + "k" 1 + "data" 4 = 7 bytes besides the payload.
  Item at_limit{{"id", s("k")}, {"data", s(std::string(409600 - 7, 'x'))}};
  ASSERT_EQ(item_size(at_limit), 409600u);
  EXPECT_TRUE(validate_item(at_limit, kHashOnly).is_ok());
  Item over{{"id", s("k")}, {"data", s(std::string(409600 - 6, 'x'))}};
  ASSERT_EQ(item_size(over), 409601u);
  const Status status = validate_item(over, kHashOnly);
  EXPECT_EQ(status.code(), Code::kValidation);
  EXPECT_EQ(message(status), kItemTooBig);
  // Binary payloads count raw bytes, not their base64 length.
  Item binary_at_limit{{"id", s("k")}, {"data", b(std::string(409600 - 7, '\0'))}};
  EXPECT_TRUE(validate_item(binary_at_limit, kHashOnly).is_ok());
  // Nested payloads count their overhead: 3 + 1 per element.
  Item nested{{"id", s("k")}, {"data", AttributeValue(List{s(std::string(409600 - 11, 'x'))})}};
  ASSERT_EQ(item_size(nested), 409600u);
  EXPECT_TRUE(validate_item(nested, kHashOnly).is_ok());
  nested["data"].as<List>().push_back(AttributeValue(true));  // + 1 + 1
  EXPECT_EQ(message(validate_item(nested, kHashOnly)), kItemTooBig);
  // The size is reported before the key.
  Item keyless{{"data", s(std::string(409600, 'x'))}};
  EXPECT_EQ(message(validate_item(keyless, kHashOnly)), kItemTooBig);
}

}  // namespace
}  // namespace eddy::model
