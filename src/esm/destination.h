// On-failure destinations: where a discarded batch's invocation record goes (reference §2.6).
// Local stand-ins for SQS and SNS:
//   file:<path>   JSON Lines, one record per line, fsynced before send() returns;
//   table:<name>  one item per record in a table (created if missing, partition key `id` S):
//                 `id` (a unique id), the record's members as attributes (objects as maps),
//                 and `writtenAt` (ISO 8601).
// send() returning OK means the record is durable: only then may the mapping move on.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "client/dynamodb.h"
#include "common/clock.h"
#include "common/status.h"

namespace eddy::esm {

class FailureDestination {
 public:
  virtual ~FailureDestination() = default;
  virtual Status send(const std::string& record_json) = 0;
};

// kValidation unless `spec` is "file:<path>" or "table:<name>" with a valid table name.
Status check_destination(std::string_view spec);

// `tables` serves table: destinations; it must outlive the destination.
Result<std::unique_ptr<FailureDestination>> open_destination(std::string_view spec,
                                                             client::DynamoDb* tables,
                                                             const Clock& clock);

}  // namespace eddy::esm
