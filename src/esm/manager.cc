#include "esm/manager.h"

#include <fmt/format.h>

#include "common/random.h"
#include "streams/record_json.h"

namespace eddy::esm {

namespace {

constexpr std::string_view kMappingPrefix = "esm/mapping/";

std::string mapping_key(std::string_view uuid) {
  return fmt::format("{}{}", kMappingPrefix, uuid);
}

// arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label> -> <table>
std::string table_of_stream_arn(std::string_view arn) {
  const size_t begin = arn.find(":table/");
  const size_t end = arn.find("/stream/");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) return "";
  return std::string(arn.substr(begin + 7, end - begin - 7));
}

// Lambda's answer for a UUID that names no mapping.
Status mapping_not_found() {
  return Status::not_found(
      fmt::format("The resource you requested does not exist. (Service: Lambda, Status Code: "
                  "404, Request ID: {})",
                  uuid_v4()));
}

}  // namespace

struct MappingManager::Entry {
  MappingConfig config;
  std::shared_ptr<MappingMetrics> metrics = std::make_shared<MappingMetrics>();
  std::shared_ptr<Mapping> running;
  std::string transition;  // Creating, Updating or Deleting while the worker has not caught up
  bool deleted = false;
  uint64_t version = 0;          // bumped by every change
  uint64_t running_version = 0;  // the version `running` was started with
};

MappingManager::MappingManager(storage::Engine& engine, functions::Runtime& runtime,
                               client::DynamoDb* tables, ManagerOptions options)
    : engine_(engine),
      runtime_(runtime),
      tables_(tables),
      options_(std::move(options)),
      source_(engine),
      sink_(runtime),
      checkpoints_(engine) {}

MappingManager::~MappingManager() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  worker_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::multimap<uint32_t, std::shared_ptr<Mapping>> running;
  {
    std::unique_lock lock(running_->mu);
    running.swap(running_->by_stream);
  }
  for (auto& [stream, mapping] : running)
    mapping->stop();
}

Status MappingManager::start() {
  EDDY_ASSIGN_OR_RETURN(auto stored, engine_.list_state(kMappingPrefix));
  {
    std::lock_guard lock(mu_);
    for (auto& [key, value] : stored) {
      EDDY_ASSIGN_OR_RETURN(auto config, from_persisted(value));
      auto entry = std::make_unique<Entry>();
      entry->config = std::move(config);
      entry->version = 1;
      const std::string uuid = entry->config.uuid;
      entries_.emplace(uuid, std::move(entry));
      pending_.push_back(uuid);
    }
  }
  std::weak_ptr<Running> running = running_;
  engine_.add_commit_listener([running](uint32_t stream_id, uint32_t, uint64_t) {
    auto shared = running.lock();
    if (!shared) return;
    std::shared_lock lock(shared->mu);
    auto [first, last] = shared->by_stream.equal_range(stream_id);
    for (auto it = first; it != last; ++it)
      it->second->notify();
  });
  worker_ = std::thread([this] { worker_loop(); });
  worker_cv_.notify_all();
  return Status::ok();
}

std::optional<MappingManager::StreamRef> MappingManager::resolve_stream(
    std::string_view arn) const {
  for (const auto& stream : engine_.list_streams()) {
    std::string stream_arn = streams::stream_arn(options_.region, options_.account_id, stream);
    if (stream_arn == arn) return StreamRef{stream.id, std::move(stream_arn), stream.view_type};
  }
  return std::nullopt;
}

bool MappingManager::reads_table(const MappingView& mapping, std::string_view table) const {
  return table_of_stream_arn(mapping.config.event_source_arn) == table;
}

Result<std::string> MappingManager::table_stream_arn(std::string_view table) const {
  auto description = engine_.describe_table(table);
  if (!description.is_ok()) {
    return Status::validation(fmt::format("Table not found: {}", table));
  }
  for (const auto& stream : engine_.list_streams()) {
    if (stream.table_name == table && stream.status == storage::StreamStatus::kEnabled) {
      return streams::stream_arn(options_.region, options_.account_id, stream);
    }
  }
  return Status::validation(fmt::format("Table {} has no stream enabled", table));
}

