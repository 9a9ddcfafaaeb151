// TagResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html
#include "api/dynamodb/operations.h"
#include "api/dynamodb/table_settings.h"

namespace eddy::api::dynamodb {

namespace {

Status run(const Json& request, Context& context) {
  EDDY_ASSIGN_OR_RETURN(auto table, table_of_resource(request, context));
  EDDY_ASSIGN_OR_RETURN(auto tags, read_tags(request, "Tags"));
  if (!tags) {
    ConstraintErrors errors;
    errors.add_null("tags");
    return errors.status();
  }
  if (tags->empty()) return Status::validation("Atleast one Tag needs to be provided as Input.");
  auto merged = tags_from_property(table.properties[property::kTags]);
  for (auto& tag : *tags) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const Tag& existing) { return existing.key == tag.key; });
    if (it != merged.end()) {
      it->value = std::move(tag.value);
    } else {
      merged.push_back(std::move(tag));
    }
  }
  constexpr size_t kMaxTags = 50;
  if (merged.size() > kMaxTags) {
    return Status::validation(
        "One or more parameter values were invalid: The number of tags exceeds the limit of 50");
  }
  return save_tags(context, std::move(table), merged);
}

}  // namespace

void tag_resource(const Json& request, Context& context, Reply reply) {
  Status status = run(request, context);
  if (!status.is_ok()) return fail(reply, status);
  reply(std::string());  // DynamoDB answers with an empty body
}

}  // namespace eddy::api::dynamodb
