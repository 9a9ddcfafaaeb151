// Number: DynamoDB's exact decimal N type. See number.h for the representation.
//
// What DynamoDB does, and where each fact comes from (none of it is in the API reference):
//
// * Error messages (ValidationException). Exact strings from the dynalite test suite, which
//   is run against live DynamoDB (architect/dynalite test/batchWriteItem.js, "should return
//   ValidationException for empty/invalid numbers in Item"; same strings in dynalite's
//   validations/index.js checkNum):
//     ""             -> "The parameter cannot be converted to a numeric value"
//     "b"            -> "The parameter cannot be converted to a numeric value: b"
//     39 digits      -> "Attempting to store more than 38 significant digits in a Number"
//     "1e126"        -> "Number overflow. Attempting to store a number with magnitude larger
//                        than supported range"
//     "1e-131"       -> "Number underflow. Attempting to store a number with magnitude
//                        smaller than supported range"
//   dynalite checks overflow, then underflow, then the digit count; parse() does the same.
// * Accepted syntax: ScyllaDB Alternator test/alternator/test_number.py (test_invalid_numbers,
//   verified against DynamoDB) accepts "3", "-7.1234", "-17e5", "-17.4E37", "+3", ".123",
//   "0001.23", "1e+5", "0e1000" and rejects "NaN", "Infinity", "-Infinity", "-NaN", "dog",
//   " 1", "1 " with the "cannot be converted" message. parse() takes the grammar of Java's
//   BigDecimal(String), which all of that fits: [+-] digits [. digits] [(e|E) [+-] digits]
//   with at least one mantissa digit on either side of the point ("1." and ".5" are
//   numbers; ".", "1e", "0x1" are not). That DynamoDB accepts "1." is inferred, not seen.
// * Arithmetic (UpdateItem ADD, SET a = b + c) is exact and rejects a result it cannot store
//   rather than rounding it: Alternator test_update_expression_plus_imprecise (1e50 - 1 and
//   1e50 + 1 fail) and test_update_expression_plus_overflow (9e125 + 9e125 fails). The
//   message is the *overflow* one even when the real problem is precision ("Strangely,
//   DynamoDB says that the error is: Number overflow..." in that test), and, per the floci
//   emulator (hectorvent/floci DynamoDbNumberUtils.checkArithmeticResult: "AWS answers with
//   the overflow wording for any arithmetic result it cannot store, a magnitude too small or
//   too many significant digits included"), also when the result is too small.
// * Output is plain positional notation, never an exponent: DynamoDB returns 1E+100 as "1"
//   followed by 100 zeros (boto/boto3#2500, reported by Alternator's author against DynamoDB;
//   boto/boto3#4636 shows 1.00000000000000007629769841092E+50 stored and returned as 51 plain
//   digits); dynalite formats with Big.toFixed(), also plain, small magnitudes included.
// * Size: "approximately ... (1 byte per two significant digits) + (1 byte)"
//   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html);
//   see size_bytes().
#include "model/number.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>
#include <cstring>

namespace eddy::model {

namespace {

constexpr std::string_view kNotNumeric = "The parameter cannot be converted to a numeric value";
constexpr std::string_view kTooManyDigits =
    "Attempting to store more than 38 significant digits in a Number";
constexpr std::string_view kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr std::string_view kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

Status not_numeric(std::string_view text) {
  if (text.empty()) return Status::validation(std::string(kNotNumeric));
  std::string message(kNotNumeric);
  message += ": ";
  message += text;
  return Status::validation(std::move(message));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// An exponent written with more digits than this is saturated: anything beyond it is far
// outside the supported range whatever the mantissa (whose length is bounded by the request
// size, far below this), so its exact value cannot matter.
constexpr int64_t kExponentSaturation = int64_t{1} << 40;

}  // namespace

Result<Number> Number::parse(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  const size_t int_begin = i;
  while (i < n && is_digit(text[i]))
    ++i;
  const size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < n && text[i] == '.') {
    frac_begin = ++i;
    while (i < n && is_digit(text[i]))
      ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) return not_numeric(text);
  int64_t written_exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      exponent_negative = text[i] == '-';
      ++i;
    }
    const size_t exponent_begin = i;
    while (i < n && is_digit(text[i])) {
      written_exponent = std::min(written_exponent * 10 + (text[i] - '0'), kExponentSaturation);
      ++i;
    }
    if (i == exponent_begin) return not_numeric(text);
    if (exponent_negative) written_exponent = -written_exponent;
  }
  if (i != n) return not_numeric(text);

  // Significant digits: the integer and fraction digits without leading/trailing zeros.
  std::string digits;
  digits.reserve((int_end - int_begin) + (frac_end - frac_begin));
  digits.append(text.substr(int_begin, int_end - int_begin));
  digits.append(text.substr(frac_begin, frac_end - frac_begin));
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Number();  // "-0", "0e1000", "000.000"
  const size_t last = digits.find_last_not_of('0');
  // value = 0.<int digits><frac digits> * 10^(int digit count + written exponent); each
  // leading zero removed moves the point one place right.
  const int64_t exponent =
      static_cast<int64_t>(int_end - int_begin) + written_exponent - static_cast<int64_t>(first);
  if (exponent > kMaxExponent) return Status::validation(std::string(kOverflow));
  if (exponent < kMinExponent) return Status::validation(std::string(kUnderflow));
  if (last - first + 1 > static_cast<size_t>(kMaxDigits)) {
    return Status::validation(std::string(kTooManyDigits));
  }
  return Number(negative, digits.substr(first, last - first + 1), static_cast<int>(exponent));
}

