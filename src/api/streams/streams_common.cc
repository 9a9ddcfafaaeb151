#include "api/streams/streams_common.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/base64.h"
#include "streams/record_json.h"

namespace eddy::api::streams {

namespace {

constexpr uint8_t kIteratorVersion = 1;
constexpr size_t kPayloadBytes = 1 + 4 + 4 + 8 + 8;
constexpr size_t kMacBytes = 16;  // HMAC-SHA256, truncated: forging it still takes 2^128 tries

std::string mac(const Context& context, std::string_view payload) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), context.iterator_key.data(), static_cast<int>(context.iterator_key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), kMacBytes);
}

void put_be(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_be(std::string_view in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value = (value << 8) | static_cast<unsigned char>(in[at + i]);
  return value;
}

}  // namespace

std::string stream_arn(const Context& context, const storage::StreamInfo& stream) {
  return eddy::streams::stream_arn(context.settings.region, context.settings.account_id, stream);
}

Result<storage::StreamInfo> find_stream(Context& context, std::string_view arn) {
  const std::string prefix = fmt::format("arn:aws:dynamodb:{}:{}:table/", context.settings.region,
                                         context.settings.account_id);
  constexpr std::string_view kStream = "/stream/";
  const auto stream_at = arn.rfind(kStream);
  if (arn.substr(0, prefix.size()) != prefix || stream_at == std::string_view::npos ||
      stream_at <= prefix.size()) {
    return Status::validation(fmt::format("Invalid StreamArn: {}", arn));
  }
  const std::string_view table = arn.substr(prefix.size(), stream_at - prefix.size());
  const std::string_view label = arn.substr(stream_at + kStream.size());
  std::optional<storage::StreamInfo> found;
  for (auto& stream : context.engine.list_streams()) {
    if (stream.table_name == table && stream.label == label) found = std::move(stream);
  }
  if (!found) {
    return Status::not_found(
        fmt::format("Requested resource not found: Stream: {} not found", arn));
  }
  return std::move(*found);
}

std::string encode_iterator(const Context& context, const IteratorPosition& position) {
  std::string payload;
  payload.reserve(kPayloadBytes + kMacBytes);
  payload.push_back(static_cast<char>(kIteratorVersion));
  put_be(payload, position.stream_id, 4);
  put_be(payload, position.shard_index, 4);
  put_be(payload, position.next_sequence, 8);
  put_be(payload, static_cast<uint64_t>(position.issued_ms), 8);
  payload += mac(context, payload);
  return base64_encode(payload);
}

Result<IteratorPosition> decode_iterator(const Context& context, std::string_view text) {
  const Status invalid = Status::validation("Invalid ShardIterator");
  constexpr size_t kEncodedBytes = 4 * ((kPayloadBytes + kMacBytes + 2) / 3);
  if (text.size() != kEncodedBytes) return invalid;
  auto decoded = base64_decode(text);
  if (!decoded || decoded->size() != kPayloadBytes + kMacBytes) return invalid;
  const std::string& bytes = *decoded;
  const std::string_view payload = std::string_view(bytes).substr(0, kPayloadBytes);
  const std::string expected = mac(context, payload);
  if (static_cast<unsigned char>(payload[0]) != kIteratorVersion ||
      CRYPTO_memcmp(expected.data(), bytes.data() + kPayloadBytes, kMacBytes) != 0) {
    return invalid;
  }
  IteratorPosition position;
  position.stream_id = static_cast<uint32_t>(get_be(payload, 1, 4));
  position.shard_index = static_cast<uint32_t>(get_be(payload, 5, 4));
  position.next_sequence = get_be(payload, 9, 8);
  position.issued_ms = static_cast<int64_t>(get_be(payload, 17, 8));
  return position;
}

const storage::ShardInfo* find_shard(const storage::StreamInfo& stream, std::string_view shard_id) {
  for (const auto& shard : stream.shards) {
    if (shard.shard_id == shard_id) return &shard;
  }
  return nullptr;
}

}  // namespace eddy::api::streams
