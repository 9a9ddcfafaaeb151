// DescribeLimits:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html AWS's
// default quotas for an account in most regions; Eddy enforces none of them.
#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

void describe_limits(const Json&, Context&, Reply reply) {
  reply(std::string(R"({"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,)"
                    R"("TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000})"));
}

}  // namespace eddy::api::dynamodb
