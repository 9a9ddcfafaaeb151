#include "esm/filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace eddy::esm {
namespace {

using ::testing::HasSubstr;

// Records shaped as Lambda delivers them from a DynamoDB stream.
constexpr std::string_view kInsert = R"({
  "eventID": "c4ca4238a0b923820dcc509a6f75849b", "eventName": "INSERT", "eventVersion": "1.1",
  "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
  "dynamodb": {
    "ApproximateCreationDateTime": 1.7e9,
    "Keys": {"id": {"S": "n1"}},
    "NewImage": {"id": {"S": "n1"}, "text": {"S": "hello world"}},
    "SequenceNumber": "100", "SizeBytes": 26, "StreamViewType": "NEW_IMAGE"
  },
  "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/notes/stream/2024-01-01T00:00:00.000"
})";

constexpr std::string_view kModify = R"({
  "eventID": "c81e728d9d4c2f636f067f89cc14862c", "eventName": "MODIFY", "eventVersion": "1.1",
  "eventSource": "aws:dynamodb", "awsRegion": "eu-west-1",
  "dynamodb": {
    "ApproximateCreationDateTime": 1700000123.5,
    "Keys": {"id": {"S": "order-17"}},
    "OldImage": {"id": {"S": "order-17"}, "status": {"S": "PENDING"}, "qty": {"N": "42"}},
    "NewImage": {"id": {"S": "order-17"}, "status": {"S": "Shipped"}, "qty": {"N": "42"},
                 "paid": {"BOOL": true}, "note": {"NULL": true},
                 "tags": {"SS": ["red", "blue"]}, "empty": {"SS": []},
                 "lines": {"L": [{"S": "sku-1"}, {"N": "3"}]},
                 "file": {"S": "invoice.PDF"}, "comment": {"S": ""}},
    "SequenceNumber": "200", "SizeBytes": 180, "StreamViewType": "NEW_AND_OLD_IMAGES"
  },
  "eventSourceARN": "arn:aws:dynamodb:eu-west-1:000000000000:table/orders/stream/2024-01-01T00:00:00.000"
})";

// A TTL deletion: DynamoDB itself is the principal.
constexpr std::string_view kTtlRemove = R"({
  "eventID": "eccbc87e4b5ce2fe28308fd9f2a7baf3", "eventName": "REMOVE", "eventVersion": "1.1",
  "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
  "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
  "dynamodb": {
    "ApproximateCreationDateTime": 1700000200,
    "Keys": {"id": {"S": "n1"}},
    "OldImage": {"id": {"S": "n1"}, "text": {"S": "hello world"}},
    "SequenceNumber": "300", "SizeBytes": 30, "StreamViewType": "NEW_AND_OLD_IMAGES"
  },
  "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/notes/stream/2024-01-01T00:00:00.000"
})";

// A delete by a user: same shape, no userIdentity.
constexpr std::string_view kUserRemove = R"({
  "eventID": "a87ff679a2f3e71d9181a67b7542122c", "eventName": "REMOVE", "eventVersion": "1.1",
  "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
  "dynamodb": {
    "ApproximateCreationDateTime": 1700000300,
    "Keys": {"id": {"S": "n2"}},
    "OldImage": {"id": {"S": "n2"}},
    "SequenceNumber": "400", "SizeBytes": 12, "StreamViewType": "NEW_AND_OLD_IMAGES"
  },
  "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/notes/stream/2024-01-01T00:00:00.000"
})";

rapidjson::Document parse_json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

// Whether `pattern` (which must be valid) matches `record`.
bool matches(std::string_view pattern, std::string_view record) {
  auto compiled = FilterPattern::parse(pattern);
  EXPECT_TRUE(compiled) << pattern << ": " << compiled.status().to_string();
  if (!compiled) return false;
  return compiled->matches(parse_json(record));
}

// The message of the kValidation `pattern` must be refused with.
std::string refusal(std::string_view pattern) {
  auto compiled = FilterPattern::parse(pattern);
  EXPECT_FALSE(compiled) << pattern << " was accepted";
  if (compiled) return "";
  EXPECT_EQ(compiled.status().code(), Code::kValidation) << compiled.status().to_string();
  return compiled.status().message();
}

// ---- Matching ----