Number Number::from_int64(int64_t value) {
  if (value == 0) return Number();
  // Through uint64_t so that INT64_MIN's magnitude is representable.
  uint64_t magnitude = value < 0 ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  char buffer[20];
  int length = 0;
  while (magnitude != 0) {
    buffer[length++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  }
  std::string digits(buffer, length);
  std::reverse(digits.begin(), digits.end());
  const int exponent = length;
  digits.erase(digits.find_last_not_of('0') + 1);
  return Number(value < 0, std::move(digits), exponent);
}

std::string Number::to_string() const {
  if (is_zero()) return "0";
  const int count = static_cast<int>(digits_.size());
  std::string out;
  out.reserve(static_cast<size_t>(count + std::abs(exponent_) + 3));
  if (negative_) out += '-';
  if (exponent_ <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent_), '0');
    out += digits_;
  } else if (exponent_ >= count) {
    out += digits_;
    out.append(static_cast<size_t>(exponent_ - count), '0');
  } else {
    out.append(digits_, 0, static_cast<size_t>(exponent_));
    out += '.';
    out.append(digits_, static_cast<size_t>(exponent_));
  }
  return out;
}

Result<Number> Number::add(const Number& other) const {
  return sum(*this, other.negative_, other);
}

Result<Number> Number::subtract(const Number& other) const {
  return sum(*this, !other.negative_, other);
}

Result<Number> Number::sum(const Number& a, bool b_negative, const Number& b) {
  if (b.is_zero()) return a;
  if (a.is_zero()) return Number(b_negative, b.digits_, b.exponent_);

  // Both operands as digit arrays over the same positions: index j has weight
  // 10^(top - 1 - j). Valid operands span at most 126 + 1 - (-129 - 38) = 294 positions, so
  // fixed arrays on the stack hold any sum (and 1e125 + 1e-130 is no unbounded work).
  const int a_low = a.exponent_ - static_cast<int>(a.digits_.size());
  const int b_low = b.exponent_ - static_cast<int>(b.digits_.size());
  const int top = std::max(a.exponent_, b.exponent_) + 1;  // one spare position for a carry
  const int low = std::min(a_low, b_low);
  const size_t width = static_cast<size_t>(top - low);
  constexpr size_t kMaxWidth = kMaxExponent + 1 - (kMinExponent - kMaxDigits);
  assert(width <= kMaxWidth);
  std::array<uint8_t, kMaxWidth> x{}, y{};
  for (size_t i = 0; i < a.digits_.size(); ++i) {
    x[static_cast<size_t>(top - a.exponent_) + i] = static_cast<uint8_t>(a.digits_[i] - '0');
  }
  for (size_t i = 0; i < b.digits_.size(); ++i) {
    y[static_cast<size_t>(top - b.exponent_) + i] = static_cast<uint8_t>(b.digits_[i] - '0');
  }

  bool negative = a.negative_;
  if (a.negative_ == b_negative) {
    int carry = 0;
    for (size_t j = width; j-- > 0;) {
      const int d = x[j] + y[j] + carry;
      x[j] = static_cast<uint8_t>(d % 10);
      carry = d / 10;
    }
  } else {
    // Subtract the smaller magnitude from the larger; aligned arrays compare as magnitudes.
    const int order = std::memcmp(x.data(), y.data(), width);
    if (order == 0) return Number();
    if (order < 0) {
      std::swap(x, y);
      negative = b_negative;
    }
    int borrow = 0;
    for (size_t j = width; j-- > 0;) {
      int d = x[j] - y[j] - borrow;
      borrow = d < 0 ? 1 : 0;
      x[j] = static_cast<uint8_t>(d + 10 * borrow);
    }
  }

  size_t first = 0;
  while (first < width && x[first] == 0)
    ++first;
  size_t last = width - 1;
  while (x[last] == 0)
    --last;  // the result is non-zero, so this stops
  const int exponent = top - static_cast<int>(first);
  // DynamoDB answers every unstorable arithmetic result with the overflow message (see the
  // top of this file).
  if (exponent > kMaxExponent || exponent < kMinExponent ||
      last - first + 1 > static_cast<size_t>(kMaxDigits)) {
    return Status::validation(std::string(kOverflow));
  }
  std::string digits;
  digits.reserve(last - first + 1);
  for (size_t j = first; j <= last; ++j)
    digits += static_cast<char>('0' + x[j]);
  return Number(negative, std::move(digits), exponent);
}

size_t Number::size_bytes() const {
  // The documented rule, ceil(significant digits / 2) + 1, exactly. It agrees with what
  // dynalite measured at the item-size limit for numbers of 1 to 38 digits whose leading
  // digit is at an odd power of ten (test/batchWriteItem.js "item is too big with ... number
  // attribute"); dynalite counts one more byte when that power is even (db/index.js itemSize:
  // ceil(len/2) + (e % 2 ? 1 : 2)), which nothing published confirms. Zero has no significant
  // digits: 1 byte.
  return (digits_.size() + 1) / 2 + 1;
}

std::strong_ordering Number::operator<=>(const Number& other) const {
  const int sign = is_zero() ? 0 : (negative_ ? -1 : 1);
  const int other_sign = other.is_zero() ? 0 : (other.negative_ ? -1 : 1);
  if (sign != other_sign) return sign <=> other_sign;
  if (sign == 0) return std::strong_ordering::equal;
  // Same sign: compare magnitudes (a larger exponent is a larger magnitude since d1 != 0;
  // equal exponents compare digit strings, where a prefix is the smaller), then flip for
  // negatives.
  std::strong_ordering magnitude = exponent_ <=> other.exponent_;
  if (magnitude == std::strong_ordering::equal) {
    const int c = digits_.compare(other.digits_);
    magnitude = c <=> 0;
  }
  return sign > 0 ? magnitude : 0 <=> magnitude;
}

}  // namespace eddy::model
