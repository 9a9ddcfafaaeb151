// Number: parsing (accepted syntax, exact DynamoDB error messages), normalised output,
// numeric order, exact add/subtract with DynamoDB's errors, the range limits, size_bytes.
// The sources of the expected behaviour are listed at the top of src/model/number.cc.
#include "model/number.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace eddy::model {
namespace {

const std::string kNotNumeric = "The parameter cannot be converted to a numeric value";
const std::string kTooManyDigits =
    "Attempting to store more than 38 significant digits in a Number";
const std::string kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
const std::string kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

std::string zeros(size_t n) {
  return std::string(n, '0');
}
std::string nines(size_t n) {
  return std::string(n, '9');
}

// The largest and smallest magnitudes DynamoDB stores.
const std::string kMax = "9." + nines(37) + "E+125";
const std::string kMaxPlain = nines(38) + zeros(88);
const std::string kMinPlain = "0." + zeros(129) + "1";

Number num(const std::string& text) {
  Result<Number> n = Number::parse(text);
  EXPECT_TRUE(n.is_ok()) << text << ": " << n.status().to_string();
  return n.is_ok() ? n.value() : Number();
}

struct Normalised {
  std::string in;
  std::string out;
};

TEST(NumberParse, AcceptsAndNormalises) {
  const std::vector<Normalised> cases = {
      // zero in all its spellings
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"000", "0"},
      {"0.000", "0"},
      {".0", "0"},
      {"0.", "0"},
      {"0e1000", "0"},
      {"-0E-1000", "0"},
      {"0e99999999999999999999999", "0"},
      // the examples of the task and of Alternator's test_invalid_numbers sanity list
      {"1.50", "1.5"},
      {"0001", "1"},
      {"1e2", "100"},
      {"1E2", "100"},
      {"1.5E-3", "0.0015"},
      {"3", "3"},
      {"+3", "3"},
      {"-7.1234", "-7.1234"},
      {"-17e5", "-1700000"},
      {"-17.4E37", "-174" + zeros(36)},
      {".123", "0.123"},
      {"0001.23", "1.23"},
      {"1e+5", "100000"},
      {"1.", "1"},
      {"-.5", "-0.5"},
      {"100", "100"},
      {"123.456", "123.456"},
      {"0.01", "0.01"},
      {"1e0100", "1" + zeros(100)},
      {"1E-00001", "0.1"},
      {"12345.6789e-2", "123.456789"},
      {"12345.6789e2", "1234567.89"},
      {"12345.6789e4", "123456789"},
      {"12345.6789e5", "1234567890"},
      {"0.000123e3", "0.123"},
      {"-000.000100e-2", "-0.000001"},
      // the limits, exactly at them, written several ways
      {"1e125", "1" + zeros(125)},
      {"100e123", "1" + zeros(125)},
      {"0.01e127", "1" + zeros(125)},
      {kMax, kMaxPlain},
      {kMaxPlain, kMaxPlain},
      {"-" + kMax, "-" + kMaxPlain},
      {"1e-130", kMinPlain},
      {"10e-131", kMinPlain},
      {"0.1e-129", kMinPlain},
      {"-1E-130", "-" + kMinPlain},
      {kMinPlain, kMinPlain},
      // 38 significant digits, with any number of non-significant zeros around them
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"-1.2345678901234567890123456789012345678", "-1.2345678901234567890123456789012345678"},
      {"0000012345678901234567890123456789012345678000000.000000",
       "12345678901234567890123456789012345678000000"},
      {"3.1415926535897932384626433832795028841", "3.1415926535897932384626433832795028841"},
      {"314159265358979323846.26433832795028841", "314159265358979323846.26433832795028841"},
      {"31415926535897932384626433832795028841e30",
       "31415926535897932384626433832795028841" + zeros(30)},
      {"1" + zeros(100), "1" + zeros(100)},
  };
  for (const auto& c : cases) {
    Result<Number> n = Number::parse(c.in);
    ASSERT_TRUE(n.is_ok()) << c.in << ": " << n.status().to_string();
    EXPECT_EQ(n->to_string(), c.out) << c.in;
    // The normalised form parses back to the same value.
    Result<Number> again = Number::parse(n->to_string());
    ASSERT_TRUE(again.is_ok()) << c.out;
    EXPECT_EQ(*again, *n) << c.in;
  }
}