Status MappingManager::check(const MappingConfig& config, uint32_t* stream_id) const {
  EDDY_RETURN_IF_ERROR(validate(config, options_.validation));
  EDDY_RETURN_IF_ERROR(FilterCriteria::parse(config.filters).status());
  if (!config.on_failure.empty()) {
    EDDY_RETURN_IF_ERROR(check_destination(config.on_failure));
    if (config.on_failure.starts_with("table:") && tables_ == nullptr) {
      return Status::validation("table: on-failure destinations are not available here");
    }
  }
  if (!runtime_.config(config.function_name)) {
    return Status::not_found(
        fmt::format("Function not found: {}", runtime_.arn(config.function_name)));
  }
  auto stream = resolve_stream(config.event_source_arn);
  if (!stream) {
    return Status::validation(fmt::format("Stream not found: {}", config.event_source_arn));
  }
  if (stream_id != nullptr) *stream_id = stream->id;
  return Status::ok();
}

Status MappingManager::persist(const MappingConfig& config) {
  return engine_.write_state({{mapping_key(config.uuid), to_persisted(config)}});
}

MappingView MappingManager::view(const Entry& entry) const {
  MappingView view;
  view.config = entry.config;
  view.function_arn = runtime_.arn(entry.config.function_name);
  view.state = !entry.transition.empty() ? entry.transition
               : entry.config.enabled    ? "Enabled"
                                         : "Disabled";
  switch (entry.metrics->last_result.load(std::memory_order_relaxed)) {
    case 0:
      view.last_processing_result = "No records processed";
      break;
    case 1:
      view.last_processing_result = "OK";
      break;
    default:
      view.last_processing_result = "PROBLEM: Function call failed";
  }
  view.metrics = entry.metrics;
  return view;
}

Result<MappingView> MappingManager::create(MappingConfig config) {
  if (config.uuid.empty()) config.uuid = uuid_v4();
  uint32_t stream_id = 0;
  EDDY_RETURN_IF_ERROR(check(config, &stream_id));
  std::unique_lock lock(mu_);
  for (const auto& [uuid, entry] : entries_) {
    if (entry->deleted) continue;
    if (entry->config.function_name == config.function_name &&
        entry->config.event_source_arn == config.event_source_arn) {
      return Status::already_exists(fmt::format(
          "The event source arn (\" {} \") and function (\" {} \") provided mapping already "
          "exists. Please update or delete the existing mapping with UUID {}",
          config.event_source_arn, config.function_name, uuid));
    }
  }
  if (entries_.contains(config.uuid)) {
    return Status::already_exists(
        fmt::format("An event source mapping with UUID {} already exists", config.uuid));
  }
  if (config.starting_position == StartingPosition::kLatest) {
    // LATEST means the records written from now on: fix each shard's position now, durably,
    // so a restart does not move it.
    auto stream = engine_.describe_stream(stream_id);
    if (stream.is_ok()) {
      const uint64_t next = engine_.last_sequence() + 1;
      for (const auto& shard : stream->shards) {
        EDDY_RETURN_IF_ERROR(
            checkpoints_.save(config.uuid, stream_id, shard.index,
                              shard.ending_sequence ? *shard.ending_sequence + 1 : next));
      }
    }
  }
  EDDY_RETURN_IF_ERROR(persist(config));
  auto entry = std::make_unique<Entry>();
  entry->config = std::move(config);
  entry->transition = "Creating";
  entry->version = 1;
  MappingView result = view(*entry);
  const std::string uuid = entry->config.uuid;
  entries_.emplace(uuid, std::move(entry));
  lock.unlock();
  schedule(uuid);
  return result;
}

Result<MappingView> MappingManager::get(std::string_view uuid) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(uuid);
  if (it == entries_.end() || it->second->deleted) {
    return mapping_not_found();
  }
  return view(*it->second);
}

Result<MappingView> MappingManager::update(std::string_view uuid,
                                           const std::function<Status(MappingConfig&)>& change) {
  // The change is applied to a copy and checked without the lock (the checks read the
  // engine's catalog); if another update landed meanwhile, it is applied again to the newer
  // settings, so that concurrent updates compose instead of the last one winning.
  for (;;) {
    MappingConfig config;
    uint64_t version = 0;
    {
      std::lock_guard lock(mu_);
      auto it = entries_.find(uuid);
      if (it == entries_.end() || it->second->deleted) {
        return mapping_not_found();
      }
      config = it->second->config;
      version = it->second->version;
    }
    const std::string old_source = config.event_source_arn;
    EDDY_RETURN_IF_ERROR(change(config));
    EDDY_RETURN_IF_ERROR(check(config, nullptr));
    std::unique_lock lock(mu_);
    auto it = entries_.find(uuid);
    if (it == entries_.end() || it->second->deleted) return mapping_not_found();
    Entry& entry = *it->second;
    if (entry.version != version) continue;
    if (config.event_source_arn != old_source) {
      // Moved to another stream (a stack file changed the view type): the old positions mean
      // nothing there; the new stream is read from its start.
      EDDY_RETURN_IF_ERROR(checkpoints_.forget(config.uuid));
    }
    EDDY_RETURN_IF_ERROR(persist(config));
    entry.config = std::move(config);
    entry.transition = "Updating";
    ++entry.version;
    MappingView result = view(entry);
    lock.unlock();
    schedule(std::string(uuid));
    return result;
  }
}