TEST(FilterPattern, MatchesEventNameExactly) {
  EXPECT_TRUE(matches(R"({"eventName":["INSERT"]})", kInsert));
  EXPECT_FALSE(matches(R"({"eventName":["INSERT"]})", kModify));
  EXPECT_FALSE(matches(R"({"eventName":["insert"]})", kInsert));  // case-sensitive
  EXPECT_FALSE(matches(R"({"eventName":["INSERT "]})", kInsert));
}

TEST(FilterPattern, ValuesInOneArrayAreAlternatives) {
  const char* pattern = R"({"eventName":["INSERT","MODIFY"]})";
  EXPECT_TRUE(matches(pattern, kInsert));
  EXPECT_TRUE(matches(pattern, kModify));
  EXPECT_FALSE(matches(pattern, kTtlRemove));
}

TEST(FilterPattern, EveryFieldOfThePatternMustMatch) {
  EXPECT_TRUE(matches(R"({"eventName":["INSERT"],"awsRegion":["us-east-1"]})", kInsert));
  EXPECT_FALSE(matches(R"({"eventName":["INSERT"],"awsRegion":["eu-west-1"]})", kInsert));
  EXPECT_FALSE(matches(R"({"eventName":["MODIFY"],"awsRegion":["us-east-1"]})", kInsert));
}

TEST(FilterPattern, ExistsOnANewImageAttribute) {
  const char* pattern = R"({"dynamodb":{"NewImage":{"text":{"S":[{"exists":true}]}}}})";
  EXPECT_TRUE(matches(pattern, kInsert));
  EXPECT_FALSE(matches(pattern, kModify));     // no "text" attribute
  EXPECT_FALSE(matches(pattern, kTtlRemove));  // no NewImage at all
  // The documented combination of metadata and data filters.
  EXPECT_TRUE(matches(
      R"({"eventName":["INSERT"],"dynamodb":{"NewImage":{"text":{"S":[{"exists":true}]}}}})",
      kInsert));
}

TEST(FilterPattern, ExistsFalseMatchesOnlyAbsentFields) {
  const char* pattern = R"({"dynamodb":{"OldImage":{"text":{"S":[{"exists":false}]}}}})";
  EXPECT_TRUE(matches(pattern, kInsert));      // no OldImage, so no text either
  EXPECT_TRUE(matches(pattern, kModify));      // OldImage without text
  EXPECT_FALSE(matches(pattern, kTtlRemove));  // OldImage.text.S present
  EXPECT_FALSE(matches(R"({"eventName":[{"exists":false}]})", kInsert));
}

TEST(FilterPattern, ExistsTrueMatchesAnyPresentValue) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":[{"exists":true}]}})", kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"note":{"NULL":[{"exists":true}]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"userIdentity":[{"exists":true}]})", kInsert));
}

TEST(FilterPattern, TtlFilterMatchesOnlyDeletionsByTheService) {
  const char* pattern =
      R"({"userIdentity":{"type":["Service"],"principalId":["dynamodb.amazonaws.com"]}})";
  EXPECT_TRUE(matches(pattern, kTtlRemove));
  EXPECT_FALSE(matches(pattern, kUserRemove));
  EXPECT_FALSE(matches(pattern, kInsert));
}

TEST(FilterPattern, PrefixOnAKey) {
  const char* pattern = R"({"dynamodb":{"Keys":{"id":{"S":[{"prefix":"order-"}]}}}})";
  EXPECT_TRUE(matches(pattern, kModify));
  EXPECT_FALSE(matches(pattern, kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"Keys":{"id":{"S":[{"prefix":""}]}}}})", kInsert));
}

TEST(FilterPattern, SuffixAndIgnoringCase) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"file":{"S":[{"suffix":".PDF"}]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"file":{"S":[{"suffix":".pdf"}]}}}})", kModify));
  EXPECT_TRUE(matches(
      R"({"dynamodb":{"NewImage":{"file":{"S":[{"suffix":{"equals-ignore-case":".pdf"}}]}}}})",
      kModify));
  EXPECT_TRUE(matches(
      R"({"dynamodb":{"NewImage":{"status":{"S":[{"prefix":{"equals-ignore-case":"SHIP"}}]}}}})",
      kModify));
}

