#include "common/status.h"

#include <cstdio>
#include <cstdlib>

namespace eddy {

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kValidation:
      return "Validation";
    case Code::kSerialization:
      return "Serialization";
    case Code::kNotFound:
      return "NotFound";
    case Code::kAlreadyExists:
      return "AlreadyExists";
    case Code::kConditionFailed:
      return "ConditionFailed";
    case Code::kTrimmed:
      return "Trimmed";
    case Code::kExpired:
      return "Expired";
    case Code::kThrottled:
      return "Throttled";
    case Code::kCollectionFull:
      return "CollectionFull";
    case Code::kIoError:
      return "IoError";
    case Code::kCorruption:
      return "Corruption";
    case Code::kShuttingDown:
      return "ShuttingDown";
    case Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

void value_of_error(const Status& status) {
  std::fprintf(stderr, "eddy: value() of an error result: %s\n", status.to_string().c_str());
  std::abort();
}

std::string Status::to_string() const {
  if (is_ok()) return "OK";
  return std::string(code_name(code_)) + ": " + message_;
}

}  // namespace eddy
