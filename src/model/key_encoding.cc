// Key encoding, version 1 (kKeyEncodingVersion). Persisted in RocksDB keys: never change the
// meaning of a byte; a new format is a new version.
//
// Two properties, for values of one KeyType:
//   order:       memcmp(enc(a), enc(b)) has the sign of DynamoDB's order of a and b;
//   prefix-free: no encoding is a proper prefix of another, so enc(p1) + enc(s1) compares
//                with enc(p2) + enc(s2) as the pair (p1, s1) with (p2, s2).
// Every value has exactly one encoding, and decoding rejects any byte string that is not
// the encoding of a value (kCorruption), so equal keys are equal bytes.
//
// S and B: the bytes (UTF-8 for S), each 0x00 written as 0x00 0xFF, then the terminator
// 0x00 0x00. Inside the value a 0x00 is always followed by 0xFF, so the terminator cannot
// occur early; and the terminator sorts below every continuation (0x00 0x00 < 0x00 0xFF <
// 0x01...), so a value sorts before its extensions, as unsigned byte order wants.
//   ""          -> 00 00
//   "a"         -> 61 00 00
//   "a\0b"      -> 61 00 FF 62 00 00
//
// N: one sign byte, 0x01 negative < 0x02 zero < 0x03 positive. Zero is that byte alone.
// A non-zero value is 0.d1 d2 ... dn * 10^E (Number's representation: d1 != 0, dn != 0,
// 1 <= n <= 38, -129 <= E <= 126). A positive number continues with
//   - E + 129 as one byte (0x00..0xFF: exactly the 256 possible exponents); a larger
//     exponent is a larger magnitude because d1 != 0;
//   - the digits in pairs (d1 d2), (d3 d4), ..., an odd last digit paired with 0, each pair
//     p (0..99) as the byte p + 1 (0x01..0x64);
//   - the terminator 0x00, below every pair byte, so with equal exponents a mantissa that is
//     a prefix of another (a smaller magnitude) sorts first.
// A negative number continues with the bitwise complement of those same bytes (exponent
// 0xFF - (E + 129), pairs 0xFE - p, terminator 0xFF): complementing reverses the order, so a
// larger magnitude sorts lower, and the terminator 0xFF now sits above every pair byte.
//   0        -> 02
//   1        -> 03 82 0B 00            (0.1 * 10^1: E + 129 = 130 = 0x82; pair 10 -> 0x0B)
//   12.5     -> 03 83 0D 33 00         (0.125 * 10^2: pairs 12 -> 0x0D, 50 -> 0x33)
//   -1       -> 01 7D F4 FF
//   1E-130   -> 03 00 0B 00            (0.1 * 10^-129)
//   -12.5    -> 01 7C F2 CC FF
// Decoding accepts only what encoding produces: exponent bytes are all valid; pair bytes
// must be in range, the first pair must start with a non-zero digit, the last pair must not
// be 00, and there are at most 19 pairs.
#include "model/key_encoding.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <variant>

