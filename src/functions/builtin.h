// Built-in C++ functions, registered by handler name ("builtin:notes.word-count").
//
// A built-in handler is a plain C++ function of (event JSON, context) that returns the result
// JSON, or throws: a thrown exception becomes a FunctionError (errorType from HandlerError or
// the exception's kind, errorMessage from what()), never a crash of Eddy.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "functions/function.h"

namespace eddy::functions {

using BuiltinHandler =
    std::function<std::string(const std::string& event, const InvocationContext& context)>;

// Thrown by a handler to choose its errorType, as a Lambda handler does with a named error.
class HandlerError : public std::runtime_error {
 public:
  HandlerError(std::string type, const std::string& message)
      : std::runtime_error(message), type_(std::move(type)) {}
  const std::string& type() const { return type_; }

 private:
  std::string type_;
};

inline constexpr std::string_view kBuiltinPrefix = "builtin:";

// Handler names to handlers. Thread-safe.
class BuiltinRegistry {
 public:
  // The process-wide registry that built-in apps register into.
  static BuiltinRegistry& global();

  // `name` without the "builtin:" prefix. Replaces an earlier registration.
  void add(std::string name, BuiltinHandler handler);
  // The handler for "builtin:<name>" (or "<name>"), or nullptr.
  std::shared_ptr<const BuiltinHandler> find(std::string_view handler) const;
  // Every registered handler, as a stack file names it ("builtin:<name>"), sorted.
  std::vector<std::string> handler_names() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const BuiltinHandler>, std::less<>> handlers_;
};

// A Function that runs a built-in handler on the calling thread.
class BuiltinFunction final : public Function {
 public:
  explicit BuiltinFunction(std::shared_ptr<const BuiltinHandler> handler)
      : handler_(std::move(handler)) {}
  void invoke(std::string event, const InvocationContext& context, InvokeDone done) override;

 private:
  std::shared_ptr<const BuiltinHandler> handler_;
};

}  // namespace eddy::functions
