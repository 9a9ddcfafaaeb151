// Key encoding: the documented bytes (the format is persisted), round trips, order
// preservation and prefix-freedom over many random values, and strict, bounds-safe decoding.
#include "model/key_encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace eddy::model {
namespace {

Number num(const std::string& text) {
  Result<Number> n = Number::parse(text);
  EXPECT_TRUE(n.is_ok()) << text << ": " << n.status().to_string();
  return n.is_ok() ? n.value() : Number();
}

std::string enc(const AttributeValue& v) {
  std::string out;
  append_key_encoding(v, out);
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[static_cast<uint8_t>(c) >> 4];
    out += kDigits[static_cast<uint8_t>(c) & 0xF];
  }
  return out;
}

// memcmp order of two byte strings, shorter-is-smaller on a common prefix: RocksDB's
// default BytewiseComparator.
int bytewise(std::string_view a, std::string_view b) {
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

const char* type_label(KeyType type) {
  return type == KeyType::S ? "S" : (type == KeyType::N ? "N" : "B");
}

int sign_of(std::strong_ordering o) {
  return o < 0 ? -1 : (o > 0 ? 1 : 0);
}

KeyType key_type_of(const AttributeValue& v) {
  switch (v.type()) {
    case Type::S:
      return KeyType::S;
    case Type::N:
      return KeyType::N;
    default:
      return KeyType::B;
  }
}

// DynamoDB's order of two key values of the same type.
int dynamo_order(const AttributeValue& a, const AttributeValue& b) {
  switch (a.type()) {
    case Type::N:
      return sign_of(a.as<Number>() <=> b.as<Number>());
    case Type::S:
      return bytewise(a.as<std::string>(), b.as<std::string>());
    default:
      return bytewise(a.as<Binary>().bytes, b.as<Binary>().bytes);
  }
}

AttributeValue decode_all(KeyType type, std::string_view bytes) {
  std::string_view in = bytes;
  Result<AttributeValue> v = decode_key_encoding(type, in);
  EXPECT_TRUE(v.is_ok()) << hex(bytes) << ": " << v.status().to_string();
  EXPECT_TRUE(in.empty()) << hex(bytes);
  return v.is_ok() ? v.value() : AttributeValue();
}

struct Golden {
  AttributeValue value;
  std::string bytes;  // hex
};

// The worked examples at the top of key_encoding.cc, plus the range limits: a change here
// is a change of the persisted format (a new kKeyEncodingVersion).
TEST(KeyEncoding, DocumentedBytes) {
  EXPECT_EQ(kKeyEncodingVersion, 1u);
  const std::string max_mantissa = "0." + std::string(38, '9');
  const std::vector<Golden> cases = {
      {AttributeValue::string(""), "00 00"},
      {AttributeValue::string("a"), "61 00 00"},
      {AttributeValue::string(std::string("a\0b", 3)), "61 00 FF 62 00 00"},
      {AttributeValue::string("\xFF"), "FF 00 00"},
      {AttributeValue::binary(std::string("\0\0", 2)), "00 FF 00 FF 00 00"},
      {AttributeValue::binary(""), "00 00"},
      {num("0"), "02"},
      {num("1"), "03 82 0B 00"},
      {num("12.5"), "03 83 0D 33 00"},
      {num("-1"), "01 7D F4 FF"},
      {num("1E-130"), "03 00 0B 00"},
      {num("-12.5"), "01 7C F2 CC FF"},
      {num("0.01"), "03 80 0B 00"},
      {num("100"), "03 84 0B 00"},
      {num("1001"), "03 85 0B 02 00"},
      {num(max_mantissa + "E126"),
       "03 FF 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 00"},
      {num("-" + max_mantissa + "E126"),
       "01 00 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B 9B FF"},
      {num("-1E-130"), "01 FF F4 FF"},
  };
  for (const auto& c : cases) {
    const std::string bytes = enc(c.value);
    EXPECT_EQ(hex(bytes), c.bytes);
    EXPECT_EQ(decode_all(key_type_of(c.value), bytes), c.value) << c.bytes;
  }
}

// --- random values -----------------------------------------------------------------------

// Numbers across the whole range, biased towards the cases that stress an encoding: shared
// exponents, shared digit prefixes, odd/even digit counts, the limits, zero and sign flips.
class NumberGenerator {
 public:
  explicit NumberGenerator(uint32_t seed) : rng_(seed) {}

  Number next() {
    switch (pick(10)) {
      case 0:
        return edge();
      case 1:
      case 2:
        if (!pool_.empty()) return mutate(pool_[pick(pool_.size())]);
        [[fallthrough]];
      default: {
        Number n = fresh();
        if (pool_.size() < 64)
          pool_.push_back(n);
        else
          pool_[pick(pool_.size())] = n;
        return n;
      }
    }
  }

  std::mt19937& rng() { return rng_; }

  // A number close to `base` in the ways that matter to the encoding (see mutate()).
  Number near(const Number& base) { return mutate(base); }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  char digit() { return static_cast<char>('0' + pick(10)); }

  static Number make(bool negative, std::string digits, int exponent) {
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    if (digits.empty()) return Number();
    return num(std::string(negative ? "-" : "") + "0." + digits + "E" + std::to_string(exponent));
  }

  Number fresh() {
    // Mostly short mantissas and small exponents (so that many values collide), sometimes
    // anything in range.
    const bool wide = pick(4) == 0;
    const size_t length = wide ? 1 + pick(Number::kMaxDigits) : 1 + pick(6);
    std::string digits(length, '0');
    for (auto& d : digits)
      d = digit();
    digits[0] = static_cast<char>('1' + pick(9));
    const int exponent =
        wide ? Number::kMinExponent +
                   static_cast<int>(pick(Number::kMaxExponent - Number::kMinExponent + 1))
             : static_cast<int>(pick(7)) - 3;
    return make(pick(2) == 0, digits, exponent);
  }

  Number mutate(const Number& base) {
    if (base.is_zero()) return fresh();
    std::string digits = base.digits();
    int exponent = base.exponent();
    bool negative = base.is_negative();
    switch (pick(6)) {
      case 0:  // append digits (a longer mantissa with the same prefix)
        for (size_t k = 1 + pick(3); k > 0 && digits.size() < Number::kMaxDigits; --k) {
          digits += digit();
        }
        break;
      case 1:  // drop trailing digits
        digits.resize(1 + pick(digits.size()));
        break;
      case 2:  // change the last digit
        digits.back() = digit();
        break;
      case 3:  // flip the sign
        negative = !negative;
        break;
      case 4:  // neighbouring exponent
        exponent = std::clamp(exponent + (pick(2) == 0 ? 1 : -1), Number::kMinExponent,
                              Number::kMaxExponent);
        break;
      default:  // the same value
        break;
    }
    return make(negative, digits, exponent);
  }

  Number edge() {
    static const std::vector<std::string> kEdges = {
        "0",
        "1",
        "-1",
        "1e-130",
        "-1e-130",
        "9.9999999999999999999999999999999999999E+125",
        "-9.9999999999999999999999999999999999999E+125",
        "1e125",
        "-1e125",
        "1.0000000000000000000000000000000000001e-130",
        "-1.0000000000000000000000000000000000001e-130",
        "12345678901234567890123456789012345678",
        "-12345678901234567890123456789012345678",
        "0.1",
        "-0.1",
        "10",
        "99",
        "-99",
        "100",
        "101",
    };
    return num(kEdges[pick(kEdges.size())]);
  }

  std::mt19937 rng_;
  std::vector<Number> pool_;
};

// Byte strings over an alphabet that makes escapes, 0xFF bytes and shared prefixes common.
std::string random_bytes(std::mt19937& rng) {
  static const char kAlphabet[] = {'\x00', '\x01', '\x7F', '\x80', '\xFE', '\xFF', 'a', 'b'};
  std::uniform_int_distribution<size_t> length(0, 6), symbol(0, sizeof(kAlphabet) - 1);
  std::string s(length(rng), '\0');
  for (auto& c : s)
    c = kAlphabet[symbol(rng)];
  return s;
}

AttributeValue random_value(KeyType type, NumberGenerator& numbers) {
  switch (type) {
    case KeyType::S:
      return AttributeValue::string(random_bytes(numbers.rng()));
    case KeyType::N:
      return numbers.next();
    case KeyType::B:
      return AttributeValue::binary(random_bytes(numbers.rng()));
  }
  return {};
}

// A value of `type` likely to tie with or be a neighbour of `a`: for numbers a mutation of
// a; for bytes a copy with a byte appended, dropped or changed.
AttributeValue related_value(KeyType type, const AttributeValue& a, NumberGenerator& numbers) {
  if (type == KeyType::N) return numbers.near(a.as<Number>());
  std::string bytes = type == KeyType::S ? a.as<std::string>() : a.as<Binary>().bytes;
  const std::string extra = random_bytes(numbers.rng());
  switch (numbers.rng()() % 4) {
    case 0:
      bytes += extra;
      break;
    case 1:
      if (!bytes.empty()) bytes.pop_back();
      break;
    case 2:
      if (!bytes.empty() && !extra.empty()) bytes.back() = extra[0];
      break;
    default:
      break;
  }
  return type == KeyType::S ? AttributeValue::string(bytes) : AttributeValue::binary(bytes);
}

constexpr KeyType kKeyTypes[] = {KeyType::S, KeyType::N, KeyType::B};
constexpr int kPairsPerType = 20000;

TEST(KeyEncodingProperty, RoundTrips) {
  NumberGenerator numbers(1);
  for (const KeyType type : kKeyTypes) {
    for (int i = 0; i < 5000; ++i) {
      const AttributeValue v = random_value(type, numbers);
      EXPECT_EQ(decode_all(type, enc(v)), v) << hex(enc(v));
    }
  }
}

TEST(KeyEncodingProperty, MemcmpOrderIsDynamoDbOrder) {
  NumberGenerator numbers(2);
  for (const KeyType type : kKeyTypes) {
    int equal = 0, less = 0;
    for (int i = 0; i < kPairsPerType; ++i) {
      const AttributeValue a = random_value(type, numbers);
      const AttributeValue b =
          i % 2 == 0 ? related_value(type, a, numbers) : random_value(type, numbers);
      const std::string ea = enc(a), eb = enc(b);
      const int expected = dynamo_order(a, b);
      ASSERT_EQ(bytewise(ea, eb), expected)
          << type_label(type) << " " << hex(ea) << " vs " << hex(eb);
      equal += expected == 0;
      less += expected < 0;
    }
    // The generators must produce ties and both orders, or the test proves little.
    EXPECT_GT(equal, kPairsPerType / 100) << type_label(type);
    EXPECT_GT(less, kPairsPerType / 5) << type_label(type);
  }
}

TEST(KeyEncodingProperty, SortingEncodingsSortsNumbers) {
  NumberGenerator numbers(3);
  std::vector<Number> values;
  for (int i = 0; i < 5000; ++i)
    values.push_back(numbers.next());
  std::vector<std::pair<std::string, Number>> encoded;
  for (const Number& n : values)
    encoded.emplace_back(enc(n), n);
  std::sort(encoded.begin(), encoded.end(),
            [](const auto& x, const auto& y) { return bytewise(x.first, y.first) < 0; });
  for (size_t i = 1; i < encoded.size(); ++i) {
    ASSERT_LE(encoded[i - 1].second, encoded[i].second)
        << encoded[i - 1].second.to_string() << " before " << encoded[i].second.to_string();
  }
}

TEST(KeyEncodingProperty, ConcatenationsOrderAsPairs) {
  NumberGenerator numbers(4);
  for (const KeyType partition : kKeyTypes) {
    for (const KeyType sort : kKeyTypes) {
      for (int i = 0; i < kPairsPerType / 4; ++i) {
        const AttributeValue p1 = random_value(partition, numbers);
        const AttributeValue s1 = random_value(sort, numbers);
        // Often the same partition key, so that the sort key decides.
        const AttributeValue p2 = i % 2 == 0 ? p1 : random_value(partition, numbers);
        const AttributeValue s2 =
            i % 4 < 2 ? related_value(sort, s1, numbers) : random_value(sort, numbers);
        const std::string k1 = enc(p1) + enc(s1), k2 = enc(p2) + enc(s2);
        int expected = dynamo_order(p1, p2);
        if (expected == 0) expected = dynamo_order(s1, s2);
        ASSERT_EQ(bytewise(k1, k2), expected) << hex(k1) << " vs " << hex(k2);

        // And the concatenation decodes back into its two parts.
        std::string_view in = k1;
        Result<AttributeValue> dp = decode_key_encoding(partition, in);
        ASSERT_TRUE(dp.is_ok()) << hex(k1);
        Result<AttributeValue> ds = decode_key_encoding(sort, in);
        ASSERT_TRUE(ds.is_ok()) << hex(k1);
        EXPECT_TRUE(in.empty());
        EXPECT_EQ(*dp, p1);
        EXPECT_EQ(*ds, s1);
      }
    }
  }
}

TEST(KeyEncodingProperty, NoEncodingIsAProperPrefixOfAnother) {
  // Every proper prefix of an encoding fails to decode: were it (or a prefix of it) a valid
  // encoding of its own, decoding would succeed.
  NumberGenerator numbers(5);
  for (const KeyType type : kKeyTypes) {
    for (int i = 0; i < 3000; ++i) {
      const std::string e = enc(random_value(type, numbers));
      for (size_t length = 0; length < e.size(); ++length) {
        std::string_view in(e.data(), length);
        Result<AttributeValue> v = decode_key_encoding(type, in);
        ASSERT_FALSE(v.is_ok()) << hex(e) << " prefix " << length;
        EXPECT_EQ(v.status().code(), Code::kCorruption);
        EXPECT_EQ(in.size(), length) << "a failed decode does not consume input";
      }
    }
  }
}

TEST(KeyEncodingDecode, GarbageIsRejectedOrCanonical) {
  // Random bytes either fail with kCorruption or decode to a value whose encoding is exactly
  // the bytes consumed: there is one encoding per value. Run under ASan/UBSan this also
  // shows decoding never reads out of bounds.
  std::mt19937 rng(6);
  std::uniform_int_distribution<int> length(0, 24), byte(0, 255), small(0, 5);
  // Short strings of bytes that matter to the format, and fully random ones.
  static const uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x03, 0x0A, 0x0B,
                                         0x64, 0x65, 0x9B, 0xF4, 0xFE, 0xFF};
  int decoded = 0;
  for (const KeyType type : kKeyTypes) {
    for (int i = 0; i < 30000; ++i) {
      std::string bytes(static_cast<size_t>(length(rng)), '\0');
      const bool interesting = i % 2 == 0;
      for (auto& c : bytes) {
        c = static_cast<char>(
            interesting ? kInteresting[static_cast<size_t>(byte(rng)) % sizeof(kInteresting)]
                        : byte(rng));
      }
      if (type == KeyType::N && small(rng) == 0 && !bytes.empty()) bytes[0] = '\x03';
      std::string_view in = bytes;
      Result<AttributeValue> v = decode_key_encoding(type, in);
      if (!v.is_ok()) {
        EXPECT_EQ(v.status().code(), Code::kCorruption);
        EXPECT_EQ(in.size(), bytes.size());
        continue;
      }
      ++decoded;
      const size_t consumed = bytes.size() - in.size();
      EXPECT_EQ(hex(enc(*v)), hex(std::string_view(bytes).substr(0, consumed)));
    }
  }
  EXPECT_GT(decoded, 1000);
}

