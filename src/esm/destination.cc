#include "esm/destination.h"
#include "model/json_codec.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/random.h"
#include "common/time_format.h"

namespace eddy::esm {

namespace {

constexpr std::string_view kFile = "file:";
constexpr std::string_view kTable = "table:";

bool valid_table_name(std::string_view name) {
  // DynamoDB's table names: 3-255 of [a-zA-Z0-9_.-].
  if (name.size() < 3 || name.size() > 255) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

class FileDestination final : public FailureDestination {
 public:
  explicit FileDestination(std::string path) : path_(std::move(path)) {}

  Status send(const std::string& record_json) override {
    std::lock_guard lock(mu_);
    // Opened per record: a destination file moved or deleted by an operator is recreated
    // rather than written into the void. Failures are rare; the open is not worth caching.
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("open");
    std::string line = record_json + "\n";
    const char* data = line.data();
    size_t left = line.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Status status = io_error("write");
        ::close(fd);
        return status;
      }
      data += n;
      left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
      Status status = io_error("fsync");
      ::close(fd);
      return status;
    }
    ::close(fd);
    // A file just created is durable only once its directory entry is: sync the directory
    // too (failures are rare, the extra fsync is cheap next to losing a record).
    const std::string directory = std::filesystem::path(path_).parent_path().string();
    const int dir =
        ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return io_error("open (directory)");
    const int synced = ::fsync(dir);
    ::close(dir);
    if (synced != 0) return io_error("fsync (directory)");
    return Status::ok();
  }

 private:
  Status io_error(const char* what) const {
    return Status::io_error(
        fmt::format("on-failure destination file:{}: {} failed: {}", path_, what, strerror(errno)));
  }

  std::string path_;
  std::mutex mu_;
};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Plain JSON -> DynamoDB JSON: strings S, numbers N, booleans BOOL, null NULL, objects M,
// arrays L.
void write_attribute(const rapidjson::Value& value, Writer& writer) {
  writer.StartObject();
  if (value.IsString()) {
    writer.Key("S");
    writer.String(value.GetString(), value.GetStringLength());
  } else if (value.IsNumber()) {
    writer.Key("N");
    std::string number = value.IsInt64()    ? std::to_string(value.GetInt64())
                         : value.IsUint64() ? std::to_string(value.GetUint64())
                                            : fmt::format("{}", value.GetDouble());
    model::write_string(writer, number);
  } else if (value.IsBool()) {
    writer.Key("BOOL");
    writer.Bool(value.GetBool());
  } else if (value.IsNull()) {
    writer.Key("NULL");
    writer.Bool(true);
  } else if (value.IsObject()) {
    writer.Key("M");
    writer.StartObject();
    for (const auto& member : value.GetObject()) {
      writer.Key(member.name.GetString(), member.name.GetStringLength());
      write_attribute(member.value, writer);
    }
    writer.EndObject();
  } else {
    writer.Key("L");
    writer.StartArray();
    for (const auto& element : value.GetArray())
      write_attribute(element, writer);
    writer.EndArray();
  }
  writer.EndObject();
}

class TableDestination final : public FailureDestination {
 public:
  TableDestination(std::string table, client::DynamoDb& tables, const Clock& clock)
      : table_(std::move(table)), tables_(tables), clock_(clock) {}

  Status send(const std::string& record_json) override {
    std::lock_guard lock(mu_);  // the lanes of a mapping may fail at once
    rapidjson::Document record;
    record.Parse(record_json.data(), record_json.size());
    if (record.HasParseError() || !record.IsObject()) {
      return Status::internal("on-failure record is not a JSON object");
    }
    EDDY_RETURN_IF_ERROR(ensure_table());
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    writer.Key("TableName");
    model::write_string(writer, table_);
    writer.Key("Item");
    writer.StartObject();
    for (const auto& member : record.GetObject()) {
      writer.Key(member.name.GetString(), member.name.GetStringLength());
      write_attribute(member.value, writer);
    }
    const std::string id = uuid_v4();
    writer.Key("id");
    writer.StartObject();
    writer.Key("S");
    model::write_string(writer, id);
    writer.EndObject();
    const std::string written_at = format_iso8601_ms(clock_.now_ms());
    writer.Key("writtenAt");
    writer.StartObject();
    writer.Key("S");
    model::write_string(writer, written_at);
    writer.EndObject();
    writer.EndObject();
    writer.EndObject();
    auto response = tables_.call("PutItem", std::string(buffer.GetString(), buffer.GetSize()));
    if (auto* error = std::get_if<client::Error>(&response)) {
      return Status::io_error(fmt::format("on-failure destination table:{}: {}: {}", table_,
                                          error->type, error->message));
    }
    return Status::ok();
  }

 private:
  Status ensure_table() {
    if (created_) return Status::ok();
    const std::string request =
        fmt::format(R"({{"TableName":"{}","KeySchema":[{{"AttributeName":"id","KeyType":"HASH"}}],)"
                    R"("AttributeDefinitions":[{{"AttributeName":"id","AttributeType":"S"}}],)"
                    R"("BillingMode":"PAY_PER_REQUEST"}})",
                    table_);
    auto response = tables_.call("CreateTable", request);
    if (auto* error = std::get_if<client::Error>(&response)) {
      // An existing table is the common case: the destination of an earlier failure.
      if (error->type.find("ResourceInUseException") == std::string::npos) {
        return Status::io_error(fmt::format("on-failure destination table:{}: {}: {}", table_,
                                            error->type, error->message));
      }
    }
    created_ = true;
    return Status::ok();
  }

  std::string table_;
  client::DynamoDb& tables_;
  const Clock& clock_;
  std::mutex mu_;
  bool created_ = false;
};

}  // namespace

Status check_destination(std::string_view spec) {
  if (spec.starts_with(kFile) && spec.size() > kFile.size()) return Status::ok();
  if (spec.starts_with(kTable)) {
    if (valid_table_name(spec.substr(kTable.size()))) return Status::ok();
    return Status::validation(
        fmt::format("Invalid on-failure destination '{}': a table name is 3-255 characters of "
                    "a-z, A-Z, 0-9, '_', '-' and '.'",
                    spec));
  }
  return Status::validation(
      fmt::format("Invalid on-failure destination '{}': Eddy supports file:<path> (JSON Lines) "
                  "and table:<name> in place of SQS and SNS",
                  spec));
}

Result<std::unique_ptr<FailureDestination>> open_destination(std::string_view spec,
                                                             client::DynamoDb* tables,
                                                             const Clock& clock) {
  EDDY_RETURN_IF_ERROR(check_destination(spec));
  if (spec.starts_with(kFile)) {
    return std::unique_ptr<FailureDestination>(
        std::make_unique<FileDestination>(std::string(spec.substr(kFile.size()))));
  }
  if (tables == nullptr) return Status::internal("no DynamoDB client for table: destinations");
  return std::unique_ptr<FailureDestination>(
      std::make_unique<TableDestination>(std::string(spec.substr(kTable.size())), *tables, clock));
}

}  // namespace eddy::esm
