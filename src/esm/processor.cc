#include "esm/processor.h"
#include "model/json_codec.h"

#include <algorithm>
#include <deque>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/random.h"
#include "common/time_format.h"
#include "storage/stream_ids.h"

namespace eddy::esm {

namespace {

// A part of the batch still to deliver, with the invocations it has had.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  int64_t invocations = 0;
  int64_t retries = 0;
};

}  // namespace

int64_t retry_backoff_ms(int64_t attempt) {
  constexpr int64_t kFirstMs = 100, kMaxMs = 5000;
  if (attempt <= 1) return kFirstMs;
  if (attempt > 7) return kMaxMs;
  return std::min(kMaxMs, kFirstMs << (attempt - 1));
}

bool BatchProcessor::run(std::span<const Delivery> records) {
  std::deque<Span> pending{{0, records.size()}};
  int64_t unavailable = 0;  // consecutive invocations that could not run
  while (!pending.empty()) {
    Span& span = pending.front();
    auto part = records.subspan(span.begin, span.end - span.begin);
    if (settings_.max_record_age_ms >= 0 &&
        clock_.now_ms() - part.front().creation_ms > settings_.max_record_age_ms) {
      if (!discard(part, Condition::kRecordAgeExceeded, span.invocations)) return false;
      pending.pop_front();
      continue;
    }

    metrics_.in_flight.fetch_add(1, std::memory_order_relaxed);
    auto outcome =
        sink_.invoke(settings_.function, shape_.build ? shape_.build(part) : build_event(part));
    metrics_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (!outcome.is_ok()) {
      metrics_.throttles.fetch_add(1, std::memory_order_relaxed);
      if (!pause_.wait_ms(retry_backoff_ms(++unavailable))) return false;
      continue;
    }
    unavailable = 0;
    ++span.invocations;

    size_t failed_from = 0;  // index in `part` of the first record to retry
    bool partial = false;
    const auto* result = std::get_if<std::string>(&*outcome);
    if (result != nullptr && shape_.accept && !shape_.accept(*result)) result = nullptr;
    if (result != nullptr) {
      BatchResponse response{BatchResponse::Kind::kSuccess};
      if (settings_.report_batch_item_failures) response = read_batch_response(*result, part);
      if (response.kind == BatchResponse::Kind::kSuccess) {
        metrics_.batches_delivered.fetch_add(1, std::memory_order_relaxed);
        metrics_.records_delivered.fetch_add(part.size(), std::memory_order_relaxed);
        metrics_.last_result.store(1, std::memory_order_relaxed);
        pending.pop_front();
        continue;
      }
      if (response.kind == BatchResponse::Kind::kPartial) {
        partial = true;
        failed_from = response.first_failed;
        metrics_.records_delivered.fetch_add(failed_from, std::memory_order_relaxed);
      }
    }
    metrics_.function_errors.fetch_add(1, std::memory_order_relaxed);
    metrics_.last_result.store(2, std::memory_order_relaxed);
    // The records before the lowest reported failure are done (reference §2.7 rule 3).
    span.begin += failed_from;
    if (!partial && settings_.bisect_on_error && span.end - span.begin > 1) {
      // Split in two; splitting uses no retry attempt (reference §2.5 rule 4).
      metrics_.bisections.fetch_add(1, std::memory_order_relaxed);
      const Span whole = span;
      const size_t middle = whole.begin + (whole.end - whole.begin) / 2;
      pending.pop_front();
      pending.push_front({middle, whole.end, whole.invocations, whole.retries});
      pending.push_front({whole.begin, middle, whole.invocations, whole.retries});
      continue;
    }
    if (settings_.max_retry_attempts < 0 || span.retries < settings_.max_retry_attempts) {
      ++span.retries;
      metrics_.retries.fetch_add(1, std::memory_order_relaxed);
      if (!pause_.wait_ms(retry_backoff_ms(span.retries))) return false;
      continue;
    }
    if (!discard(records.subspan(span.begin, span.end - span.begin),
                 Condition::kRetryAttemptsExhausted, span.invocations)) {
      return false;
    }
    pending.pop_front();
  }
  return true;
}

bool BatchProcessor::discard(std::span<const Delivery> records, Condition condition,
                             int64_t invocations) {
  if (destination_ != nullptr) {
    const std::string record = failure_record(records, condition, invocations);
    // The shard may move on only once the record is durable: keep trying.
    for (int64_t attempt = 1;; ++attempt) {
      if (destination_->send(record).is_ok()) break;
      if (!pause_.wait_ms(retry_backoff_ms(attempt))) return false;
    }
    metrics_.on_failure_sent.fetch_add(1, std::memory_order_relaxed);
  }
  metrics_.records_discarded.fetch_add(records.size(), std::memory_order_relaxed);
  return true;
}

std::string BatchProcessor::failure_record(std::span<const Delivery> records, Condition condition,
                                           int64_t invocations) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto text = [&](const char* key, const std::string& value) {
    writer.Key(key);
    model::write_string(writer, value);
  };
  writer.StartObject();
  writer.Key("requestContext");
  writer.StartObject();
  text("requestId", uuid_v4());
  text("functionArn", settings_.function_arn);
  text("condition", condition == Condition::kRetryAttemptsExhausted ? "RetryAttemptsExhausted"
                                                                    : "RecordAgeExceeded");
  writer.Key("approximateInvokeCount");
  writer.Int64(invocations);
  writer.EndObject();
  if (invocations > 0) {
    writer.Key("responseContext");
    writer.StartObject();
    writer.Key("statusCode");
    writer.Int(200);
    text("executedVersion", "$LATEST");
    text("functionError", "Unhandled");
    writer.EndObject();
  }
  text("version", "1.0");
  text("timestamp", format_iso8601_ms(clock_.now_ms()));
  writer.Key("DDBStreamBatchInfo");
  writer.StartObject();
  text("shardId", settings_.shard_id);
  text("startSequenceNumber", storage::format_sequence_number(records.front().sequence));
  text("endSequenceNumber", storage::format_sequence_number(records.back().sequence));
  text("approximateArrivalOfFirstRecord", format_iso8601_s(records.front().creation_ms));
  text("approximateArrivalOfLastRecord", format_iso8601_s(records.back().creation_ms));
  writer.Key("batchSize");
  writer.Uint64(records.size());
  text("streamArn", settings_.stream_arn);
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace eddy::esm
