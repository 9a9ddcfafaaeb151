// ListTagsOfResource:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html
// A table has at most 50 tags: one page holds them all, so there is never a NextToken.
#include "api/dynamodb/operations.h"
#include "api/dynamodb/table_settings.h"

namespace eddy::api::dynamodb {

void list_tags_of_resource(const Json& request, Context& context, Reply reply) {
  auto table = table_of_resource(request, context);
  if (!table) return fail(reply, table.status());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Tags");
  writer.StartArray();
  for (const auto& tag : tags_from_property(table->properties[property::kTags])) {
    writer.StartObject();
    writer.Key("Key");
    write_string(writer, tag.key);
    writer.Key("Value");
    write_string(writer, tag.value);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  reply(finish(buffer));
}

}  // namespace eddy::api::dynamodb
