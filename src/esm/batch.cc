#include "esm/batch.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "storage/stream_ids.h"

namespace eddy::esm {

std::string build_event(std::span<const Delivery> records) {
  size_t size = kEventOverheadBytes;
  for (const auto& record : records)
    size += record.json.size() + 1;
  std::string event;
  event.reserve(size);
  event += R"({"Records":[)";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) event += ',';
    event += records[i].json;
  }
  event += "]}";
  return event;
}

BatchResponse read_batch_response(std::string_view response, std::span<const Delivery> records) {
  constexpr BatchResponse kSuccess{BatchResponse::Kind::kSuccess};
  constexpr BatchResponse kFailure{BatchResponse::Kind::kFailure};
  rapidjson::Document doc;
  doc.Parse(response.data(), response.size());
  if (response.empty() || (!doc.HasParseError() && doc.IsNull())) return kSuccess;
  if (doc.HasParseError()) return kFailure;
  // A handler that returns something else (a string, a count) reports no failures: Lambda
  // looks only at batchItemFailures.
  if (!doc.IsObject()) return kSuccess;
  auto failures = doc.FindMember("batchItemFailures");
  if (failures == doc.MemberEnd() || failures->value.IsNull()) return kSuccess;
  if (!failures->value.IsArray()) return kFailure;
  if (failures->value.Empty()) return kSuccess;
  size_t lowest = records.size();
  for (const auto& failure : failures->value.GetArray()) {
    if (!failure.IsObject()) return kFailure;
    auto id = failure.FindMember("itemIdentifier");
    if (id == failure.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0) {
      return kFailure;
    }
    auto parsed = storage::parse_sequence_number(
        std::string_view(id->value.GetString(), id->value.GetStringLength()));
    if (!parsed) return kFailure;
    const uint64_t sequence = *parsed;
    auto it = std::lower_bound(
        records.begin(), records.end(), sequence,
        [](const Delivery& record, uint64_t wanted) { return record.sequence < wanted; });
    if (it == records.end() || it->sequence != sequence) return kFailure;
    lowest = std::min(lowest, static_cast<size_t>(it - records.begin()));
  }
  if (lowest == 0) return kFailure;
  return {BatchResponse::Kind::kPartial, lowest};
}

}  // namespace eddy::esm
