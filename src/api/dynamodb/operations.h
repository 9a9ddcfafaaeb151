// Every DynamoDB operation, one file each (registered in operations.cc).
#pragma once

#include "api/dynamodb/common.h"

namespace eddy::api::dynamodb {

void create_table(const Json& request, Context& context, Reply reply);
void describe_table(const Json& request, Context& context, Reply reply);
void list_tables(const Json& request, Context& context, Reply reply);
void delete_table(const Json& request, Context& context, Reply reply);
void update_table(const Json& request, Context& context, Reply reply);
void put_item(const Json& request, Context& context, Reply reply);
void get_item(const Json& request, Context& context, Reply reply);
void update_item(const Json& request, Context& context, Reply reply);
void delete_item(const Json& request, Context& context, Reply reply);
void query(const Json& request, Context& context, Reply reply);
void scan(const Json& request, Context& context, Reply reply);
void batch_write_item(const Json& request, Context& context, Reply reply);
void batch_get_item(const Json& request, Context& context, Reply reply);
void transact_write_items(const Json& request, Context& context, Reply reply);
void transact_get_items(const Json& request, Context& context, Reply reply);
void describe_limits(const Json& request, Context& context, Reply reply);
void describe_endpoints(const Json& request, Context& context, Reply reply);
void tag_resource(const Json& request, Context& context, Reply reply);
void untag_resource(const Json& request, Context& context, Reply reply);
void list_tags_of_resource(const Json& request, Context& context, Reply reply);
void update_time_to_live(const Json& request, Context& context, Reply reply);
void describe_time_to_live(const Json& request, Context& context, Reply reply);

}  // namespace eddy::api::dynamodb
