#include "model/json_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace eddy::model {
namespace {

AttributeValue decode(std::string_view json) {
  auto result = attribute_value_from_json(json);
  EXPECT_TRUE(result.is_ok()) << json << " -> " << result.status().message();
  return result.is_ok() ? std::move(result).value() : AttributeValue();
}

Item decode_item_text(std::string_view json) {
  auto result = item_from_json(json);
  EXPECT_TRUE(result.is_ok()) << json << " -> " << result.status().message();
  return result.is_ok() ? std::move(result).value() : Item();
}

// --- Round trips: input, and the canonical form Eddy writes back ---

struct RoundTripCase {
  const char* input;
  const char* output;
};

class JsonCodecRoundTrip : public testing::TestWithParam<RoundTripCase> {};

TEST_P(JsonCodecRoundTrip, DecodesEncodesAndDecodesAgain) {
  const auto& c = GetParam();
  const AttributeValue value = decode(c.input);
  const std::string encoded = attribute_value_to_json(value);
  EXPECT_EQ(encoded, c.output);
  EXPECT_EQ(decode(encoded), value) << "re-decoding " << encoded;
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, JsonCodecRoundTrip,
    testing::Values(
        RoundTripCase{R"({"S":"hello"})", R"({"S":"hello"})"},
        // Empty strings and binaries are valid outside keys.
        RoundTripCase{R"({"S":""})", R"({"S":""})"},
        RoundTripCase{"{\"S\":\"\xC3\xBC\xE2\x9C\x93\xF0\x9F\x98\x80\"}",
                      "{\"S\":\"\xC3\xBC\xE2\x9C\x93\xF0\x9F\x98\x80\"}"},
        RoundTripCase{R"({"S":"\u00fc"})", "{\"S\":\"\xC3\xBC\"}"},
        RoundTripCase{R"({"S":"q\"b\\n\nt\t"})", R"({"S":"q\"b\\n\nt\t"})"},
        RoundTripCase{R"({"S":"a\u0000b"})", R"({"S":"a\u0000b"})"},
        RoundTripCase{R"({"N":"42"})", R"({"N":"42"})"},
        RoundTripCase{R"({"N":"1.50"})", R"({"N":"1.5"})"},
        RoundTripCase{R"({"N":"-0"})", R"({"N":"0"})"},
        RoundTripCase{R"({"N":"1e3"})", R"({"N":"1000"})"},
        RoundTripCase{R"({"N":"-0.000123"})", R"({"N":"-0.000123"})"},
        RoundTripCase{R"({"B":""})", R"({"B":""})"},
        // RFC 4648 section 10 vectors: every padding case.
        RoundTripCase{R"({"B":"Zg=="})", R"({"B":"Zg=="})"},
        RoundTripCase{R"({"B":"Zm8="})", R"({"B":"Zm8="})"},
        RoundTripCase{R"({"B":"Zm9v"})", R"({"B":"Zm9v"})"},
        RoundTripCase{R"({"B":"Zm9vYmFy"})", R"({"B":"Zm9vYmFy"})"},
        RoundTripCase{R"({"BOOL":true})", R"({"BOOL":true})"},
        RoundTripCase{R"({"BOOL":false})", R"({"BOOL":false})"},
        RoundTripCase{R"({"NULL":true})", R"({"NULL":true})"},
        RoundTripCase{R"({"M":{}})", R"({"M":{}})"}, RoundTripCase{R"({"L":[]})", R"({"L":[]})"},
        // Sets are written in their stored (sorted) order; maps by name.
        RoundTripCase{R"({"SS":["b","a",""]})", R"({"SS":["","a","b"]})"},
        RoundTripCase{R"({"NS":["10","9","-1.5","0"]})", R"({"NS":["-1.5","0","9","10"]})"},
        RoundTripCase{R"({"BS":["Yg==","YQ==",""]})", R"({"BS":["","YQ==","Yg=="]})"},
        RoundTripCase{
            R"({"M":{"b":{"N":"2"},"a":{"L":[{"S":"x"},{"M":{"z":{"NULL":true},"y":{"SS":["q"]}}},{"L":[]}]}}})",
            R"({"M":{"a":{"L":[{"S":"x"},{"M":{"y":{"SS":["q"]},"z":{"NULL":true}}},{"L":[]}]},"b":{"N":"2"}}})"},
        // A JSON null member means "not set"; names that are not type descriptors are ignored,
        // as the service does (see json_codec.cc).
        RoundTripCase{R"({"S":null,"N":"1"})", R"({"N":"1"})"},
        RoundTripCase{R"({"S":"a","X":1,"s":"b"})", R"({"S":"a"})"},
        // A repeated descriptor is one type; the last value wins.
        RoundTripCase{R"({"S":"a","S":"b"})", R"({"S":"b"})"}));

