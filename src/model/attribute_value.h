// AttributeValue: one DynamoDB value (S, N, B, BOOL, NULL, M, L, SS, NS, BS), and Item.
//
// Equality is semantic, as DynamoDB Streams needs it (a write that changes nothing writes no
// stream record, reference §1.4 rule 5): maps are ordered by name, and sets are kept sorted
// and free of duplicates, so two values that DynamoDB considers equal compare equal here
// whatever order the client sent them in.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/number.h"

namespace eddy::model {

class AttributeValue;

// Never reorder: the values are written to disk by storage/item_format.
enum class Type : uint8_t {
  S = 0,
  N = 1,
  B = 2,
  BOOL = 3,
  NUL = 4,
  M = 5,
  L = 6,
  SS = 7,
  NS = 8,
  BS = 9
};

// DynamoDB's type descriptor ("S", "N", ..., "NULL", ...).
const char* type_name(Type type);

// S, N or B: the types keys may have and comparisons can order.
inline bool is_scalar_type(Type t) {
  return t == Type::S || t == Type::N || t == Type::B;
}
inline bool is_set_type(Type t) {
  return t == Type::SS || t == Type::NS || t == Type::BS;
}

struct Binary {
  std::string bytes;
  auto operator<=>(const Binary&) const = default;
};
struct Null {
  auto operator<=>(const Null&) const = default;
};

using Map = std::map<std::string, AttributeValue, std::less<>>;
using List = std::vector<AttributeValue>;
// Sets hold their members sorted (strings and binaries by unsigned bytes, numbers
// numerically) and without duplicates; make_*_set establishes that.
struct StringSet {
  std::vector<std::string> members;
  bool operator==(const StringSet&) const = default;
};
struct NumberSet {
  std::vector<Number> members;
  bool operator==(const NumberSet&) const = default;
};
struct BinarySet {
  std::vector<std::string> members;
  bool operator==(const BinarySet&) const = default;
};

class AttributeValue {
 public:
  // Alternatives in the order of Type.
  using Variant = std::variant<std::string, Number, Binary, bool, Null, Map, List, StringSet,
                               NumberSet, BinarySet>;

  AttributeValue() : v_(Null{}) {}
  template <typename T>
  requires std::is_constructible_v<Variant, T&&> AttributeValue(T&& value)
      : v_(std::forward<T>(value)) {}                    // NOLINT: implicit by design
  AttributeValue(const char* s) : v_(std::string(s)) {}  // NOLINT

  static AttributeValue string(std::string s) { return AttributeValue(std::move(s)); }
  static AttributeValue number(Number n) { return AttributeValue(std::move(n)); }
  static AttributeValue binary(std::string bytes) {
    return AttributeValue(Binary{std::move(bytes)});
  }
  // Sorts and removes duplicates; the codec rejects duplicates before it gets here.
  static AttributeValue string_set(std::vector<std::string> members);
  static AttributeValue number_set(std::vector<Number> members);
  static AttributeValue binary_set(std::vector<std::string> members);

  Type type() const { return static_cast<Type>(v_.index()); }
  const Variant& variant() const { return v_; }
  Variant& variant() { return v_; }

  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(v_);
  }
  template <typename T>
  const T& as() const {
    return std::get<T>(v_);
  }
  template <typename T>
  T& as() {
    return std::get<T>(v_);
  }

  bool operator==(const AttributeValue& other) const { return v_ == other.v_; }

 private:
  Variant v_;
};

// An item: attribute name -> value. Ordered by name, so equality is semantic.
using Item = Map;

}  // namespace eddy::model
