#include "api/dynamodb/ttl_sweeper.h"

#include "api/dynamodb/time_to_live.h"

namespace eddy::api::dynamodb {

TtlSweeper::TtlSweeper(storage::Engine& engine, TtlSweeperOptions options)
    : engine_(engine), options_(options) {}

TtlSweeper::~TtlSweeper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TtlSweeper::start() {
  thread_ = std::thread([this] { loop(); });
}

void TtlSweeper::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                 [this] { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    (void)sweep_once();  // a table deleted meanwhile, or the engine closing: the next pass
    lock.lock();
  }
}

Result<uint64_t> TtlSweeper::sweep_once() {
  uint64_t deleted = 0;
  const int64_t now_ms = engine_.options().clock->now_ms();
  for (const auto& name : engine_.list_tables()) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    auto table = engine_.describe_table(name);
    if (!table) continue;  // deleted since it was listed
    const TtlSetting setting = read_ttl_setting(table->properties);
    if (!setting.enabled || setting.attribute.empty()) continue;
    auto swept = sweep_table(*table, setting.attribute, now_ms);
    if (swept) deleted += *swept;
  }
  deleted_total_.fetch_add(deleted, std::memory_order_relaxed);
  return deleted;
}

Result<uint64_t> TtlSweeper::sweep_table(const storage::TableDescription& table,
                                         const std::string& attribute, int64_t now_ms) {
  uint64_t deleted = 0;
  storage::ScanRequest scan;
  scan.table = table.name;
  scan.limit = options_.page_items;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    EDDY_ASSIGN_OR_RETURN(auto page, engine_.scan(scan));
    // The page's expired items are deleted together, and waited for, before the next page.
    std::mutex done_mu;
    std::condition_variable done_cv;
    size_t pending = 0;
    uint64_t changed = 0;
    for (const auto& item : page.items) {
      if (!ttl_expired(item, attribute, now_ms)) continue;
      storage::ItemWrite write;
      write.table = table.name;
      write.key = model::extract_key(item, table.key_schema);
      write.mutation = storage::Delete{};
      write.condition = [attribute, now_ms](const model::Item* current) {
        return current && ttl_expired(*current, attribute, now_ms)
                   ? Status::ok()
                   : Status::condition_failed("no longer expired");
      };
      write.ttl_delete = true;
      {
        std::lock_guard lock(done_mu);
        ++pending;
      }
      engine_.submit(storage::WriteUnit{{std::move(write)}}, [&](storage::WriteResult result) {
        std::lock_guard lock(done_mu);
        if (result.status.is_ok() && !result.items.empty() && result.items[0].changed) ++changed;
        --pending;
        done_cv.notify_all();
      });
    }
    {
      std::unique_lock lock(done_mu);
      done_cv.wait(lock, [&] { return pending == 0; });
    }
    deleted += changed;
    if (!page.last_evaluated_key) break;
    if (options_.max_deletes_per_second > 0 && changed > 0) {
      // Pace: this page's deletes take their share of a second before the next page.
      std::unique_lock lock(mu_);
      cv_.wait_for(lock,
                   std::chrono::microseconds(changed * 1'000'000 / options_.max_deletes_per_second),
                   [this] { return stopping_; });
    }
    scan.exclusive_start_key = std::move(page.last_evaluated_key);
  }
  return deleted;
}

}  // namespace eddy::api::dynamodb