TEST(NumberParse, Representation) {
  const Number n = num("012.50");
  EXPECT_FALSE(n.is_negative());
  EXPECT_EQ(n.digits(), "125");
  EXPECT_EQ(n.exponent(), 2);
  const Number small = num("-0.00105");
  EXPECT_TRUE(small.is_negative());
  EXPECT_EQ(small.digits(), "105");
  EXPECT_EQ(small.exponent(), -2);
  EXPECT_EQ(num("1e-130").exponent(), Number::kMinExponent);
  EXPECT_EQ(num(kMax).exponent(), Number::kMaxExponent);
  const Number zero = num("-0.0e5");
  EXPECT_TRUE(zero.is_zero());
  EXPECT_FALSE(zero.is_negative());
  EXPECT_EQ(zero.digits(), "");
  EXPECT_EQ(zero.exponent(), 0);
  EXPECT_EQ(zero, Number());
}

TEST(NumberParse, RejectsWhatIsNotANumber) {
  const std::vector<std::string> cases = {
      "NaN",  "Infinity", "-Infinity", "-NaN",  "dog",
      "-dog", " 1",       "1 ",        "\t1",   "1\n",
      ".",    "-.",       "+",         "-",     "--1",
      "+-1",  "1e",       "1E",        "1e+",   "1e-",
      "e5",   "E5",       ".e1",       "1.2.3", "0x10",
      "0X1",  "1e5.5",    "1,5",       "1_000", "inf",
      "1e 5", "1 e5",     "1f",        "1d",    "1L",
      "１",   "\xd9\xa1", "1e--5",     "1e+-5", "++1",
      "1..",  "..1",      "1-",        "1+1",   std::string("1\0", 2),
  };
  for (const auto& text : cases) {
    Result<Number> n = Number::parse(text);
    ASSERT_FALSE(n.is_ok()) << text;
    EXPECT_EQ(n.status(), Status::validation(kNotNumeric + ": " + text)) << text;
  }
  // The empty string: the message has no ": <value>" suffix (dynalite's live tests).
  Result<Number> empty = Number::parse("");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status(), Status::validation(kNotNumeric));
}

struct Rejected {
  std::string in;
  std::string message;
};

TEST(NumberParse, RejectsWhatDynamoDbCannotStore) {
  const std::vector<Rejected> cases = {
      // just beyond the largest magnitude
      {"1e126", kOverflow},
      {"-1e126", kOverflow},
      {"11e125", kOverflow},
      {"10e125", kOverflow},
      {"0.1e127", kOverflow},
      {"1" + zeros(126), kOverflow},
      {"-" + nines(127), kOverflow},
      {"1e99999999999999999999999999", kOverflow},
      // just below the smallest magnitude
      {"1e-131", kUnderflow},
      {"-1e-131", kUnderflow},
      {"0.9e-130", kUnderflow},
      {"9.9999999999999999999999999999999999999e-131", kUnderflow},
      {"0." + zeros(130) + "1", kUnderflow},
      {"1e-99999999999999999999999999", kUnderflow},
      // more than 38 significant digits (dynalite's live-tested examples first)
      {"123456789012345678901234567890123456789", kTooManyDigits},
      {"-1.23456789012345678901234567890123456789", kTooManyDigits},
      {"3.14159265358979323846264338327950288419", kTooManyDigits},
      {"314159265358979323846.264338327950288419", kTooManyDigits},
      {"314159265358979323846264338327950288419e30", kTooManyDigits},
      {"1" + zeros(38) + "1", kTooManyDigits},
      {"0.1" + zeros(37) + "1", kTooManyDigits},
      {"9.99999999999999999999999999999999999999e125", kTooManyDigits},  // 39 nines, < 1e126
      // both out of range and too precise: the range is reported (dynalite's check order)
      {"123456789012345678901234567890123456789e200", kOverflow},
      {"123456789012345678901234567890123456789e-200", kUnderflow},
  };
  for (const auto& c : cases) {
    Result<Number> n = Number::parse(c.in);
    ASSERT_FALSE(n.is_ok()) << c.in;
    EXPECT_EQ(n.status(), Status::validation(c.message)) << c.in;
  }
}