struct Corrupt {
  KeyType type;
  std::string bytes;
  std::string why;
};

std::string from_hex(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); i += 3) {
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  }
  return out;
}

TEST(KeyEncodingDecode, RejectsMalformedInput) {
  const std::string nineteen_pairs = " 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B 0B";
  const std::vector<Corrupt> cases = {
      {KeyType::S, "", "empty"},
      {KeyType::S, "61", "unterminated"},
      {KeyType::S, "61 00", "terminator cut in half"},
      {KeyType::S, "61 00 01", "bad escape"},
      {KeyType::S, "00 FE 00 00", "bad escape"},
      {KeyType::B, "00 FF", "escape without terminator"},
      {KeyType::N, "", "empty"},
      {KeyType::N, "00", "bad sign"},
      {KeyType::N, "04 82 0B 00", "bad sign"},
      {KeyType::N, "FF", "bad sign"},
      {KeyType::N, "03", "no exponent"},
      {KeyType::N, "03 82", "no digits, no terminator"},
      {KeyType::N, "03 82 00", "no digits"},
      {KeyType::N, "01 7D FF", "no digits"},
      {KeyType::N, "03 82 0B", "unterminated"},
      {KeyType::N, "01 7D F4", "unterminated"},
      {KeyType::N, "03 82 65 00", "pair byte above 100"},
      {KeyType::N, "03 82 FF 00", "pair byte above 100"},
      {KeyType::N, "01 7D 00 FF", "negative pair byte out of range"},
      {KeyType::N, "03 82 01 0B 00", "leading zero digit pair"},
      {KeyType::N, "03 82 0A 00", "leading zero digit"},
      {KeyType::N, "03 82 0B 01 00", "trailing zero pair"},
      {KeyType::N, "01 7D F4 FE FF", "trailing zero pair (negative)"},
      {KeyType::N, "03 82" + nineteen_pairs + " 0B 00", "20 pairs"},
  };
  for (const auto& c : cases) {
    const std::string bytes = from_hex(c.bytes);
    std::string_view in = bytes;
    Result<AttributeValue> v = decode_key_encoding(c.type, in);
    ASSERT_FALSE(v.is_ok()) << c.bytes << " (" << c.why << ")";
    EXPECT_EQ(v.status().code(), Code::kCorruption) << c.bytes;
    EXPECT_EQ(in.size(), bytes.size()) << c.bytes;
  }
  // 19 pairs (38 digits) is the maximum and fine: 0.1010...10 * 10^1.
  std::string digits;
  for (int i = 0; i < 19; ++i)
    digits += "10";
  EXPECT_EQ(decode_all(KeyType::N, from_hex("03 82" + nineteen_pairs + " 00")),
            AttributeValue(num("0." + digits + "E1")));
}