TEST(FilterPattern, EqualsIgnoreCase) {
  const char* pattern =
      R"({"dynamodb":{"NewImage":{"status":{"S":[{"equals-ignore-case":"SHIPPED"}]}}}})";
  EXPECT_TRUE(matches(pattern, kModify));
  EXPECT_FALSE(matches(
      R"({"dynamodb":{"NewImage":{"status":{"S":[{"equals-ignore-case":"SHIP"}]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"eventName":[{"equals-ignore-case":"insert"}]})", kModify));
  EXPECT_TRUE(matches(R"({"eventName":[{"equals-ignore-case":"insert"}]})", kInsert));
}

TEST(FilterPattern, AnythingButOneValue) {
  const char* pattern = R"({"eventName":[{"anything-but":"REMOVE"}]})";
  EXPECT_TRUE(matches(pattern, kInsert));
  EXPECT_TRUE(matches(pattern, kModify));
  EXPECT_FALSE(matches(pattern, kTtlRemove));
}

TEST(FilterPattern, AnythingButAListAndNumbers) {
  EXPECT_FALSE(matches(R"({"eventName":[{"anything-but":["INSERT","MODIFY"]}]})", kInsert));
  EXPECT_TRUE(matches(R"({"eventName":[{"anything-but":["INSERT","MODIFY"]}]})", kTtlRemove));
  EXPECT_FALSE(matches(R"({"dynamodb":{"SizeBytes":[{"anything-but":[26, 27]}]}})", kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[{"anything-but":[26, 27]}]}})", kModify));
}

TEST(FilterPattern, AnythingButPrefixSuffixAndIgnoringCase) {
  const char* not_orders =
      R"({"dynamodb":{"Keys":{"id":{"S":[{"anything-but":{"prefix":"order-"}}]}}}})";
  EXPECT_TRUE(matches(not_orders, kInsert));
  EXPECT_FALSE(matches(not_orders, kModify));
  EXPECT_FALSE(matches(
      R"({"dynamodb":{"NewImage":{"file":{"S":[{"anything-but":{"suffix":".PDF"}}]}}}})", kModify));
  EXPECT_FALSE(matches(
      R"({"eventName":[{"anything-but":{"equals-ignore-case":["insert","remove"]}}]})", kInsert));
  EXPECT_TRUE(matches(
      R"({"eventName":[{"anything-but":{"equals-ignore-case":["insert","remove"]}}]})", kModify));
}

TEST(FilterPattern, AnythingButNeedsTheFieldPresent) {
  EXPECT_FALSE(matches(R"({"userIdentity":{"type":[{"anything-but":"Service"}]}})", kInsert));
  EXPECT_FALSE(matches(R"({"userIdentity":{"type":[{"anything-but":"Service"}]}})", kTtlRemove));
}

TEST(FilterPattern, NumericRangeOnSizeBytes) {
  const char* pattern = R"({"dynamodb":{"SizeBytes":[{"numeric":[">",10,"<=",26]}]}})";
  EXPECT_TRUE(matches(pattern, kInsert));      // 26: the upper bound is included
  EXPECT_TRUE(matches(pattern, kUserRemove));  // 12
  EXPECT_FALSE(matches(pattern, kTtlRemove));  // 30
  EXPECT_FALSE(matches(pattern, kModify));     // 180
  EXPECT_FALSE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":[">",12,"<=",26]}]}})",
                       kUserRemove));  // the lower bound is excluded
}

TEST(FilterPattern, NumericSingleComparisons) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":["=",26]}]}})", kInsert));
  EXPECT_FALSE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":["!=",26]}]}})", kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":["!=",26]}]}})", kModify));
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":[">=",180]}]}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":["<",26]}]}})", kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[{"numeric":["<",26.5]}]}})", kInsert));
  EXPECT_TRUE(matches(
      R"({"dynamodb":{"ApproximateCreationDateTime":[{"numeric":[">",1700000000,"<",1700000124]}]}})",
      kModify));
}

TEST(FilterPattern, NumericNeverMatchesDynamoDbNumberStrings) {
  // "N" values travel as JSON strings, so only string literals see them.
  EXPECT_FALSE(
      matches(R"({"dynamodb":{"NewImage":{"qty":{"N":[{"numeric":[">",0]}]}}}})", kModify));
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"qty":{"N":["42"]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"qty":{"N":[42]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"SequenceNumber":[{"numeric":[">",0]}]}})", kInsert));
}