Result<MappingView> MappingManager::remove(std::string_view uuid) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(uuid);
  if (it == entries_.end() || it->second->deleted) {
    return mapping_not_found();
  }
  Entry& entry = *it->second;
  EDDY_RETURN_IF_ERROR(engine_.write_state({{mapping_key(entry.config.uuid), std::nullopt}}));
  entry.deleted = true;
  entry.transition = "Deleting";
  ++entry.version;
  MappingView result = view(entry);
  lock.unlock();
  schedule(std::string(uuid));
  return result;
}

std::vector<MappingView> MappingManager::list() const {
  std::lock_guard lock(mu_);
  std::vector<MappingView> views;
  for (const auto& [uuid, entry] : entries_) {
    if (!entry->deleted) views.push_back(view(*entry));
  }
  return views;
}

std::optional<MappingView> MappingManager::find(std::string_view function,
                                                std::string_view table) const {
  std::lock_guard lock(mu_);
  for (const auto& [uuid, entry] : entries_) {
    if (!entry->deleted && entry->config.function_name == function &&
        table_of_stream_arn(entry->config.event_source_arn) == table) {
      return view(*entry);
    }
  }
  return std::nullopt;
}

void MappingManager::schedule(const std::string& uuid) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(uuid);
  }
  worker_cv_.notify_all();
}

void MappingManager::wait_idle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return (pending_.empty() && !busy_) || stopping_; });
}

void MappingManager::worker_loop() {
  constexpr auto kTick = std::chrono::seconds(1);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (pending_.empty()) {
      idle_cv_.notify_all();
      // The tick notices mappings whose stream was disabled (their table deleted).
      if (!worker_cv_.wait_for(lock, kTick, [this] { return stopping_ || !pending_.empty(); })) {
        for (const auto& [uuid, entry] : entries_) {
          if (entry->running && entry->running->drained()) pending_.push_back(uuid);
        }
      }
      continue;
    }
    const std::string uuid = pending_.front();
    pending_.pop_front();
    busy_ = true;
    lock.unlock();
    reconcile(uuid);
    lock.lock();
    busy_ = false;
  }
  idle_cv_.notify_all();
}

