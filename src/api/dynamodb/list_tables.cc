// ListTables: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
#include <algorithm>

#include "api/dynamodb/operations.h"

namespace eddy::api::dynamodb {

namespace {

constexpr int64_t kMaxLimit = 100;

Result<std::string> run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto limit, get_integer(request, "Limit"));
  EDDY_ASSIGN_OR_RETURN(auto start, get_string(request, "ExclusiveStartTableName"));
  ConstraintErrors errors;
  check_limit(limit, kMaxLimit, errors);
  if (start) check_table_name(start, "exclusiveStartTableName", errors);
  EDDY_RETURN_IF_ERROR(errors.status());

  const auto names = context.engine.list_tables();  // ascending
  auto it = start ? std::upper_bound(names.begin(), names.end(), *start) : names.begin();
  const size_t page = static_cast<size_t>(limit.value_or(kMaxLimit));
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("TableNames");
  writer.StartArray();
  size_t written = 0;
  for (; it != names.end() && written < page; ++it, ++written)
    write_string(writer, *it);
  writer.EndArray();
  // Like DynamoDB, the last name is returned whenever the page is full and more remain.
  if (it != names.end()) {
    writer.Key("LastEvaluatedTableName");
    write_string(writer, *(it - 1));
  }
  writer.EndObject();
  return finish(buffer);
}

}  // namespace

void list_tables(const Json& request, Context& context, Reply reply) {
  answer(reply, run(request, context));
}

}  // namespace eddy::api::dynamodb