TEST(FilterPattern, ExactNumbersMatchNumericallyEqualNumbers) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[26]}})", kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"SizeBytes":[26.0]}})", kInsert));
  EXPECT_FALSE(matches(R"({"dynamodb":{"SizeBytes":[25]}})", kInsert));
  EXPECT_FALSE(matches(R"({"dynamodb":{"SizeBytes":["26"]}})", kInsert));
  EXPECT_TRUE(matches(R"({"dynamodb":{"ApproximateCreationDateTime":[1700000000]}})", kInsert));
  // Integers beyond 2^53 are told apart, not rounded together.
  EXPECT_FALSE(matches(R"({"n":[9007199254740993]})", R"({"n":9007199254740992})"));
  EXPECT_TRUE(matches(R"({"n":[9007199254740993]})", R"({"n":9007199254740993})"));
}

TEST(FilterPattern, BooleanLiterals) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"paid":{"BOOL":[true]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"paid":{"BOOL":[false]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"paid":{"BOOL":["true"]}}}})", kModify));
}

TEST(FilterPattern, NullMatchesOnlyAJsonNull) {
  const char* pattern = R"({"a":[null]})";
  EXPECT_TRUE(matches(pattern, R"({"a":null})"));
  EXPECT_FALSE(matches(pattern, R"({})"));
  EXPECT_FALSE(matches(pattern, R"({"a":""})"));
  EXPECT_FALSE(matches(pattern, R"({"a":"null"})"));
  EXPECT_FALSE(matches(pattern, R"({"a":false})"));
}

TEST(FilterPattern, EmptyStringMatchesOnlyTheEmptyString) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"comment":{"S":[""]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"file":{"S":[""]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"a":[""]})", R"({"a":null})"));
  EXPECT_FALSE(matches(R"({"a":[""]})", R"({})"));
}

TEST(FilterPattern, AnEventArrayMatchesWhenAnyElementMatches) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"tags":{"SS":["blue"]}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"tags":{"SS":["green"]}}}})", kModify));
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"tags":{"SS":[{"prefix":"bl"}]}}}})", kModify));
  // An empty array offers no value: like an absent field.
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"empty":{"SS":[{"exists":true}]}}}})", kModify));
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"empty":{"SS":[{"exists":false}]}}}})", kModify));
}

TEST(FilterPattern, AnArrayOfObjectsMatchesWithinOneElement) {
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"lines":{"L":{"S":["sku-1"]}}}}})", kModify));
  EXPECT_TRUE(matches(R"({"dynamodb":{"NewImage":{"lines":{"L":{"N":["3"]}}}}})", kModify));
  EXPECT_FALSE(matches(R"({"dynamodb":{"NewImage":{"lines":{"L":{"S":["sku-2"]}}}}})", kModify));
  // Fields taken from two different elements do not combine.
  const char* event = R"({"items":[{"a":"1","b":"2"},{"a":"3","b":"4"}]})";
  EXPECT_TRUE(matches(R"({"items":{"a":["3"],"b":["4"]}})", event));
  EXPECT_FALSE(matches(R"({"items":{"a":["1"],"b":["4"]}})", event));
}

TEST(FilterPattern, ANestedPatternNeverMatchesAScalar) {
  EXPECT_FALSE(matches(R"({"eventName":{"S":["INSERT"]}})", kInsert));
  EXPECT_TRUE(matches(R"({"eventName":{"S":[{"exists":false}]}})", kInsert));
  // A literal never matches an object.
  EXPECT_FALSE(matches(R"({"dynamodb":{"Keys":["n1"]}})", kInsert));
}

