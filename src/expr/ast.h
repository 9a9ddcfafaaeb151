// The abstract syntax of DynamoDB's expressions (condition, filter, key condition, update,
// projection), as parsed and before or after resolution of #name and :value placeholders.
//
// Plain value types built from std::variant: a tree owns its children, copies deeply, and a
// parsed tree can be cached and shared read-only between requests (the resolver copies it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "model/attribute_value.h"

namespace eddy::expr {

// A heap-allocated T with value semantics, for the recursive parts of the tree.
template <typename T>
class Box {
 public:
  Box(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit by design
  Box(const Box& other) : p_(std::make_unique<T>(*other.p_)) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) p_ = std::make_unique<T>(*other.p_);
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  bool operator==(const Box& other) const { return *p_ == *other.p_; }

 private:
  std::unique_ptr<T> p_;
};

// One step of a document path: an attribute or map key name, or a list index.
// Before resolution a name may be a "#placeholder".
struct PathElement {
  std::string name;
  int64_t index = -1;  // >= 0 for a list index
  bool is_index() const { return index >= 0; }
  bool operator==(const PathElement&) const = default;
};

struct Path {
  std::vector<PathElement> elements;
  bool operator==(const Path&) const = default;
};

// ":name" before resolution.
struct ValueRef {
  std::string name;
  bool operator==(const ValueRef&) const = default;
};

// A value after resolution.
struct Literal {
  model::AttributeValue value;
  bool operator==(const Literal&) const = default;
};

struct Operand;

// size(path) in conditions; if_not_exists(path, operand) and list_append(a, b) in SET.
struct FunctionCall {
  std::string name;
  std::vector<Operand> args;
  bool operator==(const FunctionCall&) const;
};

// a + b, a - b (SET only).
struct Arithmetic {
  char op = '+';
  Box<Operand> lhs, rhs;
  bool operator==(const Arithmetic&) const = default;
};

struct Operand {
  std::variant<Path, ValueRef, Literal, FunctionCall, Arithmetic> v;
  bool operator==(const Operand&) const = default;
};

inline bool FunctionCall::operator==(const FunctionCall& o) const {
  return name == o.name && args == o.args;
}

enum class Comparator { kEq, kNe, kLt, kLe, kGt, kGe };
const char* comparator_text(Comparator c);  // "=", "<>", ...

struct Condition;

struct Comparison {
  Comparator op = Comparator::kEq;
  Operand lhs, rhs;
  bool operator==(const Comparison&) const = default;
};
struct Between {
  Operand value, low, high;
  bool operator==(const Between&) const = default;
};
struct In {
  Operand value;
  std::vector<Operand> candidates;
  bool operator==(const In&) const = default;
};
// attribute_exists, attribute_not_exists, attribute_type, begins_with, contains.
struct ConditionFunction {
  std::string name;
  std::vector<Operand> args;
  bool operator==(const ConditionFunction&) const = default;
};
struct Not {
  Box<Condition> operand;
  bool operator==(const Not&) const = default;
};
struct And {
  Box<Condition> lhs, rhs;
  bool operator==(const And&) const = default;
};
struct Or {
  Box<Condition> lhs, rhs;
  bool operator==(const Or&) const = default;
};

struct Condition {
  std::variant<Comparison, Between, In, ConditionFunction, Not, And, Or> v;
  bool operator==(const Condition&) const = default;
};

// UpdateExpression: each clause at most once, actions in the order written.
struct SetAction {
  Path path;
  Operand value;
  bool operator==(const SetAction&) const = default;
};
struct PathValueAction {  // ADD path value, DELETE path value
  Path path;
  Operand value;
  bool operator==(const PathValueAction&) const = default;
};
struct Update {
  std::vector<SetAction> set;
  std::vector<Path> remove;
  std::vector<PathValueAction> add;
  std::vector<PathValueAction> del;
  bool operator==(const Update&) const = default;
};

// ProjectionExpression: the paths to return.
struct Projection {
  std::vector<Path> paths;
  bool operator==(const Projection&) const = default;
};

}  // namespace eddy::expr
