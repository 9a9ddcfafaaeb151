// Secondary indexes in the engine: maintenance in the item's batch, sparse entries, projections,
// reads, the write checks, backfill (with writes going on, and resumed after a restart) and
// removal. Every check compares the index with what the table's items say it must hold.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "storage/engine.h"
#include "storage/indexes.h"
#include "unit/storage/test_util.h"

namespace eddy::storage {
namespace {

using model::Item;
using namespace testing;

IndexSpec gsi(std::string name, std::string pk, std::optional<std::string> sk = {},
              ProjectionType projection = ProjectionType::kAll,
              std::vector<std::string> non_key = {}) {
  IndexSpec spec;
  spec.name = std::move(name);
  spec.kind = IndexKind::kGlobal;
  spec.key_schema.partition = {std::move(pk), model::KeyType::S};
  if (sk) spec.key_schema.sort = model::KeyAttribute{*sk, model::KeyType::N};
  spec.projection = projection;
  spec.non_key_attributes = std::move(non_key);
  return spec;
}

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen(size_t backfill_step = 1000, uint64_t collection_limit = 10ULL << 30) {
    engine_.reset();
    EngineOptions options;
    options.item_collection_limit_bytes = collection_limit;
    options.path = dir_.sub("db");
    options.clock = &clock_;
    options.trim_interval_ms = 0;
    options.backfill_step_items = backfill_step;
    auto opened = Engine::open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    engine_ = std::move(opened).value();
  }

  // A table keyed pk (S) / sk (N) with a GSI on (owner S, rank N) and an LSI on (pk, at N).
  void create_indexed_table(ProjectionType gsi_projection = ProjectionType::kAll,
                            std::vector<std::string> non_key = {}) {
    TableSpec spec = range_table("t");
    spec.indexes.push_back(gsi("by-owner", "owner", "rank", gsi_projection, non_key));
    IndexSpec lsi;
    lsi.name = "by-at";
    lsi.kind = IndexKind::kLocal;
    lsi.key_schema.partition = {"pk", model::KeyType::S};
    lsi.key_schema.sort = model::KeyAttribute{"at", model::KeyType::N};
    lsi.projection = ProjectionType::kKeysOnly;
    spec.indexes.push_back(lsi);
    spec.attribute_definitions.push_back({"owner", model::KeyType::S});
    spec.attribute_definitions.push_back({"rank", model::KeyType::N});
    spec.attribute_definitions.push_back({"at", model::KeyType::N});
    ASSERT_TRUE(engine_->create_table(spec).is_ok());
  }

  Status put_item(Item item) {
    Item key{{"pk", item.at("pk")}, {"sk", item.at("sk")}};
    return engine_->write(unit(put("t", std::move(item), std::move(key)))).status;
  }

  std::vector<Item> scan_all(const std::string& index) {
    std::vector<Item> items;
    ScanRequest request;
    request.table = "t";
    request.index = index;
    for (;;) {
      auto page = engine_->scan(request);
      EXPECT_TRUE(page.is_ok()) << page.status().to_string();
      if (!page.is_ok()) return items;
      items.insert(items.end(), page->items.begin(), page->items.end());
      if (!page->last_evaluated_key) return items;
      request.exclusive_start_key = page->last_evaluated_key;
    }
  }

  // The index as the table's items say it must be: entry key -> projected item.
  std::map<std::string, Item> expected_entries(const std::string& index_name) {
    auto table = engine_->describe_table("t");
    const IndexDescription* index = table->find_index(index_name);
    std::map<std::string, Item> expected;
    for (const auto& item : scan_all("")) {
      if (auto entry = index_entry(*index, table->key_schema, item)) {
        expected.emplace(entry->key, entry->projected);
      }
    }
    return expected;
  }
  std::map<std::string, Item> actual_entries(const std::string& index_name) {
    auto table = engine_->describe_table("t");
    const IndexDescription* index = table->find_index(index_name);
    std::map<std::string, Item> actual;
    for (const auto& item : scan_all(index_name)) {
      EXPECT_TRUE(actual.emplace(index_entry_key(*index, table->key_schema, item), item).second);
    }
    return actual;
  }