TEST(NumberParse, LongInputsOfInsignificantZerosAreFine) {
  EXPECT_EQ(num(zeros(100000) + "1." + zeros(100000)).to_string(), "1");
  EXPECT_EQ(num("0." + zeros(120) + "1" + zeros(100000)).to_string(), "0." + zeros(120) + "1");
}

TEST(NumberFromInt64, MatchesParse) {
  const std::vector<int64_t> values = {
      0,         1,         -1,           7, 10, 100, -100, 1000000, 1234567890, -987654321000,
      INT64_MAX, INT64_MIN, INT64_MIN + 1};
  for (const int64_t v : values) {
    const Number n = Number::from_int64(v);
    EXPECT_EQ(n.to_string(), std::to_string(v));
    EXPECT_EQ(n, num(std::to_string(v))) << v;
  }
  EXPECT_EQ(Number::from_int64(100).digits(), "1");
  EXPECT_EQ(Number::from_int64(100).exponent(), 3);
}

struct Ordered {
  std::string a;
  std::string b;
  int order;  // sign of a <=> b
};

int sign_of(std::strong_ordering o) {
  return o < 0 ? -1 : (o > 0 ? 1 : 0);
}

TEST(NumberCompare, Numerically) {
  const std::vector<Ordered> cases = {
      {"1", "2", -1},
      {"2", "10", -1},
      {"-1", "1", -1},
      {"-2", "-1", -1},
      {"-10", "-9", -1},
      {"0", "-0", 0},
      {"0", "0.0e9", 0},
      {"1.5", "1.50", 0},
      {"100", "1e2", 0},
      {"-100", "-1E+2", 0},
      {"0", "1e-130", -1},
      {"-1e-130", "0", -1},
      {"-1e-130", "1e-130", -1},
      {"10", "9.99", 1},
      {"0.1", "0.15", -1},
      {"-0.1", "-0.15", 1},
      {"123", "1230", -1},
      {"-123", "-1230", 1},
      {"1.23", "1.2300001", -1},
      {"1e125", "9.9e124", 1},
      {"-1e125", "-9.9e124", -1},
      {"1e-130", "2e-130", -1},
      {"-" + kMax, "-1e-130", -1},
      {kMax, "1e125", 1},
      {kMax, kMaxPlain, 0},
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345679", -1},
      {"0.5", "0.49999999999999999999999999999999999999", 1},
  };
  for (const auto& c : cases) {
    const Number a = num(c.a), b = num(c.b);
    EXPECT_EQ(sign_of(a <=> b), c.order) << c.a << " vs " << c.b;
    EXPECT_EQ(sign_of(b <=> a), -c.order) << c.b << " vs " << c.a;
    EXPECT_EQ(a == b, c.order == 0) << c.a << " vs " << c.b;
  }
}

struct Arithmetic {
  std::string a;
  char op;  // '+' or '-'
  std::string b;
  std::string result;  // the normalised result, or the error message
  bool ok = true;
};