namespace eddy::model {

namespace {

constexpr uint8_t kNegative = 0x01;
constexpr uint8_t kZero = 0x02;
constexpr uint8_t kPositive = 0x03;
constexpr int kExponentBias = -Number::kMinExponent;  // 129: E + 129 in 0..255
constexpr int kMaxPairs = (Number::kMaxDigits + 1) / 2;

static_assert(Number::kMaxExponent + kExponentBias == 255, "exponents fill one byte exactly");

void append_bytes(std::string_view bytes, std::string& out) {
  out.reserve(out.size() + bytes.size() + 2);
  // Copies the runs between zero bytes whole: keys rarely contain any.
  while (!bytes.empty()) {
    const void* zero = std::memchr(bytes.data(), 0, bytes.size());
    if (zero == nullptr) break;
    const size_t run = static_cast<size_t>(static_cast<const char*>(zero) - bytes.data());
    out.append(bytes.data(), run);
    out += '\0';
    out += '\xFF';
    bytes.remove_prefix(run + 1);
  }
  out.append(bytes);
  out += '\0';
  out += '\0';
}

void append_number(const Number& number, std::string& out) {
  if (number.is_zero()) {
    out += static_cast<char>(kZero);
    return;
  }
  // The positive form's bytes, complemented for negatives.
  const uint8_t mask = number.is_negative() ? 0xFF : 0x00;
  const std::string& digits = number.digits();
  out.reserve(out.size() + 3 + (digits.size() + 1) / 2);
  out += static_cast<char>(number.is_negative() ? kNegative : kPositive);
  out += static_cast<char>(static_cast<uint8_t>(number.exponent() + kExponentBias) ^ mask);
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int high = digits[i] - '0';
    const int low = i + 1 < digits.size() ? digits[i + 1] - '0' : 0;
    out += static_cast<char>(static_cast<uint8_t>(high * 10 + low + 1) ^ mask);
  }
  out += static_cast<char>(mask);
}

Status corrupt(std::string_view what) {
  return Status::corruption("invalid key encoding: " + std::string(what));
}

Result<std::string> decode_bytes(std::string_view& in) {
  std::string bytes;
  size_t i = 0;
  while (true) {
    // (memchr must not see the null data() of an empty view.)
    if (i >= in.size()) return corrupt("unterminated string or binary");
    const void* zero = std::memchr(in.data() + i, 0, in.size() - i);
    if (zero == nullptr) return corrupt("unterminated string or binary");
    const size_t at = static_cast<size_t>(static_cast<const char*>(zero) - in.data());
    bytes.append(in.data() + i, at - i);
    i = at + 1;
    if (i >= in.size()) return corrupt("unterminated string or binary");
    const uint8_t next = static_cast<uint8_t>(in[i++]);
    if (next == 0x00) break;
    if (next != 0xFF) return corrupt("bad escape in string or binary");
    bytes += '\0';
  }
  in.remove_prefix(i);
  return bytes;
}

Result<Number> decode_number(std::string_view& in) {
  if (in.empty()) return corrupt("empty number");
  const uint8_t sign = static_cast<uint8_t>(in[0]);
  if (sign == kZero) {
    in.remove_prefix(1);
    return Number();
  }
  if (sign != kNegative && sign != kPositive) return corrupt("bad number sign byte");
  const uint8_t mask = sign == kNegative ? 0xFF : 0x00;
  if (in.size() < 2) return corrupt("truncated number");
  const int exponent = (static_cast<uint8_t>(in[1]) ^ mask) - kExponentBias;

  // Rebuilt as "-0.<digits>E<exponent>" and parsed: Number's constructor is private, and the
  // parse re-checks the invariants (digit count, range) for free.
  std::string text;
  text.reserve(6 + 2 * kMaxPairs);
  if (sign == kNegative) text += '-';
  text += "0.";
  size_t i = 2;
  int pairs = 0;
  int last_pair = -1;
  while (true) {
    if (i >= in.size()) return corrupt("unterminated number");
    const uint8_t byte = static_cast<uint8_t>(in[i++]) ^ mask;
    if (byte == 0x00) break;
    if (byte > 100) return corrupt("bad number digit pair");
    if (++pairs > kMaxPairs) return corrupt("too many number digits");
    const int pair = byte - 1;
    if (pairs == 1 && pair < 10) return corrupt("number mantissa has a leading zero");
    text += static_cast<char>('0' + pair / 10);
    text += static_cast<char>('0' + pair % 10);
    last_pair = pair;
  }
  if (pairs == 0) return corrupt("number without digits");
  if (last_pair == 0) return corrupt("number mantissa has trailing zeros");
  text += 'E';
  text += std::to_string(exponent);
  Result<Number> number = Number::parse(text);
  if (!number.is_ok()) return corrupt("number out of range: " + number.status().message());
  in.remove_prefix(i);
  return number;
}

}  // namespace

void append_key_encoding(const AttributeValue& value, std::string& out) {
  switch (value.type()) {
    case Type::S:
      append_bytes(value.as<std::string>(), out);
      return;
    case Type::N:
      append_number(value.as<Number>(), out);
      return;
    case Type::B:
      append_bytes(value.as<Binary>().bytes, out);
      return;
    default:
      assert(false && "key values are S, N or B");
      return;
  }
}

void append_key_prefix_encoding(const AttributeValue& value, std::string& out) {
  // The escaped bytes are a prefix code (x != 0x00, 00 FF) ended by 00 00, so every value
  // that begins with `value` has an encoding that begins with its escaped bytes.
  assert(value.is<std::string>() || value.is<Binary>());
  append_key_encoding(value, out);
  out.resize(out.size() - 2);  // drop the terminator 00 00
}

Result<AttributeValue> decode_key_encoding(KeyType type, std::string_view& in) {
  switch (type) {
    case KeyType::S: {
      EDDY_ASSIGN_OR_RETURN(std::string bytes, decode_bytes(in));
      return AttributeValue::string(std::move(bytes));
    }
    case KeyType::N: {
      EDDY_ASSIGN_OR_RETURN(Number number, decode_number(in));
      return AttributeValue::number(std::move(number));
    }
    case KeyType::B: {
      EDDY_ASSIGN_OR_RETURN(std::string bytes, decode_bytes(in));
      return AttributeValue::binary(std::move(bytes));
    }
  }
  return corrupt("unknown key type");
}

}  // namespace eddy::model