TEST(JsonCodec, DecodesEachTypeToItsAlternative) {
  EXPECT_EQ(decode(R"({"S":"x"})"), AttributeValue(std::string("x")));
  EXPECT_EQ(decode(R"({"N":"1.50"})").as<Number>().to_string(), "1.5");
  EXPECT_EQ(decode(R"({"B":"AAECAw=="})"), AttributeValue::binary(std::string("\0\1\2\3", 4)));
  EXPECT_EQ(decode(R"({"BOOL":true})"), AttributeValue(true));
  EXPECT_EQ(decode(R"({"NULL":true})"), AttributeValue(Null{}));
  EXPECT_EQ(decode(R"({"SS":["b","a"]})"), AttributeValue::string_set({"a", "b"}));
  EXPECT_EQ(decode(R"({"BS":["Yg==","YQ=="]})"), AttributeValue::binary_set({"a", "b"}));
  EXPECT_EQ(decode(R"({"L":[{"S":"x"},{"BOOL":false}]})"),
            AttributeValue(List{AttributeValue(std::string("x")), AttributeValue(false)}));
  EXPECT_EQ(decode(R"({"M":{"k":{"S":"v"}}})"),
            AttributeValue(Map{{"k", AttributeValue(std::string("v"))}}));
}

TEST(JsonCodec, BinaryWithEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b)
    all += static_cast<char>(b);
  constexpr char kAllBase64[] =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkN"
      "ERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4"
      "iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLz"
      "M3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";
  const AttributeValue value = AttributeValue::binary(all);
  EXPECT_EQ(attribute_value_to_json(value), std::string(R"({"B":")") + kAllBase64 + R"("})");
  EXPECT_EQ(decode(std::string(R"({"B":")") + kAllBase64 + R"("})"), value);
  // Every length 0..300 (all three padding cases, many times) and every byte value at every
  // position modulo 3.
  for (size_t length = 0; length <= 300; ++length) {
    std::string bytes;
    for (size_t i = 0; i < length; ++i)
      bytes += static_cast<char>((i * 7 + length) & 0xFF);
    const AttributeValue v = AttributeValue::binary(bytes);
    EXPECT_EQ(decode(attribute_value_to_json(v)), v) << "length " << length;
  }
}

TEST(JsonCodec, EqualityIsSemantic) {
  EXPECT_EQ(decode(R"({"M":{"a":{"N":"1"},"b":{"S":"x"}}})"),
            decode(R"({"M":{"b":{"S":"x"},"a":{"N":"1.0"}}})"));
  EXPECT_EQ(decode(R"({"SS":["x","y","z"]})"), decode(R"({"SS":["z","x","y"]})"));
  EXPECT_EQ(decode(R"({"NS":["1.0","2","-3"]})"), decode(R"({"NS":["-3","1","2.00"]})"));
  EXPECT_EQ(decode(R"({"BS":["YQ==","Yg=="]})"), decode(R"({"BS":["Yg==","YQ=="]})"));
  EXPECT_EQ(decode_item_text(R"({"b":{"S":"x"},"a":{"SS":["2","1"]}})"),
            decode_item_text(R"({"a":{"SS":["1","2"]},"b":{"S":"x"}})"));
  // Lists keep their order.
  EXPECT_NE(decode(R"({"L":[{"S":"a"},{"S":"b"}]})"), decode(R"({"L":[{"S":"b"},{"S":"a"}]})"));
  // Different types never compare equal.
  EXPECT_NE(decode(R"({"S":"1"})"), decode(R"({"N":"1"})"));
  EXPECT_NE(decode(R"({"SS":["1"]})"), decode(R"({"NS":["1"]})"));
}

TEST(JsonCodec, ItemRoundTrip) {
  const Item item = decode_item_text(
      R"({"id":{"S":"n1"},"wordCount":{"N":"10"},"tags":{"SS":["b","a"]},)"
      R"("meta":{"M":{"v":{"N":"2"},"draft":{"BOOL":false}}},"blob":{"B":"AQI="},"none":{"NULL":true}})");
  EXPECT_EQ(item.size(), 6u);
  const std::string json = item_to_json(item);
  EXPECT_EQ(
      json,
      R"({"blob":{"B":"AQI="},"id":{"S":"n1"},"meta":{"M":{"draft":{"BOOL":false},"v":{"N":"2"}}},)"
      R"("none":{"NULL":true},"tags":{"SS":["a","b"]},"wordCount":{"N":"10"}})");
  EXPECT_EQ(decode_item_text(json), item);
}

TEST(JsonCodec, ItemEdgeCases) {
  EXPECT_TRUE(decode_item_text("{}").empty());
  // A null Item is an absent one: no attributes.
  EXPECT_TRUE(decode_item_text("null").empty());
  // A repeated attribute name keeps the last value.
  EXPECT_EQ(decode_item_text(R"({"a":{"S":"1"},"a":{"S":"2"}})"),
            (Item{{"a", AttributeValue(std::string("2"))}}));
  // Names are bytes: empty, non-ASCII and NUL-containing names round-trip.
  const Item odd = decode_item_text(
      "{\"\":{\"S\":\"e\"},\"\xC3\xA9\":{\"S\":\"x\"},\"a\\u0000b\":{\"S\":\"z\"}}");
  ASSERT_EQ(odd.size(), 3u);
  EXPECT_TRUE(odd.contains(std::string("a\0b", 3)));
  EXPECT_EQ(decode_item_text(item_to_json(odd)), odd);
}

TEST(JsonCodec, NestingLimitIs32Levels) {
  // An attribute is level 1; 31 maps around a scalar put it at level 32, the deepest accepted.
  auto nested = [](int wraps, bool list) {
    std::string json;
    for (int i = 0; i < wraps; ++i)
      json += list ? R"({"L":[)" : R"({"M":{"n":)";
    json += R"({"S":"leaf"})";
    for (int i = 0; i < wraps; ++i)
      json += list ? "]}" : "}}";
    return json;
  };
  for (bool list : {false, true}) {
    EXPECT_TRUE(attribute_value_from_json(nested(31, list)).is_ok());
    EXPECT_TRUE(item_from_json(R"({"a":)" + nested(31, list) + "}").is_ok());
    const Status too_deep = attribute_value_from_json(nested(32, list)).status();
    EXPECT_EQ(too_deep.message(),
              "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
              "levels beyond supported limit");
    EXPECT_EQ(item_from_json(R"({"a":)" + nested(32, list) + "}").status(), too_deep);
  }
  // Far deeper input fails the same way without exhausting the stack.
  const auto very_deep = attribute_value_from_json(nested(100000, false));
  ASSERT_FALSE(very_deep.is_ok());
  EXPECT_EQ(very_deep.status().message(),
            "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
            "levels beyond supported limit");
}

// --- Every error, with DynamoDB's exact message ---

struct ErrorCase {
  const char* json;
  const char* message;
};

class JsonCodecValueError : public testing::TestWithParam<ErrorCase> {};

// The service rejects JSON that does not fit the API's shapes while deserialising
// (SerializationException) and everything else while validating (ValidationException).
Code expected_code(std::string_view message) {
  for (std::string_view validation :
       {"Supplied AttributeValue", "The parameter cannot be converted", "One or more parameter",
        "Input collection", "Attempting to store", "Number overflow", "Number underflow",
        "Nesting Levels"}) {
    if (message.starts_with(validation)) return Code::kValidation;
  }
  return Code::kSerialization;
}

TEST_P(JsonCodecValueError, ReportsDynamoDbMessage) {
  const auto& c = GetParam();
  const auto result = attribute_value_from_json(c.json);
  ASSERT_FALSE(result.is_ok()) << c.json;
  EXPECT_EQ(result.status().code(), expected_code(c.message)) << c.json;
  EXPECT_EQ(result.status().message(), c.message) << c.json;
  // The same value as an item attribute fails the same way.
  const auto as_item = item_from_json(std::string(R"({"a":)") + c.json + "}");
  ASSERT_FALSE(as_item.is_ok());
  EXPECT_EQ(as_item.status().message(), c.message) << c.json;
}

constexpr char kEmpty[] =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
constexpr char kMoreThanOne[] =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
    "supported datatypes";
constexpr char kNotNumeric[] = "The parameter cannot be converted to a numeric value";
constexpr char kStartOfStructure[] = "Start of structure or map found where not expected";
constexpr char kValueNotStruct[] = "Unexpected value type in payload";
constexpr char kValueIsList[] =
    "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue";
constexpr char kUnexpectedField[] = "Unexpected field type";
constexpr char kMapIsList[] =
    "Unrecognized collection type java.util.Map<java.lang.String, "
    "com.amazonaws.dynamodb.v20120810.AttributeValue>";
constexpr char kNumberToString[] = "NUMBER_VALUE cannot be converted to String";
constexpr char kNotBase64String[] = "only base-64-encoded strings are convertible to bytes";
constexpr char kLastChar[] = "Invalid last non-pad Base64 character dectected";

INSTANTIATE_TEST_SUITE_P(
    Validation, JsonCodecValueError,
    testing::Values(
        // Zero or several type descriptors.
        ErrorCase{"{}", kEmpty}, ErrorCase{"null", kEmpty}, ErrorCase{R"({"X":"a"})", kEmpty},
        ErrorCase{R"({"s":"a"})", kEmpty}, ErrorCase{R"({"S":null})", kEmpty},
        ErrorCase{R"({"S":"a","N":"1"})", kMoreThanOne},
        ErrorCase{R"({"NULL":true,"BOOL":true,"M":{}})", kMoreThanOne},
        // Each member is validated before the type count: the number is reported.
        ErrorCase{R"({"S":"a","N":"b"})",
                  "The parameter cannot be converted to a numeric value: b"},
        ErrorCase{R"({"NULL":false})",
                  "One or more parameter values were invalid: Null attribute value types must "
                  "have the value of true"},
        // Numbers (messages from Number::parse).
        ErrorCase{R"({"N":""})", kNotNumeric},
        ErrorCase{R"({"N":"b"})", "The parameter cannot be converted to a numeric value: b"},
        ErrorCase{R"({"N":"1e126"})",
                  "Number overflow. Attempting to store a number with magnitude larger than "
                  "supported range"},
        ErrorCase{R"({"N":"1e-131"})",
                  "Number underflow. Attempting to store a number with magnitude smaller than "
                  "supported range"},
        ErrorCase{R"({"N":"123456789012345678901234567890123456789"})",
                  "Attempting to store more than 38 significant digits in a Number"},
        // Empty sets (DynamoDB's grammar and double space).
        ErrorCase{R"({"SS":[]})",
                  "One or more parameter values were invalid: An string set  may not be empty"},
        ErrorCase{R"({"NS":[]})",
                  "One or more parameter values were invalid: An number set  may not be empty"},
        ErrorCase{R"({"BS":[]})",
                  "One or more parameter values were invalid: Binary sets should not be empty"},
        // Duplicates.
        ErrorCase{R"({"SS":["a","a"]})",
                  "One or more parameter values were invalid: Input collection [a, a] contains "
                  "duplicates."},
        ErrorCase{R"({"SS":["b","a","b"]})",
                  "One or more parameter values were invalid: Input collection [b, a, b] contains "
                  "duplicates."},
        ErrorCase{R"({"NS":["1","1"]})", "Input collection contains duplicates"},
        ErrorCase{R"({"NS":["1","1.0"]})", "Input collection contains duplicates"},
        ErrorCase{R"({"NS":["100","1e2","7"]})", "Input collection contains duplicates"},
        ErrorCase{R"({"BS":["Yg==","Yg=="]})",
                  "One or more parameter values were invalid: Input collection [Yg==, Yg==]of "
                  "type BS contains duplicates."},
        // Bad members of number sets.
        ErrorCase{R"({"NS":["1",""]})", kNotNumeric},
        ErrorCase{R"({"NS":["1","b"]})", "The parameter cannot be converted to a numeric value: b"},
        ErrorCase{R"({"NS":["1",null]})", kNotNumeric},
        // JSON null inside a set.
        ErrorCase{R"({"SS":["a",null]})",
                  "One or more parameter values were invalid: An string set may not have a empty "
                  "string as a member"},
        ErrorCase{R"({"BS":["YQ==",null]})",
                  "One or more parameter values were invalid: Binary sets may not contain null or "
                  "empty values"},
        // Inside M and L.
        ErrorCase{R"({"L":[{}]})", kEmpty}, ErrorCase{R"({"L":[null]})", kEmpty},
        ErrorCase{R"({"M":{"a":{}}})", kEmpty},
        ErrorCase{R"({"M":{"a":{"L":[{"SS":[]}]}}})",
                  "One or more parameter values were invalid: An string set  may not be empty"},
        // --- Wire-type errors (SerializationException on the service) ---
        // The value itself.
        ErrorCase{R"("a")", kValueNotStruct}, ErrorCase{"5", kValueNotStruct},
        ErrorCase{"true", kValueNotStruct}, ErrorCase{"[]", kValueIsList},
        // String members (S, N, SS and NS elements).
        ErrorCase{R"({"S":5})", kNumberToString},
        ErrorCase{R"({"S":-2147483648})", kNumberToString},
        ErrorCase{R"({"S":5.5})", "DECIMAL_VALUE cannot be converted to String"},
        ErrorCase{R"({"S":true})", "TRUE_VALUE cannot be converted to String"},
        ErrorCase{R"({"S":false})", "FALSE_VALUE cannot be converted to String"},
        ErrorCase{R"({"S":[]})", "Unrecognized collection type class java.lang.String"},
        ErrorCase{R"({"S":{}})", kStartOfStructure}, ErrorCase{R"({"N":5})", kNumberToString},
        ErrorCase{R"({"SS":[5]})", kNumberToString}, ErrorCase{R"({"NS":[1]})", kNumberToString},
        ErrorCase{R"({"NS":[{}]})", kStartOfStructure},
        // Boolean members (BOOL, NULL).
        ErrorCase{R"({"BOOL":"true"})", "Unexpected token received from parser"},
        ErrorCase{R"({"BOOL":1})", "NUMBER_VALUE cannot be converted to Boolean"},
        ErrorCase{R"({"BOOL":34.56})", "DECIMAL_VALUE cannot be converted to Boolean"},
        ErrorCase{R"({"BOOL":[]})", "Unrecognized collection type class java.lang.Boolean"},
        ErrorCase{R"({"BOOL":{}})", kStartOfStructure},
        ErrorCase{R"({"NULL":"x"})", "Unexpected token received from parser"},
        // Blob members (B, BS elements).
        ErrorCase{R"({"B":5})", kNotBase64String}, ErrorCase{R"({"B":true})", kNotBase64String},
        ErrorCase{R"({"B":[]})", "Unrecognized collection type class java.nio.ByteBuffer"},
        ErrorCase{R"({"B":{}})", kStartOfStructure},
        ErrorCase{R"({"B":"23456"})",
                  "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
        ErrorCase{R"({"B":"YQ="})",
                  "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
        ErrorCase{R"({"B":"=+/="})", kLastChar}, ErrorCase{R"({"B":"+/+="})", kLastChar},
        ErrorCase{R"({"B":"YR=="})", kLastChar}, ErrorCase{R"({"B":"YWF="})", kLastChar},
        ErrorCase{R"({"B":"!!!!"})", "Invalid Base64 character: '!'"},
        ErrorCase{R"({"B":"YW J"})", "Invalid Base64 character: ' '"},
        ErrorCase{R"({"B":"=AAA"})", "Invalid Base64 character: '='"},
        ErrorCase{"{\"B\":\"A\xC3\xA9=\"}", "Invalid Base64 character: '\xC3\xA9'"},
        ErrorCase{R"({"BS":[5]})", kNotBase64String},
        ErrorCase{R"({"BS":["abc"]})",
                  "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
        // List members (L, SS, NS, BS).
        ErrorCase{R"({"L":"x"})", kUnexpectedField}, ErrorCase{R"({"L":5})", kUnexpectedField},
        ErrorCase{R"({"L":{}})", kStartOfStructure}, ErrorCase{R"({"SS":"a"})", kUnexpectedField},
        ErrorCase{R"({"NS":true})", kUnexpectedField}, ErrorCase{R"({"BS":{}})", kStartOfStructure},
        ErrorCase{R"({"L":[5]})", kValueNotStruct}, ErrorCase{R"({"L":[[]]})", kValueIsList},
        // Map members (M).
        ErrorCase{R"({"M":"x"})", kUnexpectedField}, ErrorCase{R"({"M":5})", kUnexpectedField},
        ErrorCase{R"({"M":[]})", kMapIsList}, ErrorCase{R"({"M":{"a":5}})", kValueNotStruct},
        // A wire error anywhere wins over a validation error anywhere, as the service
        // deserialises the whole request before validating it.
        ErrorCase{R"({"NULL":false,"S":5})", kNumberToString},
        ErrorCase{R"({"S":5,"NULL":false})", kNumberToString},
        ErrorCase{R"({"L":[{"NULL":false},{"B":"x"}]})",
                  "Base64 encoded length is expected a multiple of 4 bytes but found: 1"},
        ErrorCase{R"({"SS":[],"M":{"a":{"BS":[true]}}})", kNotBase64String}));

TEST(JsonCodec, ItemErrors) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"[]", kMapIsList},
      {"5", kUnexpectedField},
      {R"("a")", kUnexpectedField},
      {R"({"a":5})", kValueNotStruct},
      {R"({"a":[]})", kValueIsList},
      {R"({"a":null})", kEmpty},
      {R"({"a":{}})", kEmpty},
      // The validation error of "a" loses to the wire error of "b".
      {R"({"a":{"NULL":false},"b":{"S":true}})", "TRUE_VALUE cannot be converted to String"},
  };
  for (const auto& c : cases) {
    const auto result = item_from_json(c.json);
    ASSERT_FALSE(result.is_ok()) << c.json;
    EXPECT_EQ(result.status().code(), expected_code(c.message)) << c.json;
    EXPECT_EQ(result.status().message(), c.message) << c.json;
  }
}

TEST(JsonCodec, MalformedJsonText) {
  for (const char* text : {"", "{", R"({"a":{"S":"x"})", "{\"a\":{\"S\":\"\xFF\"}}"}) {
    const auto result = item_from_json(text);
    ASSERT_FALSE(result.is_ok()) << text;
    EXPECT_EQ(result.status().code(), Code::kSerialization);
    EXPECT_EQ(result.status().message().rfind("Invalid JSON: ", 0), 0u)
        << result.status().message();
  }
  EXPECT_FALSE(attribute_value_from_json("{\"S\":").is_ok());
}

// DynamoDB strings are Unicode: an escaped UTF-16 surrogate without its partner, in a value or
// a name, is refused like bytes that are not UTF-8 (RapidJSON 1.1.0 would decode a lone low
// surrogate into bytes that are not UTF-8; fuzz/regressions/json_codec/lone-surrogate).
TEST(JsonCodec, RefusesStringsThatAreNotUnicode) {
  for (const char* text : {R"({"a":{"S":"\uDC00"}})", R"({"a":{"S":"x\uDDDDy"}})",
                           R"({"a":{"S":"\uD800"}})", R"({"a":{"S":"\uD800\u0041"}})",
                           R"({"a":{"S":"\uDC00\uD800"}})", R"({"a":{"SS":["ok","\uDFFF"]}})",
                           R"({"\uDC00":{"S":"x"}})", R"({"a":{"M":{"\uDABC":{"N":"1"}}}})"}) {
    const auto result = item_from_json(text);
    ASSERT_FALSE(result.is_ok()) << text;
    EXPECT_EQ(result.status().code(), Code::kSerialization) << text;
    EXPECT_EQ(result.status().message().rfind(
                  "Invalid JSON: The surrogate pair in string is invalid.", 0),
              0u)
        << result.status().message();
  }
  // A pair is one character (U+1F600), and U+E000 just above the surrogates is an ordinary one.
  const auto pair = item_from_json(R"({"a":{"S":"\uD83D\uDE00\uE000"}})");
  ASSERT_TRUE(pair.is_ok()) << pair.status().message();
  EXPECT_EQ(pair->at("a").as<std::string>(), "\xF0\x9F\x98\x80\xEE\x80\x80");
  // Raw bytes: a surrogate, an overlong form, a lead byte past U+10FFFF, a sequence cut short
  // by the closing quote, a stray continuation byte; in a value, a name, after ASCII.
  for (const char* text :
       {"{\"a\":{\"S\":\"\xED\xB7\x9D\"}}", "{\"a\":{\"S\":\"\xC0\x80\"}}",
        "{\"a\":{\"S\":\"abcdefgh\xF5\x80\x80\x80\"}}", "{\"a\":{\"S\":\"x\xE2\x82\"}}",
        "{\"a\xBF\":{\"S\":\"x\"}}", "{\"a\":{\"SS\":[\"\xF4\x90\x80\x80\"]}}"}) {
    const auto result = item_from_json(text);
    ASSERT_FALSE(result.is_ok()) << text;
    EXPECT_EQ(result.status().code(), Code::kSerialization) << text;
  }
  EXPECT_EQ(item_from_json("{\"a\":{\"S\":\"\xC0\x80\"}}")
                .status()
                .message()
                .rfind("Invalid JSON: Invalid encoding in string.", 0),
            0u);
  // Every length of sequence, around and after ASCII runs longer than eight bytes.
  const std::string text = "pi \xCF\x80, euro \xE2\x82\xAC, 0123456789 \xF0\x9F\x98\x80!";
  const auto valid = item_from_json(R"({"a":{"S":")" + text + R"("}})");
  ASSERT_TRUE(valid.is_ok()) << valid.status().message();
  EXPECT_EQ(valid->at("a").as<std::string>(), text);
}

TEST(JsonCodec, DecodesFromRapidJsonValues) {
  rapidjson::Document doc;
  doc.Parse(R"({"Item":{"id":{"S":"x"}},"Value":{"N":"7"}})");
  ASSERT_FALSE(doc.HasParseError());
  auto item = decode_item(doc["Item"]);
  ASSERT_TRUE(item.is_ok());
  EXPECT_EQ(item->at("id"), AttributeValue(std::string("x")));
  auto value = decode_attribute_value(doc["Value"]);
  ASSERT_TRUE(value.is_ok());
  EXPECT_EQ(value->as<Number>().to_string(), "7");
}

TEST(JsonCodec, EncodesIntoAnEnclosingDocument) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Item");
  encode_item(Item{{"k", AttributeValue(true)}}, writer);
  writer.Key("Attribute");
  encode_attribute_value(AttributeValue::string_set({"z", "y"}), writer);
  writer.EndObject();
  EXPECT_STREQ(buffer.GetString(), R"({"Item":{"k":{"BOOL":true}},"Attribute":{"SS":["y","z"]}})");
}

}  // namespace
}  // namespace eddy::model