TEST(NumberArithmetic, ExactResultsAndDynamoDbErrors) {
  const std::vector<Arithmetic> cases = {
      {"1", '+', "2", "3"},
      {"1", '+', "-1", "0"},
      {"-1", '-', "-1", "0"},
      {"0.1", '+', "0.2", "0.3"},
      {"0.5", '-', "0.5", "0"},
      {"-0.5", '-', "0.5", "-1"},
      {"-3", '+', "5", "2"},
      {"3", '+', "-5", "-2"},
      {"3", '-', "5", "-2"},
      {"-3", '-', "-5", "2"},
      {"1.25", '-', "1.2", "0.05"},
      {"99.99", '+', "0.01", "100"},
      {"100", '-', "0.01", "99.99"},
      {"0", '+', "-7.5", "-7.5"},
      {"0", '-', "7.5", "-7.5"},
      {"0", '-', "-7.5", "7.5"},
      {"7.5", '-', "0", "7.5"},
      {"0", '+', "0", "0"},
      {"1e125", '-', "1e125", "0"},
      // Alternator's test_update_expression_plus_precision: no binary floating point
      {"1", '+', "10000000000000000000000", "10000000000000000000001"},
      {"10000000000000000000000", '-', "1", "9999999999999999999999"},
      // exactly 38 digits, and a carry that shortens the result
      {"12345678901234567890123456789012345678", '+', "1",
       "12345678901234567890123456789012345679"},
      {nines(38), '+', "1", "1" + zeros(38)},
      {"-" + nines(38), '-', "1", "-1" + zeros(38)},
      {"1" + zeros(37), '-', "1", nines(37)},
      // up to the limits
      {"9" + zeros(125), '+', nines(37) + zeros(88), kMaxPlain},
      {"2e-130", '-', "1e-130", kMinPlain},
      {"-1e-130", '+', "2e-130", kMinPlain},
      // an exact result needing more than 38 digits is rejected, not rounded, and
      // DynamoDB words it as an overflow (Alternator test_update_expression_plus_imprecise)
      {"1e50", '-', "1", kOverflow, false},
      {"1e50", '+', "1", kOverflow, false},
      {"12345678901234567890123456789012345678", '+', "0.1", kOverflow, false},
      {kMax, '-', "1e87", kOverflow, false},
      {"1e125", '+', "1e-130", kOverflow, false},
      // beyond the largest magnitude (Alternator test_update_expression_plus_overflow)
      {"9e125", '+', "9e125", kOverflow, false},
      {"9e125", '-', "-9e125", kOverflow, false},
      {"-9e125", '+', "-9e125", kOverflow, false},
      {kMax, '+', "1e88", kOverflow, false},
      {"-" + kMax, '-', "1e88", kOverflow, false},
      // below the smallest magnitude: also the overflow wording for arithmetic (floci)
      {"1.1e-130", '-', "1e-130", kOverflow, false},
      {"1." + zeros(36) + "1e-129", '-', "1e-129", kOverflow, false},
  };
  for (const auto& c : cases) {
    const Number a = num(c.a), b = num(c.b);
    Result<Number> r = c.op == '+' ? a.add(b) : a.subtract(b);
    const std::string what = c.a + " " + c.op + " " + c.b;
    if (c.ok) {
      ASSERT_TRUE(r.is_ok()) << what << ": " << r.status().to_string();
      EXPECT_EQ(r->to_string(), c.result) << what;
      EXPECT_EQ(*r, num(c.result)) << what;  // canonical representation
    } else {
      ASSERT_FALSE(r.is_ok()) << what << " = " << r->to_string();
      EXPECT_EQ(r.status(), Status::validation(c.result)) << what;
    }
  }
}

// A random finite decimal across DynamoDB's whole range, built as 0.<digits>E<exponent>.
Number random_number(std::mt19937& rng) {
  std::uniform_int_distribution<int> length(1, Number::kMaxDigits), digit(0, 9),
      exponent(Number::kMinExponent, Number::kMaxExponent), coin(0, 1);
  std::string digits(static_cast<size_t>(length(rng)), '0');
  for (auto& d : digits)
    d = static_cast<char>('0' + digit(rng));
  digits[0] = static_cast<char>('1' + digit(rng) % 9);
  return num(std::string(coin(rng) ? "-" : "") + "0." + digits + "E" +
             std::to_string(exponent(rng)));
}

TEST(NumberProperties, RoundTripsThroughText) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 5000; ++i) {
    const Number n = random_number(rng);
    const std::string text = n.to_string();
    EXPECT_EQ(num(text), n) << text;
    EXPECT_LE(n.digits().size(), 38u);
    EXPECT_NE(n.digits().front(), '0');
    EXPECT_NE(n.digits().back(), '0');
  }
}