  void wait_active(const std::string& index) {
    for (int i = 0; i < 2000; ++i) {
      auto table = engine_->describe_table("t");
      if (table->find_index(index)->status == IndexStatus::kActive) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL() << index << " never became ACTIVE";
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(IndexTest, EntriesFollowTheItemsAndLeaveOutItemsWithoutTheIndexKey) {
  create_indexed_table();
  ASSERT_TRUE(
      put_item({{"pk", S("a")}, {"sk", N(1)}, {"owner", S("ann")}, {"rank", N(3)}}).is_ok());
  ASSERT_TRUE(
      put_item({{"pk", S("a")}, {"sk", N(2)}, {"owner", S("ann")}, {"rank", N(1)}}).is_ok());
  // Sparse: no rank, so not in by-owner; no `at`, so not in by-at either.
  ASSERT_TRUE(put_item({{"pk", S("b")}, {"sk", N(1)}, {"owner", S("bob")}}).is_ok());
  ASSERT_TRUE(put_item({{"pk", S("b")}, {"sk", N(2)}, {"at", N(7)}}).is_ok());

  QueryRequest query;
  query.table = "t";
  query.index = "by-owner";
  query.partition_value = S("ann");
  auto page = engine_->query(query);
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].at("sk"), N(2));  // rank 1 before rank 3
  EXPECT_EQ(page->items[1].at("sk"), N(1));
  query.partition_value = S("bob");
  EXPECT_TRUE(engine_->query(query)->items.empty());

  // The key moves: ann -> bob. The old entry goes, the new one comes.
  ASSERT_TRUE(
      put_item({{"pk", S("a")}, {"sk", N(1)}, {"owner", S("bob")}, {"rank", N(3)}}).is_ok());
  EXPECT_EQ(engine_->query(query)->items.size(), 1u);
  query.partition_value = S("ann");
  EXPECT_EQ(engine_->query(query)->items.size(), 1u);
  // Deleting the item deletes its entries.
  ASSERT_TRUE(engine_->write(unit(del("t", {{"pk", S("a")}, {"sk", N(2)}}))).status.is_ok());
  EXPECT_TRUE(engine_->query(query)->items.empty());

  EXPECT_EQ(actual_entries("by-owner"), expected_entries("by-owner"));
  EXPECT_EQ(actual_entries("by-at"), expected_entries("by-at"));
  auto table = engine_->describe_table("t");
  EXPECT_EQ(table->find_index("by-owner")->item_count, 1u);
  EXPECT_EQ(table->find_index("by-at")->item_count, 1u);
  EXPECT_GT(table->find_index("by-owner")->size_bytes, 0u);

  // Everything survives a restart, catalog and statistics included.
  reopen();
  table = engine_->describe_table("t");
  ASSERT_EQ(table->indexes.size(), 2u);
  EXPECT_EQ(table->indexes[0].name, "by-owner");
  EXPECT_EQ(table->indexes[1].kind, IndexKind::kLocal);
  EXPECT_EQ(table->find_index("by-owner")->item_count, 1u);
  EXPECT_EQ(actual_entries("by-owner"), expected_entries("by-owner"));
}

TEST_F(IndexTest, ProjectionsKeepKeysAndListedAttributes) {
  create_indexed_table(ProjectionType::kInclude, {"title"});
  ASSERT_TRUE(put_item({{"pk", S("a")},
                        {"sk", N(1)},
                        {"owner", S("ann")},
                        {"rank", N(3)},
                        {"at", N(9)},
                        {"title", S("hello")},
                        {"body", S("long text")}})
                  .is_ok());
  auto by_owner = scan_all("by-owner");
  ASSERT_EQ(by_owner.size(), 1u);
  EXPECT_EQ(by_owner[0], (Item{{"pk", S("a")},
                               {"sk", N(1)},
                               {"owner", S("ann")},
                               {"rank", N(3)},
                               {"title", S("hello")}}));
  auto by_at = scan_all("by-at");
  ASSERT_EQ(by_at.size(), 1u);
  EXPECT_EQ(by_at[0], (Item{{"pk", S("a")}, {"sk", N(1)}, {"at", N(9)}}));

  // A change to an attribute the index does not project writes no entry.
  WriteUnit change = unit(put("t",
                              {{"pk", S("a")},
                               {"sk", N(1)},
                               {"owner", S("ann")},
                               {"rank", N(3)},
                               {"at", N(9)},
                               {"title", S("hello")},
                               {"body", S("other text")}},
                              {{"pk", S("a")}, {"sk", N(1)}}));
  auto result = engine_->write(std::move(change));
  ASSERT_TRUE(result.status.is_ok());
  EXPECT_TRUE(result.items[0].index_writes.empty());

  // A projected change rewrites the entry once; a key move is a delete and a put.
  change = unit(put("t",
                    {{"pk", S("a")},
                     {"sk", N(1)},
                     {"owner", S("bob")},
                     {"rank", N(3)},
                     {"at", N(9)},
                     {"title", S("changed")}},
                    {{"pk", S("a")}, {"sk", N(1)}}));
  result = engine_->write(std::move(change));
  ASSERT_TRUE(result.status.is_ok());
  ASSERT_EQ(result.items[0].index_writes.size(), 1u);
  EXPECT_EQ(result.items[0].index_writes[0].index, "by-owner");
  EXPECT_EQ(result.items[0].index_writes[0].entry_bytes.size(), 2u);

  // Fetching from the table gives the whole item through a local index.
  QueryRequest query;
  query.table = "t";
  query.index = "by-at";
  query.partition_value = S("a");
  query.fetch_table_items = true;
  auto page = engine_->query(query);
  ASSERT_TRUE(page.is_ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].at("title"), S("changed"));
}

TEST_F(IndexTest, AWrongTypedIndexKeyFailsTheWholeUnitAndWritesNothing) {
  create_indexed_table();
  WriteUnit both;
  both.writes.push_back(put("t", {{"pk", S("a")}, {"sk", N(1)}, {"owner", S("ann")}},
                            {{"pk", S("a")}, {"sk", N(1)}}));
  both.writes.push_back(
      put("t", {{"pk", S("a")}, {"sk", N(2)}, {"owner", N(5)}}, {{"pk", S("a")}, {"sk", N(2)}}));
  auto result = engine_->write(std::move(both));
  EXPECT_EQ(result.status.code(), Code::kValidation);
  EXPECT_EQ(result.status.message(),
            "One or more parameter values were invalid: Type mismatch for Index Key owner "
            "Expected: S Actual: N IndexName: by-owner");
  EXPECT_TRUE(scan_all("").empty());

  auto empty = put_item({{"pk", S("a")}, {"sk", N(3)}, {"owner", S("")}, {"rank", N(1)}});
  EXPECT_EQ(empty.message(),
            "One or more parameter values are not valid. A value specified for a secondary index "
            "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
            "string value. IndexName: by-owner, IndexKey: owner");
  EXPECT_TRUE(scan_all("").empty());
}

TEST_F(IndexTest, ReadingAnUnknownIndexNamesIt) {
  create_indexed_table();
  ScanRequest scan;
  scan.table = "t";
  scan.index = "nope";
  auto page = engine_->scan(scan);
  EXPECT_EQ(page.status().code(), Code::kValidation);
  EXPECT_EQ(page.status().message(), "The table does not have the specified index: nope");
}

TEST_F(IndexTest, ABackfillWhileWritesGoOnEndsWithTheIndexTheItemsSay) {
  reopen(/*backfill_step=*/50);
  ASSERT_TRUE(engine_->create_table(range_table("t")).is_ok());
  constexpr int kItems = 3000;
  for (int i = 0; i < kItems; ++i) {
    Item item{{"pk", S("p" + std::to_string(i % 37))}, {"sk", N(i)}};
    if (i % 3 != 0) item["owner"] = S("o" + std::to_string(i % 11));
    if (i % 5 != 0) item["rank"] = N(i % 7);
    if (i % 97 == 0) item["owner"] = N(1);  // skipped by the backfill, as DynamoDB does
    ASSERT_TRUE(put_item(item).is_ok());
  }
  auto created = engine_->create_index("t", gsi("by-owner", "owner", "rank"));
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ(created->find_index("by-owner")->status, IndexStatus::kCreating);
  EXPECT_TRUE(created->find_index("by-owner")->backfilling());
  EXPECT_EQ(created->attribute_definitions.size(), 4u);  // pk, sk, owner, rank

  // Writes during the backfill: new items, moved keys, removed keys, deletions. Submitted
  // without waiting, so that steps run while groups are applied and not yet committed.
  std::atomic<int> outstanding{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < 4000; ++i) {
    const int n = (i * 7919) % (kItems + 500);
    Item key{{"pk", S("p" + std::to_string(n % 37))}, {"sk", N(n)}};
    WriteUnit write;
    if (i % 4 == 0) {
      write = unit(del("t", key));
    } else {
      Item item = key;
      if (i % 4 != 1) item["owner"] = S("w" + std::to_string(i % 13));
      item["rank"] = N(i);
      write = unit(put("t", item, key));
    }
    ++outstanding;
    engine_->submit(std::move(write), [&](WriteResult result) {
      if (!result.status.is_ok()) ++failed;
      --outstanding;
    });
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  while (outstanding.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(failed.load(), 0);
  wait_active("by-owner");
  auto table = engine_->describe_table("t");
  EXPECT_FALSE(table->find_index("by-owner")->backfilling());
  EXPECT_EQ(table->find_index("by-owner")->item_count, expected_entries("by-owner").size());
  EXPECT_EQ(actual_entries("by-owner"), expected_entries("by-owner"));
  // Items the writer deleted before the backfill reached them were never read.
  EXPECT_GE(engine_->metrics().backfilled_items, static_cast<uint64_t>(kItems / 2));
}

TEST_F(IndexTest, ABackfillStoppedByAShutdownResumesWhereItStopped) {
  reopen(/*backfill_step=*/10);
  ASSERT_TRUE(engine_->create_table(range_table("t")).is_ok());
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(
        put_item({{"pk", S("p" + std::to_string(i))}, {"sk", N(i)}, {"owner", S("o")}}).is_ok());
  }
  ASSERT_TRUE(engine_->create_index("t", gsi("by-owner", "owner")).is_ok());
  // One index at a time, even when two requests race past the API's check.
  EXPECT_EQ(engine_->create_index("t", gsi("second", "pk")).status().code(), Code::kThrottled);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  reopen(/*backfill_step=*/10);  // closes mid-backfill (2000 items at 10 per step)
  wait_active("by-owner");
  // This engine read only what the first had not: it resumed from the committed cursor.
  EXPECT_GT(engine_->metrics().backfilled_items, 0u);
  EXPECT_LT(engine_->metrics().backfilled_items, 2000u);
  EXPECT_EQ(actual_entries("by-owner"), expected_entries("by-owner"));
  EXPECT_EQ(engine_->describe_table("t")->find_index("by-owner")->item_count, 2000u);
}

TEST_F(IndexTest, DeletingAnIndexRemovesItsEntriesAndUnusedDefinitions) {
  create_indexed_table();
  ASSERT_TRUE(
      put_item({{"pk", S("a")}, {"sk", N(1)}, {"owner", S("ann")}, {"rank", N(3)}}).is_ok());
  auto deleted = engine_->delete_index("t", "by-owner");
  ASSERT_TRUE(deleted.is_ok());
  EXPECT_EQ(deleted->find_index("by-owner")->status, IndexStatus::kDeleting);
  auto table = engine_->describe_table("t");
  EXPECT_EQ(table->find_index("by-owner"), nullptr);
  EXPECT_EQ(table->attribute_definitions.size(), 3u);  // pk, sk, at
  ScanRequest scan;
  scan.table = "t";
  scan.index = "by-owner";
  EXPECT_EQ(engine_->scan(scan).status().code(), Code::kValidation);
  // The attribute is free again: a Number owner is accepted.
  EXPECT_TRUE(put_item({{"pk", S("a")}, {"sk", N(2)}, {"owner", N(1)}, {"rank", N(3)}}).is_ok());
  EXPECT_EQ(engine_->delete_index("t", "by-owner").status().code(), Code::kNotFound);
  // A re-created index of the same name is filled from the table again.
  ASSERT_TRUE(engine_->create_index("t", gsi("by-owner", "owner", "rank")).is_ok());
  wait_active("by-owner");
  EXPECT_EQ(actual_entries("by-owner").size(), 1u);
  EXPECT_EQ(actual_entries("by-owner"), expected_entries("by-owner"));
}

TEST_F(IndexTest, PagingAnIndexResumesAfterEntriesWithEqualIndexKeys) {
  create_indexed_table();
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(put_item({{"pk", S("p" + std::to_string(i))},
                          {"sk", N(i)},
                          {"owner", S("same")},
                          {"rank", N(i % 2)}})
                    .is_ok());
  }
  QueryRequest query;
  query.table = "t";
  query.index = "by-owner";
  query.partition_value = S("same");
  query.limit = 4;
  query.forward = false;
  std::vector<Item> all;
  for (;;) {
    auto page = engine_->query(query);
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    all.insert(all.end(), page->items.begin(), page->items.end());
    if (!page->last_evaluated_key) break;
    EXPECT_EQ(page->last_evaluated_key->size(), 4u);  // owner, rank, pk, sk
    query.exclusive_start_key = page->last_evaluated_key;
  }
  ASSERT_EQ(all.size(), 25u);
  for (size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i].at("rank"), N(i < 12 ? 1 : 0)) << i;  // backwards: rank 1 first
  query.exclusive_start_key = Item{{"owner", S("same")}, {"rank", N(1)}};
  EXPECT_EQ(engine_->query(query).status().code(), Code::kValidation);
}

