// UntagResource:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UntagResource.html
#include "api/dynamodb/operations.h"
#include "api/dynamodb/table_settings.h"

namespace eddy::api::dynamodb {

namespace {

Status run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto table, table_of_resource(request, context));
  EDDY_ASSIGN_OR_RETURN(auto keys, get_string_list(request, "TagKeys"));
  if (!keys) {
    ConstraintErrors errors;
    errors.add_null("tagKeys");
    return errors.status();
  }
  if (keys->empty())
    return Status::validation("Atleast one Tag Key needs to be provided as Input.");
  auto tags = tags_from_property(table.properties[property::kTags]);
  std::erase_if(tags, [&](const Tag& tag) {
    return std::find(keys->begin(), keys->end(), tag.key) != keys->end();
  });
  return save_tags(context, std::move(table), tags);
}

}  // namespace

void untag_resource(const Json& request, Context& context, Reply reply) {
  Status status = run(request, context);
  if (!status.is_ok()) return fail(reply, status);
  reply(std::string());  // DynamoDB answers with an empty body
}

}  // namespace eddy::api::dynamodb
