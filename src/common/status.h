// Status and Result<T>: errors are values (DESIGN decision 5).
//
// storage/ and everything below it return a Status or a Result<T> instead of throwing. A failed
// condition is not an exception: it is a Status with code kConditionFailed. api/ later maps each
// code to one AWS error (name, HTTP status); the message is written for the user, in DynamoDB's
// wording where DynamoDB has one.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace eddy {

enum class Code : uint8_t {
  kOk,
  kValidation,       // the request is malformed or violates a limit (ValidationException)
  kSerialization,    // the request's JSON does not fit the API's shapes (SerializationException)
  kNotFound,         // a table, stream or shard does not exist (ResourceNotFoundException)
  kAlreadyExists,    // a table of that name exists (ResourceInUseException)
  kConditionFailed,  // a write's condition is false on the current item
  kTrimmed,          // a stream position older than the retention horizon
  kExpired,          // a token past its lifetime (a shard iterator after 15 minutes)
  kThrottled,        // a limit was reached; try again later (TooManyRequestsException)
  kCollectionFull,   // an item collection of a table with local indexes would pass 10 GB
  kIoError,          // the disk refused (full, read-only, ...)
  kCorruption,       // persisted data is not what Eddy wrote
  kShuttingDown,     // the engine is closing and takes no more work
  kInternal,         // a bug: an invariant did not hold
};

const char* code_name(Code code);

class Status;
// Prints `status` and aborts: Result::value() was called on an error.
[[noreturn]] void value_of_error(const Status& status);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status validation(std::string m) { return {Code::kValidation, std::move(m)}; }
  static Status serialization(std::string m) { return {Code::kSerialization, std::move(m)}; }
  static Status not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status condition_failed(std::string m) { return {Code::kConditionFailed, std::move(m)}; }
  static Status trimmed(std::string m) { return {Code::kTrimmed, std::move(m)}; }
  static Status expired(std::string m) { return {Code::kExpired, std::move(m)}; }
  static Status throttled(std::string m) { return {Code::kThrottled, std::move(m)}; }
  static Status collection_full(std::string m) { return {Code::kCollectionFull, std::move(m)}; }
  static Status io_error(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status shutting_down(std::string m) { return {Code::kShuttingDown, std::move(m)}; }
  static Status internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).is_ok()); }

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  // The value; calling these on an error is a bug, reported with the error before aborting.
  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<1>(v_);
  }

 private:
  void check() const {
    if (!is_ok()) value_of_error(std::get<1>(v_));
  }
  std::variant<T, Status> v_;
};

}  // namespace eddy

// Returns early from the calling function when `expr` (a Status) is not OK.
#define EDDY_RETURN_IF_ERROR(expr)                  \
  do {                                              \
    ::eddy::Status eddy_status_ = (expr);           \
    if (!eddy_status_.is_ok()) return eddy_status_; \
  } while (0)

#define EDDY_CONCAT_INNER(a, b) a##b
#define EDDY_CONCAT(a, b) EDDY_CONCAT_INNER(a, b)
// `EDDY_ASSIGN_OR_RETURN(auto x, f())`: binds the value of a Result or returns its Status.
#define EDDY_ASSIGN_OR_RETURN(decl, expr) \
  EDDY_ASSIGN_OR_RETURN_IMPL(EDDY_CONCAT(eddy_result_, __LINE__), decl, expr)
#define EDDY_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                \
  if (!tmp.is_ok()) return tmp.status();            \
  decl = std::move(tmp).value()