TEST(FilterPattern, Wildcard) {
  EXPECT_TRUE(
      matches(R"({"eventSourceARN":[{"wildcard":"arn:aws:dynamodb:*:table/notes/*"}]})", kInsert));
  EXPECT_FALSE(
      matches(R"({"eventSourceARN":[{"wildcard":"arn:aws:dynamodb:*:table/notes/*"}]})", kModify));
  EXPECT_TRUE(matches(R"({"a":[{"wildcard":"a*b*c"}]})", R"({"a":"abc"})"));
  EXPECT_TRUE(matches(R"({"a":[{"wildcard":"a*b*c"}]})", R"({"a":"a-bb-b-c"})"));
  EXPECT_FALSE(matches(R"({"a":[{"wildcard":"a*b*c"}]})", R"({"a":"a-c-b"})"));
  EXPECT_FALSE(matches(R"({"a":[{"wildcard":"ab*ba"}]})", R"({"a":"aba"})"));  // no overlap
  EXPECT_TRUE(matches(R"({"a":[{"wildcard":"x\\*y"}]})", R"({"a":"x*y"})"));
  EXPECT_FALSE(matches(R"({"a":[{"wildcard":"x\\*y"}]})", R"({"a":"xzy"})"));
  EXPECT_FALSE(matches(R"({"eventName":[{"anything-but":{"wildcard":"*SERT"}}]})", kInsert));
}

TEST(FilterPattern, ADuplicateKeyKeepsTheLastValue) {
  EXPECT_TRUE(matches(R"({"eventName":["REMOVE"],"eventName":["INSERT"]})", kInsert));
  EXPECT_FALSE(matches(R"({"eventName":["REMOVE"],"eventName":["INSERT"]})", kTtlRemove));
  // An invalid value overridden later is not an error.
  EXPECT_TRUE(matches(R"({"eventName":"oops","eventName":["INSERT"]})", kInsert));
}

TEST(FilterPattern, MatchesAnyValueOfAFieldIgnoringOthers) {
  EXPECT_TRUE(matches(R"({"eventVersion":["1.1"]})", kInsert));
  EXPECT_TRUE(matches(R"({"eventVersion":["1.1"]})", kModify));
  EXPECT_FALSE(matches(R"({"missing":["x"]})", kInsert));
}

// ---- Validation ----

TEST(FilterPatternValidation, RefusesTextThatIsNotAJsonObject) {
  EXPECT_THAT(refusal(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(refusal(R"({"eventName":["INSERT"])"), HasSubstr("not valid JSON"));
  EXPECT_THAT(refusal(R"({"eventName":["INSERT"]} x)"), HasSubstr("not valid JSON"));
  EXPECT_THAT(refusal(R"(["INSERT"])"), HasSubstr("must be a JSON object, not an array"));
  EXPECT_THAT(refusal(R"("INSERT")"), HasSubstr("must be a JSON object, not a string"));
  EXPECT_THAT(refusal("{}"), HasSubstr("must name a field"));
}

TEST(FilterPatternValidation, RefusesLeavesThatAreNotArraysOrObjects) {
  EXPECT_THAT(refusal(R"({"eventName":"INSERT"})"),
              HasSubstr("at 'eventName': must be an array of values to match or an object"));
  EXPECT_THAT(refusal(R"({"dynamodb":{"SizeBytes":26}})"), HasSubstr("at 'dynamodb.SizeBytes'"));
  EXPECT_THAT(refusal(R"({"eventName":null})"), HasSubstr("not null"));
  EXPECT_THAT(refusal(R"({"dynamodb":{}})"), HasSubstr("at 'dynamodb': "));
}

TEST(FilterPatternValidation, RefusesEmptyAndNestedArrays) {
  EXPECT_THAT(refusal(R"({"eventName":[]})"),
              HasSubstr("at 'eventName': the array of values to match is empty"));
  EXPECT_THAT(refusal(R"({"eventName":[["INSERT"]]})"), HasSubstr("may not contain arrays"));
}

TEST(FilterPatternValidation, RefusesUnknownAndMalformedOperators) {
  EXPECT_THAT(refusal(R"({"dynamodb":{"Keys":{"id":{"S":[{"begins-with":"a"}]}}}})"),
              HasSubstr("at 'dynamodb.Keys.id.S': unknown operator 'begins-with'"));
  EXPECT_THAT(refusal(R"({"ip":[{"cidr":"10.0.0.0/24"}]})"), HasSubstr("unknown operator 'cidr'"));
  EXPECT_THAT(refusal(R"({"a":[{}]})"), HasSubstr("must name an operator"));
  EXPECT_THAT(refusal(R"({"a":[{"prefix":"x","suffix":"y"}]})"),
              HasSubstr("takes one operator, got 'prefix' and 'suffix'"));
  EXPECT_THAT(refusal(R"({"a":[{"prefix":1}]})"), HasSubstr("'prefix' takes a string"));
  EXPECT_THAT(refusal(R"({"a":[{"suffix":{"exists":true}}]})"), HasSubstr("'suffix' takes"));
  EXPECT_THAT(refusal(R"({"a":[{"equals-ignore-case":["x"]}]})"),
              HasSubstr("equals-ignore-case takes a string"));
}

TEST(FilterPatternValidation, RefusesMalformedAnythingBut) {
  EXPECT_THAT(refusal(R"({"a":[{"anything-but":[]}]})"), HasSubstr("empty array"));
  EXPECT_THAT(refusal(R"({"a":[{"anything-but":true}]})"), HasSubstr("anything-but takes"));
  EXPECT_THAT(refusal(R"({"a":[{"anything-but":["x",null]}]})"),
              HasSubstr("only strings and numbers, not null"));
  EXPECT_THAT(refusal(R"({"a":[{"anything-but":{"numeric":[">",1]}}]})"),
              HasSubstr("anything-but does not take 'numeric'"));
  EXPECT_THAT(refusal(R"({"a":[{"anything-but":{"prefix":["x",1]}}]})"),
              HasSubstr("non-empty array of strings"));
}

TEST(FilterPatternValidation, RefusesMalformedNumeric) {
  for (const char* pattern : {
           R"({"n":[{"numeric":">"}]})",                   // not an array
           R"({"n":[{"numeric":[">"]}]})",                 // no operand
           R"({"n":[{"numeric":[">",1,"<"]}]})",           // odd length
           R"({"n":[{"numeric":[">",1,"<",2,"!=",3]}]})",  // three comparisons
           R"({"n":[{"numeric":["==",1]}]})",              // unknown operator
           R"({"n":[{"numeric":[">","1"]}]})",             // string operand
           R"({"n":[{"numeric":[1,">"]}]})",               // swapped
           R"({"n":[{"numeric":[">",1,">",2]}]})",         // two lower bounds
           R"({"n":[{"numeric":["=",1,"<",2]}]})",         // = in a range
           R"({"n":[{"numeric":[">",5,"<",1]}]})",         // empty range
       }) {
    EXPECT_THAT(refusal(pattern), HasSubstr("at 'n': numeric")) << pattern;
  }
  // Bounds may come in either order.
  EXPECT_TRUE(matches(R"({"n":[{"numeric":["<",10,">=",5]}]})", R"({"n":5})"));
}

TEST(FilterPatternValidation, RefusesExistsWithANonBoolean) {
  EXPECT_THAT(refusal(R"({"dynamodb":{"NewImage":[{"exists":"true"}]}})"),
              HasSubstr("at 'dynamodb.NewImage': exists takes true or false, not a string"));
  EXPECT_THAT(refusal(R"({"a":[{"exists":1}]})"), HasSubstr("exists takes true or false"));
}

TEST(FilterPatternValidation, RefusesBadWildcards) {
  EXPECT_THAT(refusal(R"({"a":[{"wildcard":"a**b"}]})"), HasSubstr("consecutive '*'"));
  EXPECT_THAT(refusal(R"({"a":[{"wildcard":"a\\b"}]})"), HasSubstr("may escape only"));
  EXPECT_THAT(refusal(R"({"a":[{"wildcard":"a\\"}]})"), HasSubstr("may escape only"));
  EXPECT_THAT(refusal(R"({"a":[{"wildcard":7}]})"), HasSubstr("wildcard takes a string"));
}

// {"a":{"a":...{"a":leaf}}} with `depth` objects.
std::string nested(int depth, std::string_view leaf) {
  std::string text;
  for (int i = 0; i < depth; ++i)
    text += R"({"a":)";
  text += leaf;
  text.append(depth, '}');
  return text;
}

TEST(FilterPatternValidation, LimitsNestingTo32Objects) {
  const int limit = FilterPattern::kMaxDepth;
  EXPECT_TRUE(matches(nested(limit, R"(["x"])"), nested(limit, R"("x")")));
  EXPECT_FALSE(matches(nested(limit, R"(["x"])"), nested(limit, R"("y")")));
  EXPECT_THAT(refusal(nested(limit + 1, R"(["x"])")), HasSubstr("nests more than 32 objects deep"));
  EXPECT_THAT(refusal(nested(5000, R"(["x"])")), HasSubstr("limit is 4096"));
}

TEST(FilterPatternValidation, LimitsPatternsTo4096Bytes) {
  const std::string head = R"({"eventName":[")";
  const std::string tail = R"("]})";
  const std::string longest =
      head + std::string(FilterPattern::kMaxPatternBytes - head.size() - tail.size(), 'x') + tail;
  ASSERT_EQ(longest.size(), 4096u);
  EXPECT_TRUE(FilterPattern::parse(longest));
  const std::string too_long =
      head + std::string(longest.size() - head.size() - tail.size() + 1, 'x') + tail;
  EXPECT_THAT(refusal(too_long), HasSubstr("the pattern is 4097 bytes; the limit is 4096"));
}

// ---- FilterCriteria ----

TEST(FilterCriteria, PatternsAreAlternatives) {
  auto criteria = FilterCriteria::parse(
      {R"({"eventName":["INSERT"]})",
       R"({"userIdentity":{"type":["Service"],"principalId":["dynamodb.amazonaws.com"]}})"});
  ASSERT_TRUE(criteria) << criteria.status().to_string();
  EXPECT_FALSE(criteria->empty());
  EXPECT_TRUE(criteria->matches(parse_json(kInsert)));
  EXPECT_TRUE(criteria->matches(parse_json(kTtlRemove)));
  EXPECT_FALSE(criteria->matches(parse_json(kModify)));
  EXPECT_FALSE(criteria->matches(parse_json(kUserRemove)));
}

TEST(FilterCriteria, EmptyCriteriaMatchEverything) {
  auto criteria = FilterCriteria::parse({});
  ASSERT_TRUE(criteria);
  EXPECT_TRUE(criteria->empty());
  EXPECT_TRUE(criteria->patterns().empty());
  for (auto record : {kInsert, kModify, kTtlRemove, kUserRemove})
    EXPECT_TRUE(criteria->matches(parse_json(record)));
  EXPECT_TRUE(FilterCriteria().matches_json(kModify));
}

TEST(FilterCriteria, AcceptsFivePatternsAndRefusesSix) {
  std::vector<std::string> patterns(5, R"({"eventName":["INSERT"]})");
  EXPECT_TRUE(FilterCriteria::parse(patterns));
  patterns.push_back(R"({"eventName":["MODIFY"]})");
  auto criteria = FilterCriteria::parse(patterns);
  ASSERT_FALSE(criteria);
  EXPECT_EQ(criteria.status().code(), Code::kValidation);
  EXPECT_THAT(criteria.status().message(), HasSubstr("at most 5 filters, got 6"));
}

TEST(FilterCriteria, NamesTheInvalidPattern) {
  auto criteria =
      FilterCriteria::parse({R"({"eventName":["INSERT"]})", R"({"eventName":[{"exists":1}]})"});
  ASSERT_FALSE(criteria);
  EXPECT_EQ(criteria.status().code(), Code::kValidation);
  EXPECT_THAT(criteria.status().message(),
              HasSubstr("filter 2: Invalid filter pattern at 'eventName'"));
}

TEST(FilterCriteria, KeepsTheTextsAsGivenAndSurvivesCopies) {
  const std::vector<std::string> texts = {R"({ "eventName" : [ "INSERT" ] })",
                                          R"({"eventName":["REMOVE"]})"};
  FilterCriteria copy;
  {
    auto criteria = FilterCriteria::parse(texts);
    ASSERT_TRUE(criteria);
    copy = *criteria;
  }
  EXPECT_EQ(copy.patterns(), texts);
  EXPECT_TRUE(copy.matches_json(kInsert));
  EXPECT_FALSE(copy.matches_json(kModify));
}

TEST(FilterCriteria, MatchesJsonRefusesRecordsThatAreNotJson) {
  auto criteria = FilterCriteria::parse({R"({"eventName":[{"exists":false}]})"});
  ASSERT_TRUE(criteria);
  EXPECT_TRUE(criteria->matches_json(R"({"other":1})"));
  EXPECT_FALSE(criteria->matches_json(kInsert));
  EXPECT_FALSE(criteria->matches_json(R"({"other":1)"));
  EXPECT_FALSE(criteria->matches_json(""));
  EXPECT_FALSE(FilterCriteria().matches_json("not json"));
  // Deep records are parsed without recursion and searched to a bound, not crashed on.
  std::string deep =
      R"({"eventName":)" + std::string(100000, '[') + "1" + std::string(100000, ']') + "}";
  EXPECT_FALSE(criteria->matches_json(deep));
}

}  // namespace
}  // namespace eddy::esm
