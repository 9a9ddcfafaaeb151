#include "storage/types.h"

namespace eddy::storage {

const char* stream_view_type_name(StreamViewType type) {
  switch (type) {
    case StreamViewType::kKeysOnly:
      return "KEYS_ONLY";
    case StreamViewType::kNewImage:
      return "NEW_IMAGE";
    case StreamViewType::kOldImage:
      return "OLD_IMAGE";
    case StreamViewType::kNewAndOldImages:
      return "NEW_AND_OLD_IMAGES";
  }
  return "?";
}

std::optional<StreamViewType> parse_stream_view_type(std::string_view name) {
  for (auto type : {StreamViewType::kKeysOnly, StreamViewType::kNewImage, StreamViewType::kOldImage,
                    StreamViewType::kNewAndOldImages}) {
    if (name == stream_view_type_name(type)) return type;
  }
  return std::nullopt;
}

const char* event_name(EventName name) {
  switch (name) {
    case EventName::kInsert:
      return "INSERT";
    case EventName::kModify:
      return "MODIFY";
    case EventName::kRemove:
      return "REMOVE";
  }
  return "?";
}

}  // namespace eddy::storage
