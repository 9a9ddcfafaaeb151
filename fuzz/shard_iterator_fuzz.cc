// Shard iterators (api/streams/streams_common): any text offered as a ShardIterator must decode
// to a position only if this server issued it, and never crash. An iterator the server encodes
// must decode to the same position.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "api/dynamodb/operation.h"
#include "api/streams/streams_common.h"
#include "storage/engine.h"

namespace {

struct World {
  std::unique_ptr<eddy::storage::Engine> engine;
  eddy::api::dynamodb::Settings settings;
  std::unique_ptr<eddy::api::streams::Context> context;
};

World& world() {
  static World* w = [] {
    auto* created = new World;
    eddy::storage::EngineOptions options;
    options.durability = eddy::storage::Durability::kInMemory;
    options.trim_interval_ms = 0;
    created->engine = std::move(eddy::storage::Engine::open(options)).value();
    created->context = std::make_unique<eddy::api::streams::Context>(
        *created->engine, created->settings, "fuzz-iterator-key");
    return created;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& context = *world().context;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)eddy::api::streams::decode_iterator(context, text);
  if (size >= 24) {
    eddy::api::streams::IteratorPosition position;
    std::memcpy(&position.stream_id, data, 4);
    std::memcpy(&position.shard_index, data + 4, 4);
    std::memcpy(&position.next_sequence, data + 8, 8);
    position.issued_ms = context.clock.now_ms();
    auto decoded = eddy::api::streams::decode_iterator(
        context, eddy::api::streams::encode_iterator(context, position));
    if (!decoded || decoded->stream_id != position.stream_id ||
        decoded->shard_index != position.shard_index ||
        decoded->next_sequence != position.next_sequence) {
      std::abort();
    }
  }
  return 0;
}
