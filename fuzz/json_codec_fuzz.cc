// DynamoDB JSON codec (model/json_codec): any bytes in. An item that decodes must encode and
// decode again to the same item (the codec's round trip), and nothing may crash or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/json_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto item = eddy::model::item_from_json(text);
  if (item) {
    auto again = eddy::model::item_from_json(eddy::model::item_to_json(*item));
    if (!again || !(*again == *item)) std::abort();  // the round trip must hold
  }
  (void)eddy::model::attribute_value_from_json(text);
  return 0;
}
