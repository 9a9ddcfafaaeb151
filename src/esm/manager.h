// esm::MappingManager: the event source mappings of one Eddy: created by the control plane
// (api/lambda) or a stack file, persisted in the engine's state so they survive restarts with
// their checkpoints, and run as Mapping objects.
//
// Changes apply asynchronously, as Lambda's do (reference §2.1): create, update and delete
// record the new settings durably and return at once (State Creating, Updating, Deleting); a
// worker thread then stops the old Mapping (waiting for its invocation in flight, so that
// records of one shard are never processed by two pollers at once) and starts the new one.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/dynamodb.h"
#include "esm/checkpoint.h"
#include "esm/mapping.h"
#include "esm/mapping_config.h"
#include "esm/metrics.h"
#include "esm/sink.h"
#include "esm/source.h"
#include "functions/runtime.h"
#include "storage/engine.h"

namespace eddy::esm {

struct ManagerOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  ValidationOptions validation;
};

// A mapping as the control plane describes it.
struct MappingView {
  MappingConfig config;
  std::string function_arn;
  std::string state;  // Creating | Enabled | Disabled | Updating | Deleting (reference §2.1)
  std::string last_processing_result;
  std::shared_ptr<const MappingMetrics> metrics;
};

class MappingManager {
 public:
  // `tables` serves table: on-failure destinations (may be null: only file: then).
  MappingManager(storage::Engine& engine, functions::Runtime& runtime, client::DynamoDb* tables,
                 ManagerOptions options);
  ~MappingManager();  // stops every mapping

  // Loads the persisted mappings and starts the enabled ones. Call once.
  Status start();

  // kValidation (a setting, a filter or a destination), kNotFound (no such function),
  // kAlreadyExists (the function already has a mapping of this stream: Lambda allows one).
  // An empty uuid gets a new one.
  Result<MappingView> create(MappingConfig config);
  Result<MappingView> get(std::string_view uuid) const;
  // Applies `change` to a copy of the settings, validates and persists the result. kNotFound
  // for an unknown uuid.
  Result<MappingView> update(std::string_view uuid,
                             const std::function<Status(MappingConfig&)>& change);
  Result<MappingView> remove(std::string_view uuid);
  std::vector<MappingView> list() const;  // by uuid

  // The mapping of (function, table) whichever stream of the table it reads (the identity a
  // stack file uses), or nullopt.
  std::optional<MappingView> find(std::string_view function, std::string_view table) const;
  // Whether the mapping reads a stream of `table` (any of its streams, old or current).
  bool reads_table(const MappingView& mapping, std::string_view table) const;
  // The ARN of the table's current stream, or kValidation when it has none.
  Result<std::string> table_stream_arn(std::string_view table) const;
  std::string function_arn(std::string_view function) const { return runtime_.arn(function); }

  // Prometheus text exposition of every mapping's metrics.
  void write_metrics(std::string& out) const;

  // Waits until no change is pending (tests, and stack deployment before serving).
  void wait_idle();

 private:
  struct Entry;
  Status check(const MappingConfig& config, uint32_t* stream_id) const;
  Status persist(const MappingConfig& config);
  MappingView view(const Entry& entry) const;
  void schedule(const std::string& uuid);
  void worker_loop();
  void reconcile(const std::string& uuid);
  struct StreamRef {
    uint32_t id = 0;
    std::string arn;
    storage::StreamViewType view_type = storage::StreamViewType::kNewImage;
  };
  std::optional<StreamRef> resolve_stream(std::string_view arn) const;

  storage::Engine& engine_;
  functions::Runtime& runtime_;
  client::DynamoDb* tables_;
  const ManagerOptions options_;
  EngineSource source_;
  RuntimeSink sink_;
  EngineCheckpointStore checkpoints_;

  // Settings and states; never held while a Mapping stops (that waits for invocations, whose
  // writes wait for the engine, whose commits call on_commit).
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
  std::condition_variable idle_cv_;
  std::deque<std::string> pending_;
  bool busy_ = false;
  bool stopping_ = false;
  std::condition_variable worker_cv_;
  std::thread worker_;

  // The running mappings by stream, for the engine's commit listener, which may outlive the
  // manager (the engine has no way to remove a listener): shared with it, emptied on close.
  struct Running {
    std::shared_mutex mu;
    std::multimap<uint32_t, std::shared_ptr<Mapping>> by_stream;
  };
  std::shared_ptr<Running> running_ = std::make_shared<Running>();
};

}  // namespace eddy::esm
