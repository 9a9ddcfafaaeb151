// Number: DynamoDB's N type, an exact decimal.
//
// DynamoDB numbers have up to 38 significant digits and a magnitude between 1E-130 and
// 9.9999999999999999999999999999999999999E+125 (positive or negative), or are zero
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html).
// They compare numerically, are returned normalised ("1.50" -> "1.5", "0001" -> "1",
// "-0" -> "0") and add and subtract exactly; a result that would need more than 38 significant
// digits or leave the range is an error, as in DynamoDB's UpdateItem ADD / SET a + b.
//
// Representation: value = (negative ? -1 : 1) * 0.d1 d2 ... dn * 10^exponent, where digits_
// holds d1..dn as ASCII with d1 != '0' and dn != '0' (n <= 38); zero has empty digits_.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace eddy::model {

class Number {
 public:
  static constexpr int kMaxDigits = 38;
  // Bounds of `exponent()` for non-zero numbers: 1E-130 = 0.1E-129, 9.99..E+125 = 0.999..E+126.
  static constexpr int kMinExponent = -129;
  static constexpr int kMaxExponent = 126;

  Number() = default;  // zero

  // Parses a number as DynamoDB accepts it: optional sign, digits with an optional '.', an
  // optional exponent ("1e5", "1.5E-3"); leading/trailing zeros do not count as significant.
  // Errors (Code::kValidation) carry DynamoDB's messages.
  static Result<Number> parse(std::string_view text);
  static Number from_int64(int64_t value);

  // DynamoDB's normalised text form.
  std::string to_string() const;

  bool is_zero() const { return digits_.empty(); }
  bool is_negative() const { return negative_; }
  // Significant digits without leading/trailing zeros ("" for zero), and the exponent as in
  // the representation described above. Used by the order-preserving key encoding.
  const std::string& digits() const { return digits_; }
  int exponent() const { return exponent_; }

  // Exact arithmetic with DynamoDB's overflow, underflow and precision errors.
  Result<Number> add(const Number& other) const;
  Result<Number> subtract(const Number& other) const;

  // Bytes this number counts for in DynamoDB's item size: 1 byte per two significant digits,
  // plus 1 byte.
  size_t size_bytes() const;

  std::strong_ordering operator<=>(const Number& other) const;
  bool operator==(const Number& other) const = default;

 private:
  Number(bool negative, std::string digits, int exponent)
      : negative_(negative), digits_(std::move(digits)), exponent_(exponent) {}

  // a + (b_negative ? -|b| : |b|): the shared body of add and subtract.
  static Result<Number> sum(const Number& a, bool b_negative, const Number& b);

  bool negative_ = false;
  std::string digits_;
  int exponent_ = 0;
};

}  // namespace eddy::model