// Decimal text of a __int128 (the standard library has no operator<< for it).
std::string int128_to_string(__int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  unsigned __int128 m = negative ? -static_cast<unsigned __int128>(v) : v;
  std::string s;
  while (m != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  std::string out(negative ? "-" : "");
  out += s;
  return out;
}

TEST(NumberProperties, ArithmeticMatchesIntegerReference) {
  // Integers (scaled by a random power of ten, to exercise the decimal point) whose exact
  // sum fits comfortably in 38 digits, checked against __int128 arithmetic.
  std::mt19937_64 rng(777);
  std::uniform_int_distribution<int> scale(-60, 60), width(0, 3);
  for (int i = 0; i < 5000; ++i) {
    auto draw = [&] {
      const int64_t raw = static_cast<int64_t>(rng());
      switch (width(rng)) {
        case 0:
          return raw % 10;
        case 1:
          return raw % 100000;
        case 2:
          return raw % 10000000000;
        default:
          return raw;
      }
    };
    const int64_t x = draw(), y = draw();
    // Built with += : "e" + std::to_string(...) trips a GCC 12 -Wrestrict false positive.
    std::string e = "e";
    e += std::to_string(scale(rng));
    const Number a = num(std::to_string(x) + e), b = num(std::to_string(y) + e);
    const __int128 sum = static_cast<__int128>(x) + y, difference = static_cast<__int128>(x) - y;
    Result<Number> s = a.add(b), d = a.subtract(b);
    ASSERT_TRUE(s.is_ok() && d.is_ok()) << x << e << " " << y << e;
    EXPECT_EQ(*s, num(int128_to_string(sum) + e)) << x << " + " << y << " " << e;
    EXPECT_EQ(*d, num(int128_to_string(difference) + e)) << x << " - " << y << " " << e;
    // Order agrees with the sign of the difference.
    EXPECT_EQ(sign_of(a <=> b), difference < 0 ? -1 : (difference > 0 ? 1 : 0));
  }
}

TEST(NumberProperties, ArithmeticIdentities) {
  std::mt19937 rng(4242);
  for (int i = 0; i < 5000; ++i) {
    const Number a = random_number(rng), b = random_number(rng);
    Result<Number> ab = a.add(b), ba = b.add(a);
    ASSERT_EQ(ab.is_ok(), ba.is_ok());
    if (ab.is_ok()) {
      EXPECT_EQ(*ab, *ba);
    }
    // a - b = -(b - a)
    Result<Number> d1 = a.subtract(b), d2 = b.subtract(a);
    ASSERT_EQ(d1.is_ok(), d2.is_ok());
    if (d1.is_ok()) {
      Result<Number> negated = Number().subtract(*d2);
      ASSERT_TRUE(negated.is_ok());
      EXPECT_EQ(*d1, *negated);
      // The sign of a - b is the order of a and b.
      EXPECT_EQ(sign_of(*d1 <=> Number()), sign_of(a <=> b));
      // (a - b) + b = a, when representable
      Result<Number> back = d1->add(b);
      if (back.is_ok()) {
        EXPECT_EQ(*back, a);
      }
    }
    // a - a = 0 and a + 0 = a
    Result<Number> self = a.subtract(a);
    ASSERT_TRUE(self.is_ok());
    EXPECT_TRUE(self->is_zero());
    Result<Number> plus_zero = a.add(Number());
    ASSERT_TRUE(plus_zero.is_ok());
    EXPECT_EQ(*plus_zero, a);
  }
}

struct Sized {
  std::string in;
  size_t bytes;
};

TEST(NumberSize, OneBytePerTwoSignificantDigitsPlusOne) {
  const std::vector<Sized> cases = {
      {"0", 1},
      {"1", 2},
      {"-1", 2},
      {"12", 2},
      {"123", 3},
      {"1234", 3},
      {"12345", 4},
      {"0.001", 2},
      {"-1.5", 2},
      {"1000000", 2},  // trailing zeros are not significant
      {"12345678901234567890123456789012345678", 20},
      // dynalite's live-tested item-size limits (test/batchWriteItem.js): 1, 2, 5, 6, 7 and
      // 38 significant digits at 10^125 count 2, 2, 4, 4, 5 and 20 bytes.
      {"1" + zeros(125), 2},
      {"11" + zeros(124), 2},
      {"11111" + zeros(121), 4},
      {"111111" + zeros(120), 4},
      {"1111111" + zeros(119), 5},
      {std::string(38, '1') + zeros(88), 20},
  };
  for (const auto& c : cases)
    EXPECT_EQ(num(c.in).size_bytes(), c.bytes) << c.in;
}

}  // namespace
}  // namespace eddy::model