TEST(KeyEncodingDecode, ConsumesExactlyOneValue) {
  const std::string bytes = enc(num("-12.5")) + enc(AttributeValue::string("x")) + "rest";
  std::string_view in = bytes;
  ASSERT_TRUE(decode_key_encoding(KeyType::N, in).is_ok());
  Result<AttributeValue> s = decode_key_encoding(KeyType::S, in);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(*s, AttributeValue::string("x"));
  EXPECT_EQ(in, "rest");
}

// begins_with as a range: enc(b) starts with the prefix encoding of a exactly when b starts
// with a, for strings and binaries.
TEST(KeyEncodingPrefix, PrefixEncodingSelectsExactlyTheValuesThatBeginWithIt) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const std::string a = random_bytes(rng);
    const std::string b = (i % 3 == 0) ? a + random_bytes(rng) : random_bytes(rng);
    for (bool binary : {false, true}) {
      const AttributeValue va = binary ? AttributeValue::binary(a) : AttributeValue::string(a);
      const AttributeValue vb = binary ? AttributeValue::binary(b) : AttributeValue::string(b);
      std::string prefix;
      append_key_prefix_encoding(va, prefix);
      EXPECT_EQ(enc(vb).starts_with(prefix), b.starts_with(a));
    }
  }
}

}  // namespace
}  // namespace eddy::model