void MappingManager::reconcile(const std::string& uuid) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(uuid);
  if (it == entries_.end()) return;
  Entry& entry = *it->second;
  std::shared_ptr<Mapping> old;
  const bool drained = entry.running && entry.running->drained();
  if (entry.running && (entry.deleted || !entry.config.enabled ||
                        entry.running_version != entry.version || drained)) {
    old = std::move(entry.running);
  }
  if (drained && entry.config.enabled && entry.running_version == entry.version) {
    // The stream was disabled (its table deleted) and has been read to its end. (A mapping
    // whose settings changed meanwhile, e.g. moved to the table's new stream, is restarted
    // instead: its drained run read the old settings' stream.)
    auto table = engine_.describe_table(table_of_stream_arn(entry.config.event_source_arn));
    entry.config.enabled = false;
    entry.config.state_transition_reason = table.is_ok()
                                               ? "The stream was disabled on its table"
                                               : "The table of the event source stream was deleted";
    entry.config.last_modified_ms = SystemClock::instance().now_ms();
    ++entry.version;
    (void)persist(entry.config);
  }
  lock.unlock();
  if (old) {
    {
      std::unique_lock running_lock(running_->mu);
      for (auto r = running_->by_stream.begin(); r != running_->by_stream.end(); ++r) {
        if (r->second == old) {
          running_->by_stream.erase(r);
          break;
        }
      }
    }
    old->stop();
  }
  lock.lock();
  it = entries_.find(uuid);
  if (it == entries_.end()) return;
  Entry& current = *it->second;
  if (current.deleted) {
    lock.unlock();
    (void)checkpoints_.forget(uuid);
    lock.lock();
    entries_.erase(uuid);
    return;
  }
  current.transition.clear();
  if (!current.config.enabled || current.running) return;
  // Everything here was checked when the settings were accepted; a stream can still have
  // expired since (or a build of Eddy refuse what an older one stored).
  auto stop_with = [&](std::string reason) {
    current.config.enabled = false;
    current.config.state_transition_reason = std::move(reason);
    (void)persist(current.config);
  };
  auto stream = resolve_stream(current.config.event_source_arn);
  if (!stream) return stop_with("The event source stream no longer exists");
  auto filters = FilterCriteria::parse(current.config.filters);
  if (!filters.is_ok()) return stop_with("PROBLEM: " + filters.status().message());
  std::unique_ptr<FailureDestination> destination;
  if (!current.config.on_failure.empty()) {
    auto opened = open_destination(current.config.on_failure, tables_, SystemClock::instance());
    if (!opened.is_ok()) return stop_with("PROBLEM: " + opened.status().message());
    destination = std::move(*opened);
  }
  MappingTarget target{stream->id, stream->arn, stream->view_type,
                       runtime_.arn(current.config.function_name)};
  auto mapping = std::make_shared<Mapping>(
      current.config, std::move(target),
      MappingDeps{source_, sink_, checkpoints_, SystemClock::instance(), options_.region},
      std::move(*filters), std::move(destination), current.metrics);
  current.running = mapping;
  current.running_version = current.version;
  {
    std::unique_lock running_lock(running_->mu);
    running_->by_stream.emplace(stream->id, mapping);
  }
  mapping->start();
}

void MappingManager::write_metrics(std::string& out) const {
  struct Family {
    const char* name;
    const char* type;
    const char* help;
    std::function<int64_t(const MappingMetrics&)> value;
  };
  auto load = [](const auto& counter) { return static_cast<int64_t>(counter.load()); };
  const Family families[] = {
      {"eddy_esm_records_delivered_total", "counter",
       "Records delivered to the function by successful invocations",
       [&](const MappingMetrics& m) { return load(m.records_delivered); }},
      {"eddy_esm_batches_delivered_total", "counter", "Successful invocations",
       [&](const MappingMetrics& m) { return load(m.batches_delivered); }},
      {"eddy_esm_function_errors_total", "counter",
       "Invocations that failed (error, timeout or partial batch failure)",
       [&](const MappingMetrics& m) { return load(m.function_errors); }},
      {"eddy_esm_retries_total", "counter", "Invocations that used a retry attempt",
       [&](const MappingMetrics& m) { return load(m.retries); }},
      {"eddy_esm_throttles_total", "counter", "Invocations that could not run (not counted)",
       [&](const MappingMetrics& m) { return load(m.throttles); }},
      {"eddy_esm_bisections_total", "counter", "Failed batches split in two",
       [&](const MappingMetrics& m) { return load(m.bisections); }},
      {"eddy_esm_records_discarded_total", "counter",
       "Records given up on (retries exhausted or too old)",
       [&](const MappingMetrics& m) { return load(m.records_discarded); }},
      {"eddy_esm_records_filtered_total", "counter", "Records dropped by the filter criteria",
       [&](const MappingMetrics& m) { return load(m.records_filtered); }},
      {"eddy_esm_on_failure_records_total", "counter",
       "On-failure records written to the destination",
       [&](const MappingMetrics& m) { return load(m.on_failure_sent); }},
      {"eddy_esm_in_flight", "gauge", "Invocations running now",
       [&](const MappingMetrics& m) { return load(m.in_flight); }},
      {"eddy_esm_iterator_age_milliseconds", "gauge",
       "IteratorAge of the last batch read: read time minus its last record's write time",
       [&](const MappingMetrics& m) { return load(m.iterator_age_ms); }},
  };
  std::lock_guard lock(mu_);
  for (const auto& family : families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, family.help, family.name,
                       family.type);
    for (const auto& [uuid, entry] : entries_) {
      if (entry->deleted) continue;
      const int64_t value = family.value(*entry->metrics);
      if (value < 0) continue;  // an iterator age before the first batch
      out += fmt::format("{}{{uuid=\"{}\",function=\"{}\"}} {}\n", family.name, uuid,
                         entry->config.function_name, value);
    }
  }
}

}  // namespace eddy::esm