TEST_F(IndexTest, AnItemCollectionOfATableWithALocalIndexStopsGrowingAtItsLimit) {
  reopen(1000, /*collection_limit=*/300);
  create_indexed_table();
  auto item = [](const std::string& pk, int sk, size_t body) {
    return Item{{"pk", S(pk)}, {"sk", N(sk)}, {"at", N(sk)}, {"body", S(std::string(body, 'x'))}};
  };
  // Each item: ~100 bytes, plus its by-at entry (keys only, ~10 bytes).
  auto first = engine_->write(unit(put("t", item("a", 1, 80), {{"pk", S("a")}, {"sk", N(1)}})));
  ASSERT_TRUE(first.status.is_ok());
  const uint64_t one = *first.items[0].collection_bytes;
  EXPECT_GT(one, 80u);
  auto second = engine_->write(unit(put("t", item("a", 2, 80), {{"pk", S("a")}, {"sk", N(2)}})));
  ASSERT_TRUE(second.status.is_ok());
  EXPECT_EQ(*second.items[0].collection_bytes, 2 * one);
  auto third = engine_->write(unit(put("t", item("a", 3, 80), {{"pk", S("a")}, {"sk", N(3)}})));
  EXPECT_EQ(third.status.code(), Code::kCollectionFull);
  // Another partition is another collection; shrinking a full one is allowed.
  EXPECT_TRUE(put_item(item("b", 3, 80)).is_ok());
  auto shrink = engine_->write(unit(put("t", item("a", 2, 10), {{"pk", S("a")}, {"sk", N(2)}})));
  ASSERT_TRUE(shrink.status.is_ok());
  EXPECT_LT(*shrink.items[0].collection_bytes, 2 * one);
  // The sizes are durable: after a restart the limit still holds, and deletes give room back.
  reopen(1000, 300);
  EXPECT_EQ(put_item(item("a", 3, 200)).code(), Code::kCollectionFull);
  ASSERT_TRUE(engine_->write(unit(del("t", {{"pk", S("a")}, {"sk", N(1)}}))).status.is_ok());
  auto after = engine_->write(unit(put("t", item("a", 3, 80), {{"pk", S("a")}, {"sk", N(3)}})));
  ASSERT_TRUE(after.status.is_ok()) << after.status.to_string();
  // Two writes of one unit to one collection count together.
  WriteUnit both;
  both.writes.push_back(put("t", item("c", 1, 100), {{"pk", S("c")}, {"sk", N(1)}}));
  both.writes.push_back(put("t", item("c", 2, 100), {{"pk", S("c")}, {"sk", N(2)}}));
  both.writes.push_back(put("t", item("c", 3, 100), {{"pk", S("c")}, {"sk", N(3)}}));
  EXPECT_EQ(engine_->write(std::move(both)).status.code(), Code::kCollectionFull);
  QueryRequest query;
  query.table = "t";
  query.partition_value = S("c");
  EXPECT_TRUE(engine_->query(query)->items.empty());
}

}  // namespace
}  // namespace eddy::storage
