#include "storage/engine.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include <rocksdb/db.h>

#include "storage/binary_io.h"
#include "unit/storage/test_util.h"

namespace eddy::storage {
namespace {

using model::AttributeValue;
using model::Item;
using namespace testing;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen(Durability durability = Durability::kSync) {
    engine_.reset();
    EngineOptions options;
    options.path = dir_.sub("db");
    options.durability = durability;
    options.clock = &clock_;
    options.trim_interval_ms = 0;
    auto opened = Engine::open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    engine_ = std::move(opened).value();
  }

  Item note(const std::string& id, const std::string& content) {
    return Item{{"id", S(id)}, {"content", S(content)}};
  }
  Item key(const std::string& id) { return Item{{"id", S(id)}}; }

  WriteResult put_note(const std::string& table, const std::string& id, const std::string& c) {
    return engine_->write(unit(put(table, note(id, c), key(id))));
  }

  std::vector<StreamRecord> all_records(const std::string& table) {
    auto description = engine_->describe_table(table);
    EXPECT_TRUE(description.is_ok());
    auto stream = engine_->describe_stream(*description->latest_stream_id);
    std::vector<StreamRecord> out;
    for (const auto& shard : stream->shards) {
      auto records = engine_->read_shard(stream->id, shard.index, shard.trim_horizon, 100000);
      EXPECT_TRUE(records.is_ok()) << records.status().to_string();
      out.insert(out.end(), records->records.begin(), records->records.end());
    }
    return out;
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, CatalogCreateDescribeListDelete) {
  auto created = engine_->create_table(hash_table("b"));
  ASSERT_TRUE(created.is_ok());
  EXPECT_EQ(created->name, "b");
  EXPECT_EQ(created->creation_ms, clock_.now_ms());
  ASSERT_TRUE(engine_->create_table(range_table("a")).is_ok());

  auto again = engine_->create_table(hash_table("b"));
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "Table already exists: b");

  EXPECT_EQ(engine_->list_tables(), (std::vector<std::string>{"a", "b"}));
  auto described = engine_->describe_table("a");
  ASSERT_TRUE(described.is_ok());
  ASSERT_TRUE(described->key_schema.sort.has_value());
  EXPECT_EQ(described->key_schema.sort->name, "sk");

  ASSERT_TRUE(engine_->delete_table("a").is_ok());
  EXPECT_EQ(engine_->describe_table("a").status().code(), Code::kNotFound);
  EXPECT_EQ(engine_->delete_table("a").status().code(), Code::kNotFound);
  EXPECT_EQ(engine_->list_tables(), (std::vector<std::string>{"b"}));
}

TEST_F(EngineTest, CatalogAndItemsSurviveReopen) {
  TableSpec spec = hash_table("notes", StreamViewType::kNewImage);
  spec.properties["BillingMode"] = "PAY_PER_REQUEST";
  ASSERT_TRUE(engine_->create_table(spec).is_ok());
  ASSERT_TRUE(put_note("notes", "n1", "hello world").status.is_ok());
  ASSERT_TRUE(put_note("notes", "n2", "x").status.is_ok());
  const uint64_t sequence = engine_->last_sequence();

  reopen();
  auto described = engine_->describe_table("notes");
  ASSERT_TRUE(described.is_ok());
  EXPECT_EQ(described->properties.at("BillingMode"), "PAY_PER_REQUEST");
  EXPECT_TRUE(described->stream.enabled);
  EXPECT_EQ(described->stream.view_type, StreamViewType::kNewImage);
  EXPECT_EQ(described->item_count, 2u);
  EXPECT_EQ(engine_->last_sequence(), sequence);
  auto got = engine_->get_item("notes", key("n1"));
  ASSERT_TRUE(got.is_ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, note("n1", "hello world"));
  EXPECT_EQ(all_records("notes").size(), 2u);

  // New records continue the sequence after a restart.
  ASSERT_TRUE(put_note("notes", "n3", "y").status.is_ok());
  EXPECT_EQ(engine_->last_sequence(), sequence + 1);
}

TEST_F(EngineTest, PropertiesAreReplacedAndSurviveReopen) {
  TableSpec spec = hash_table("t");
  spec.properties = {{"BillingMode", "PROVISIONED"}, {"Tags", "a"}};
  ASSERT_TRUE(engine_->create_table(spec).is_ok());
  auto updated = engine_->update_properties("t", {{"BillingMode", "PAY_PER_REQUEST"}});
  ASSERT_TRUE(updated.is_ok());
  EXPECT_EQ(updated->properties,
            (std::map<std::string, std::string>{{"BillingMode", "PAY_PER_REQUEST"}}));
  EXPECT_EQ(engine_->update_properties("nope", {}).status().code(), Code::kNotFound);
  reopen();
  EXPECT_EQ(engine_->describe_table("t")->properties,
            (std::map<std::string, std::string>{{"BillingMode", "PAY_PER_REQUEST"}}));
}

TEST_F(EngineTest, DeletedTableNameCanBeReusedWithoutOldRows) {
  ASSERT_TRUE(engine_->create_table(hash_table("t")).is_ok());
  ASSERT_TRUE(put_note("t", "a", "old").status.is_ok());
  ASSERT_TRUE(engine_->delete_table("t").is_ok());
  ASSERT_TRUE(engine_->create_table(hash_table("t")).is_ok());
  auto got = engine_->get_item("t", key("a"));
  ASSERT_TRUE(got.is_ok());
  EXPECT_FALSE(got->has_value());
  auto page = engine_->scan({.table = "t"});
  ASSERT_TRUE(page.is_ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(engine_->describe_table("t")->item_count, 0u);
}

TEST_F(EngineTest, PutGetDeleteAndStats) {
  ASSERT_TRUE(engine_->create_table(hash_table("t")).is_ok());
  auto r = put_note("t", "a", "hello");
  ASSERT_TRUE(r.status.is_ok());
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].old_item, nullptr);
  EXPECT_TRUE(r.items[0].changed);
  auto d = engine_->describe_table("t");
  EXPECT_EQ(d->item_count, 1u);
  EXPECT_EQ(d->size_bytes, model::item_size(note("a", "hello")));

  r = put_note("t", "a", "bye");
  EXPECT_EQ(*r.items[0].old_item, note("a", "hello"));
  EXPECT_EQ(engine_->describe_table("t")->size_bytes, model::item_size(note("a", "bye")));

  r = engine_->write(unit(del("t", key("a"))));
  ASSERT_TRUE(r.status.is_ok());
  EXPECT_EQ(*r.items[0].old_item, note("a", "bye"));
  EXPECT_FALSE(engine_->get_item("t", key("a"))->has_value());
  EXPECT_EQ(engine_->describe_table("t")->item_count, 0u);
  EXPECT_EQ(engine_->describe_table("t")->size_bytes, 0u);
}

TEST_F(EngineTest, WritesValidateKeysAndTables) {
  ASSERT_TRUE(engine_->create_table(hash_table("t")).is_ok());
  auto r = engine_->write(unit(put("missing", note("a", "x"), key("a"))));
  EXPECT_EQ(r.status.code(), Code::kNotFound);
  EXPECT_EQ(r.status.message(), "Requested resource not found");

  r = engine_->write(unit(put("t", Item{{"id", N(1)}}, Item{{"id", N(1)}})));
  EXPECT_EQ(r.status.code(), Code::kValidation);

  // The item's key must be the write's key.
  r = engine_->write(unit(put("t", note("b", "x"), key("a"))));
  EXPECT_EQ(r.status.code(), Code::kValidation);

  // Too large: one attribute of 400 KB.
  Item big = note("a", std::string(400 * 1024, 'x'));
  r = engine_->write(unit(put("t", big, key("a"))));
  EXPECT_EQ(r.status.code(), Code::kValidation);
  EXPECT_FALSE(engine_->get_item("t", key("a"))->has_value());
}

TEST_F(EngineTest, UpdateAppliesToCurrentItemAndChecksCondition) {
  ASSERT_TRUE(engine_->create_table(hash_table("t")).is_ok());
  auto increment = [](const Item* current) -> Result<std::optional<Item>> {
    Item next = current ? *current : Item{{"id", S("c")}};
    int64_t n = 0;
    if (auto it = next.find("n"); it != next.end()) {
      n = std::stoll(it->second.as<model::Number>().to_string());
    }
    next["n"] = N(n + 1);
    return std::optional<Item>(next);
  };
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(engine_->write(unit(update("t", key("c"), increment))).status.is_ok());
  }
  EXPECT_EQ((**engine_->get_item("t", key("c"))).at("n"), N(5));

  ItemWrite conditional = update("t", key("c"), increment);
  conditional.condition = [](const Item* current) {
    if (current && current->at("n") == N(5)) return Status::condition_failed("n is 5");
    return Status::ok();
  };
  auto r = engine_->write(unit(conditional));
  EXPECT_EQ(r.status.code(), Code::kConditionFailed);
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].old_item->at("n"), N(5));  // for ReturnValuesOnConditionCheckFailure
  EXPECT_EQ((**engine_->get_item("t", key("c"))).at("n"), N(5));

  // An update function's error fails the write and changes nothing.
  auto r2 = engine_->write(unit(update("t", key("c"), [](const Item*) {
    return Result<std::optional<Item>>(Status::validation("type mismatch"));
  })));
  EXPECT_EQ(r2.status, Status::validation("type mismatch"));
}

TEST_F(EngineTest, MultiItemUnitIsAllOrNothing) {
  ASSERT_TRUE(engine_->create_table(hash_table("a", StreamViewType::kNewAndOldImages)).is_ok());
  ASSERT_TRUE(engine_->create_table(hash_table("b", StreamViewType::kNewAndOldImages)).is_ok());
  ASSERT_TRUE(put_note("b", "exists", "v").status.is_ok());

  WriteUnit u;
  u.writes.push_back(put("a", note("x", "1"), key("x")));
  ItemWrite must_be_absent = put("b", note("exists", "v2"), key("exists"));
  must_be_absent.condition = [](const Item* current) {
    return current ? Status::condition_failed("The conditional request failed") : Status::ok();
  };
  u.writes.push_back(must_be_absent);
  u.writes.push_back(ItemWrite{"b", key("y"), Check{}, {}, false});
  auto r = engine_->write(u);
  EXPECT_EQ(r.status.code(), Code::kConditionFailed);
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_TRUE(r.items[0].status.is_ok());
  EXPECT_EQ(r.items[1].status.code(), Code::kConditionFailed);
  EXPECT_TRUE(r.items[2].status.is_ok());
  EXPECT_FALSE(engine_->get_item("a", key("x"))->has_value());
  EXPECT_EQ(all_records("a").size(), 0u);
  EXPECT_EQ(all_records("b").size(), 1u);

  // Without the failing condition the unit commits across both tables.
  u.writes[1].condition = nullptr;
  r = engine_->write(u);
  ASSERT_TRUE(r.status.is_ok()) << r.status.to_string();
  EXPECT_TRUE(engine_->get_item("a", key("x"))->has_value());
  EXPECT_EQ(all_records("a").size(), 1u);
  EXPECT_EQ(all_records("b").size(), 2u);
}

TEST_F(EngineTest, StreamRecordsFollowTheViewTypeMatrix) {
  struct Expect {
    StreamViewType view;
    bool insert_new, modify_old, modify_new, remove_old;
  };
  const Expect cases[] = {
      {StreamViewType::kKeysOnly, false, false, false, false},
      {StreamViewType::kNewImage, true, false, true, false},
      {StreamViewType::kOldImage, false, true, false, true},
      {StreamViewType::kNewAndOldImages, true, true, true, true},
  };
  for (const auto& c : cases) {
    const std::string table = std::string("t_") + stream_view_type_name(c.view);
    ASSERT_TRUE(engine_->create_table(hash_table(table, c.view)).is_ok());
    ASSERT_TRUE(put_note(table, "k", "one").status.is_ok());
    ASSERT_TRUE(put_note(table, "k", "two").status.is_ok());
    ASSERT_TRUE(engine_->write(unit(del(table, key("k")))).status.is_ok());
    auto records = all_records(table);
    ASSERT_EQ(records.size(), 3u) << table;
    EXPECT_EQ(records[0].event, EventName::kInsert);
    EXPECT_EQ(records[1].event, EventName::kModify);
    EXPECT_EQ(records[2].event, EventName::kRemove);
    for (const auto& r : records) {
      EXPECT_EQ(r.keys, key("k"));
      EXPECT_EQ(r.event_id.size(), 32u);
      EXPECT_EQ(r.creation_ms, clock_.now_ms());
      EXPECT_GT(r.size_bytes, 0u);
    }
    EXPECT_FALSE(records[0].old_image.has_value());
    EXPECT_EQ(records[0].new_image.has_value(), c.insert_new) << table;
    if (c.insert_new) {
      EXPECT_EQ(*records[0].new_image, note("k", "one"));
    }
    EXPECT_EQ(records[1].old_image.has_value(), c.modify_old) << table;
    if (c.modify_old) {
      EXPECT_EQ(*records[1].old_image, note("k", "one"));
    }
    EXPECT_EQ(records[1].new_image.has_value(), c.modify_new) << table;
    if (c.modify_new) {
      EXPECT_EQ(*records[1].new_image, note("k", "two"));
    }
    EXPECT_EQ(records[2].old_image.has_value(), c.remove_old) << table;
    EXPECT_FALSE(records[2].new_image.has_value());
  }
}

TEST_F(EngineTest, NoRecordForWritesThatChangeNothing) {
  ASSERT_TRUE(engine_->create_table(hash_table("t", StreamViewType::kNewAndOldImages)).is_ok());
  Item item{{"id", S("k")},
            {"m", model::Map{{"a", N(1)}, {"b", S("x")}}},
            {"tags", AttributeValue::string_set({"x", "y"})}};
  ASSERT_TRUE(engine_->write(unit(put("t", item, key("k")))).status.is_ok());
  ASSERT_EQ(all_records("t").size(), 1u);
  const uint64_t sequence = engine_->last_sequence();

  // The same item again, with its set in another order: semantically unchanged.
  Item same = item;
  same["tags"] = AttributeValue::string_set({"y", "x"});
  auto r = engine_->write(unit(put("t", same, key("k"))));
  ASSERT_TRUE(r.status.is_ok());
  EXPECT_FALSE(r.items[0].changed);
  // An update that computes the same item.
  r = engine_->write(unit(update("t", key("k"), [](const Item* current) {
    return Result<std::optional<Item>>(current ? std::optional<Item>(*current) : std::nullopt);
  })));
  ASSERT_TRUE(r.status.is_ok());
  EXPECT_FALSE(r.items[0].changed);
  // An update of a missing item that leaves it missing (UpdateItem REMOVE on no item).
  r = engine_->write(unit(update("t", key("nope"), [](const Item* current) {
    return Result<std::optional<Item>>(current ? std::optional<Item>(*current) : std::nullopt);
  })));
  ASSERT_TRUE(r.status.is_ok());
  EXPECT_FALSE(r.items[0].changed);
  // A delete of a missing item.
  r = engine_->write(unit(del("t", key("nope"))));
  ASSERT_TRUE(r.status.is_ok());
  EXPECT_FALSE(r.items[0].changed);
  // A failed condition.
  ItemWrite conditional = put("t", note("k", "new"), key("k"));
  conditional.condition = [](const Item*) {
    return Status::condition_failed("The conditional request failed");
  };
  EXPECT_EQ(engine_->write(unit(conditional)).status.code(), Code::kConditionFailed);

  EXPECT_EQ(all_records("t").size(), 1u);
  EXPECT_EQ(engine_->last_sequence(), sequence);
}

TEST_F(EngineTest, SequenceNumbersIncreaseAndItemsKeepTheirShard) {
  EngineOptions options;
  options.path = dir_.sub("sharded");
  options.clock = &clock_;
  options.stream_shards = 4;
  options.trim_interval_ms = 0;
  auto engine = std::move(Engine::open(options)).value();
  ASSERT_TRUE(engine->create_table(hash_table("t", StreamViewType::kKeysOnly)).is_ok());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      std::string id = "item" + std::to_string(i);
      auto r = engine->write(
          unit(put("t", Item{{"id", S(id)}, {"round", N(round)}}, Item{{"id", S(id)}})));
      ASSERT_TRUE(r.status.is_ok());
    }
  }
  auto stream =
      std::move(engine->describe_stream(*engine->describe_table("t")->latest_stream_id)).value();
  ASSERT_EQ(stream.shards.size(), 4u);
  std::set<std::string> shard_ids;
  std::map<std::string, uint32_t> shard_of_item;
  size_t total = 0;
  for (const auto& shard : stream.shards) {
    EXPECT_TRUE(shard.shard_id.starts_with("shardId-"));
    EXPECT_EQ(shard.shard_id.size(), 37u);
    shard_ids.insert(shard.shard_id);
    auto records = std::move(engine->read_shard(stream.id, shard.index, 0, 1000)).value().records;
    total += records.size();
    for (size_t i = 1; i < records.size(); ++i) {
      EXPECT_LT(records[i - 1].sequence, records[i].sequence);
    }
    for (const auto& r : records) {
      auto [it, inserted] = shard_of_item.emplace(r.keys.at("id").as<std::string>(), shard.index);
      EXPECT_EQ(it->second, shard.index) << "an item's records must stay in one shard";
    }
    // Reading from a position returns records at or after it.
    if (records.size() > 2) {
      auto tail = std::move(engine->read_shard(stream.id, shard.index, records[2].sequence, 1000))
                      .value()
                      .records;
      ASSERT_EQ(tail.size(), records.size() - 2);
      EXPECT_EQ(tail[0].sequence, records[2].sequence);
      auto limited = std::move(engine->read_shard(stream.id, shard.index, 0, 2)).value().records;
      EXPECT_EQ(limited.size(), 2u);
    }
  }
  EXPECT_EQ(shard_ids.size(), 4u);
  EXPECT_EQ(total, 150u);
  EXPECT_EQ(shard_of_item.size(), 50u);
  EXPECT_EQ(engine->read_shard(stream.id, 9, 0, 10).status().code(), Code::kNotFound);
  EXPECT_EQ(engine->read_shard(999, 0, 0, 10).status().code(), Code::kNotFound);
}

TEST_F(EngineTest, RetentionTrimsOldRecordsWithAFakeClock) {
  ASSERT_TRUE(engine_->create_table(hash_table("t", StreamViewType::kKeysOnly)).is_ok());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(put_note("t", "old" + std::to_string(i), "x").status.is_ok());
  clock_.advance_ms(12LL * 3600 * 1000);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(put_note("t", "new" + std::to_string(i), "x").status.is_ok());

  // Nothing is older than 24 h yet.
  EXPECT_EQ(*engine_->trim_streams(), 0u);
  EXPECT_EQ(all_records("t").size(), 15u);

  clock_.advance_ms(12LL * 3600 * 1000 + 1);  // the first ten are now past retention
  EXPECT_EQ(*engine_->trim_streams(), 10u);
  auto records = all_records("t");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_TRUE(records[0].keys.at("id").as<std::string>().starts_with("new"));

  // Reading below the trim horizon is an error; the horizon survives a restart.
  auto stream_id = *engine_->describe_table("t")->latest_stream_id;
  EXPECT_EQ(engine_->read_shard(stream_id, 0, 0, 10).status().code(), Code::kTrimmed);
  reopen();
  EXPECT_EQ(engine_->read_shard(stream_id, 0, 0, 10).status().code(), Code::kTrimmed);
  auto from_horizon = engine_->describe_stream(stream_id)->shards[0].trim_horizon;
  EXPECT_EQ(engine_->read_shard(stream_id, 0, from_horizon, 10)->records.size(), 5u);
  EXPECT_EQ(*engine_->trim_streams(), 0u);
}

TEST_F(EngineTest, StreamDisableEnableMakesANewStream) {
  ASSERT_TRUE(engine_->create_table(hash_table("t", StreamViewType::kNewImage)).is_ok());
  const uint32_t first = *engine_->describe_table("t")->latest_stream_id;
  ASSERT_TRUE(put_note("t", "a", "1").status.is_ok());
  EXPECT_EQ(engine_->update_stream("t", {true, StreamViewType::kKeysOnly}).status().code(),
            Code::kValidation);
  auto disabled = engine_->update_stream("t", {false, StreamViewType::kNewImage});
  ASSERT_TRUE(disabled.is_ok());
  EXPECT_FALSE(disabled->stream.enabled);
  EXPECT_EQ(engine_->update_stream("t", {false, StreamViewType::kNewImage}).status().code(),
            Code::kValidation);
  ASSERT_TRUE(put_note("t", "b", "no stream now").status.is_ok());
  auto enabled = engine_->update_stream("t", {true, StreamViewType::kKeysOnly});
  ASSERT_TRUE(enabled.is_ok());
  ASSERT_NE(*enabled->latest_stream_id, first);
  ASSERT_TRUE(put_note("t", "c", "3").status.is_ok());

  auto old_stream = std::move(engine_->describe_stream(first)).value();
  auto new_stream = std::move(engine_->describe_stream(*enabled->latest_stream_id)).value();
  EXPECT_EQ(old_stream.status, StreamStatus::kDisabled);
  EXPECT_TRUE(old_stream.shards[0].closed());
  EXPECT_NE(old_stream.label, new_stream.label);
  EXPECT_EQ(engine_->read_shard(first, 0, 0, 10)->records.size(), 1u);  // still readable
  auto records = std::move(engine_->read_shard(new_stream.id, 0, 0, 10)).value().records;
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].keys, key("c"));
  EXPECT_EQ(engine_->list_streams().size(), 2u);

  // Deleting the table disables its stream, which stays listed.
  ASSERT_TRUE(engine_->delete_table("t").is_ok());
  EXPECT_EQ(engine_->describe_stream(new_stream.id)->status, StreamStatus::kDisabled);
}

TEST_F(EngineTest, QuerySortKeyConditionsInBothDirections) {
  ASSERT_TRUE(engine_->create_table(range_table("r")).is_ok());
  for (int sk = -5; sk <= 5; ++sk) {
    for (std::string pk : {"p", "q"}) {
      Item item{{"pk", S(pk)}, {"sk", N(sk)}, {"v", S(pk + std::to_string(sk))}};
      ASSERT_TRUE(
          engine_->write(unit(put("r", item, Item{{"pk", S(pk)}, {"sk", N(sk)}}))).status.is_ok());
    }
  }
  auto sort_keys = [](const Page& page) {
    std::vector<std::string> out;
    for (const auto& item : page.items)
      out.push_back(item.at("sk").as<model::Number>().to_string());
    return out;
  };
  using Op = SortKeyCondition::Op;
  auto run = [&](std::optional<SortKeyCondition> condition, bool forward = true) {
    QueryRequest q;
    q.table = "r";
    q.partition_value = S("p");
    q.sort_condition = std::move(condition);
    q.forward = forward;
    auto page = engine_->query(q);
    EXPECT_TRUE(page.is_ok()) << page.status().to_string();
    return sort_keys(*page);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(run(std::nullopt), (V{"-5", "-4", "-3", "-2", "-1", "0", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(run(std::nullopt, false),
            (V{"5", "4", "3", "2", "1", "0", "-1", "-2", "-3", "-4", "-5"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kEq, N(0), {}}), (V{"0"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kLt, N(-3), {}}), (V{"-5", "-4"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kLe, N(-3), {}}), (V{"-5", "-4", "-3"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kGt, N(3), {}}), (V{"4", "5"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kGe, N(3), {}}), (V{"3", "4", "5"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kBetween, N(-1), N(2)}), (V{"-1", "0", "1", "2"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kBetween, N(-1), N(2)}, false), (V{"2", "1", "0", "-1"}));
  EXPECT_EQ(run(SortKeyCondition{Op::kGe, N(6), {}}), V{});

  // Wrong key type and begins_with on a number are validation errors.
  QueryRequest bad{.table = "r", .partition_value = N(1)};
  EXPECT_EQ(engine_->query(bad).status().code(), Code::kValidation);
  bad = QueryRequest{.table = "r",
                     .partition_value = S("p"),
                     .sort_condition = SortKeyCondition{Op::kBeginsWith, N(1), {}}};
  EXPECT_EQ(engine_->query(bad).status().code(), Code::kValidation);
}

TEST_F(EngineTest, QueryBeginsWithOnStringSortKeys) {
  TableSpec spec = range_table("s");
  spec.key_schema.sort->type = model::KeyType::S;
  ASSERT_TRUE(engine_->create_table(spec).is_ok());
  for (const std::string& sk :
       std::vector<std::string>{"a", "ab", "abc", "abd", "b", std::string("ab\0z", 4), "ac"}) {
    Item k{{"pk", S("p")}, {"sk", S(sk)}};
    ASSERT_TRUE(engine_->write(unit(put("s", k, k))).status.is_ok());
  }
  QueryRequest q{
      .table = "s",
      .partition_value = S("p"),
      .sort_condition = SortKeyCondition{SortKeyCondition::Op::kBeginsWith, S("ab"), {}}};
  auto page = std::move(engine_->query(q)).value();
  std::vector<std::string> got;
  for (const auto& item : page.items)
    got.push_back(item.at("sk").as<std::string>());
  EXPECT_EQ(got, (std::vector<std::string>{"ab", std::string("ab\0z", 4), "abc", "abd"}));
}

TEST_F(EngineTest, QueryAndScanPagingVisitEveryItemOnce) {
  ASSERT_TRUE(engine_->create_table(range_table("r")).is_ok());
  for (int i = 0; i < 57; ++i) {
    Item k{{"pk", S("p")}, {"sk", N(i)}};
    Item item = k;
    item["pad"] = S(std::string(100, 'x'));
    ASSERT_TRUE(engine_->write(unit(put("r", item, k))).status.is_ok());
    Item other{{"pk", S("other" + std::to_string(i))}, {"sk", N(0)}};
    ASSERT_TRUE(engine_->write(unit(put("r", other, other))).status.is_ok());
  }
  for (bool forward : {true, false}) {
    std::vector<int64_t> seen;
    QueryRequest q{.table = "r", .partition_value = S("p"), .forward = forward, .limit = 10};
    for (int pages = 0;; ++pages) {
      ASSERT_LT(pages, 20);
      auto page = std::move(engine_->query(q)).value();
      for (const auto& item : page.items) {
        seen.push_back(std::stoll(item.at("sk").as<model::Number>().to_string()));
      }
      if (!page.last_evaluated_key) break;
      EXPECT_EQ(page.items.size(), 10u);
      EXPECT_EQ(*page.last_evaluated_key,
                model::extract_key(page.items.back(), range_table("r").key_schema));
      q.exclusive_start_key = page.last_evaluated_key;
    }
    ASSERT_EQ(seen.size(), 57u);
    for (int i = 0; i < 57; ++i)
      EXPECT_EQ(seen[i], forward ? i : 56 - i);
  }

  // max_bytes stops a page once that much has been read.
  QueryRequest q{.table = "r", .partition_value = S("p"), .max_bytes = 1000};
  auto page = std::move(engine_->query(q)).value();
  EXPECT_GT(page.items.size(), 1u);
  EXPECT_LT(page.items.size(), 57u);
  EXPECT_GE(page.bytes_read, 1000u);
  EXPECT_TRUE(page.last_evaluated_key.has_value());

  // Scan: paged, and four segments partition the table.
  std::multiset<std::string> all;
  for (uint32_t segment = 0; segment < 4; ++segment) {
    ScanRequest s{.table = "r", .limit = 7, .segment = segment, .total_segments = 4};
    for (int pages = 0;; ++pages) {
      ASSERT_LT(pages, 100);
      auto scanned = std::move(engine_->scan(s)).value();
      for (const auto& item : scanned.items) {
        all.insert(item.at("pk").as<std::string>() + "/" +
                   item.at("sk").as<model::Number>().to_string());
      }
      if (!scanned.last_evaluated_key) break;
      s.exclusive_start_key = scanned.last_evaluated_key;
    }
  }
  EXPECT_EQ(all.size(), 114u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 114u);
  EXPECT_EQ(engine_->scan({.table = "r", .segment = 4, .total_segments = 4}).status().code(),
            Code::kValidation);
}

TEST_F(EngineTest, ConcurrentWritersAreGroupCommittedAndNothingIsLost) {
  ASSERT_TRUE(engine_->create_table(hash_table("t", StreamViewType::kNewImage)).is_ok());
  constexpr int kThreads = 16, kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Everyone also increments one shared counter: conditions see the latest state.
        auto r = engine_->write(unit(
            update("t", key("counter"), [](const Item* current) -> Result<std::optional<Item>> {
              Item next = current ? *current : Item{{"id", S("counter")}, {"n", N(0)}};
              auto n = next.at("n").as<model::Number>().add(model::Number::from_int64(1));
              if (!n) return n.status();
              next["n"] = AttributeValue(*n);
              return std::optional<Item>(next);
            })));
        ASSERT_TRUE(r.status.is_ok());
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(put_note("t", id, "x").status.is_ok());
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ((**engine_->get_item("t", key("counter"))).at("n"), N(kThreads * kPerThread));
  EXPECT_EQ(engine_->describe_table("t")->item_count, kThreads * kPerThread + 1u);
  EXPECT_EQ(all_records("t").size(), 2u * kThreads * kPerThread);
}

TEST_F(EngineTest, CommitListenersHearAboutNewRecords) {
  ASSERT_TRUE(engine_->create_table(hash_table("t", StreamViewType::kKeysOnly)).is_ok());
  std::atomic<uint64_t> heard{0};
  engine_->add_commit_listener([&](uint32_t, uint32_t, uint64_t sequence) { heard = sequence; });
  ASSERT_TRUE(put_note("t", "a", "x").status.is_ok());
  EXPECT_EQ(heard.load(), engine_->last_sequence());
  EXPECT_GT(heard.load(), 0u);
}

TEST(EngineModes, InMemoryAndAsyncWork) {
  TempDir dir;
  for (auto durability : {Durability::kInMemory, Durability::kAsync}) {
    EngineOptions options;
    options.path = dir.sub("async");
    options.durability = durability;
    options.trim_interval_ms = 0;
    auto engine = std::move(Engine::open(options)).value();
    ASSERT_TRUE(engine->create_table(hash_table("t")).is_ok());
    Item item{{"id", S("a")}};
    ASSERT_TRUE(engine->write(unit(put("t", item, item))).status.is_ok());
    EXPECT_TRUE(engine->get_item("t", item)->has_value());
  }
  // The in-memory engine wrote no files; the async one did.
  EXPECT_TRUE(std::filesystem::exists(dir.sub("async")));
  EXPECT_FALSE(std::filesystem::exists("/eddy-in-memory"));
}

TEST(EngineOpen, RefusesADirectoryThatIsNotAnEddyDatabase) {
  TempDir dir;
  { std::ofstream(dir.sub("notes.txt")) << "my notes"; }
  EngineOptions options;
  options.path = dir.path();
  auto opened = Engine::open(options);
  EXPECT_EQ(opened.status().code(), Code::kCorruption);
  EXPECT_NE(opened.status().message().find("not an Eddy database"), std::string::npos);
}

// A directory written before secondary indexes (storage format 1: no `indexes` column family)
// opens, keeps its data, and is marked format 2; a format from a later build is refused.
TEST(EngineOpen, UpgradesAFormat1DirectoryAndRefusesALaterFormat) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  options.trim_interval_ms = 0;
  Item item{{"id", S("a")}};
  {
    auto engine = std::move(Engine::open(options)).value();
    ASSERT_TRUE(engine->create_table(hash_table("t")).is_ok());
    ASSERT_TRUE(engine->write(unit(put("t", item, item))).status.is_ok());
  }
  auto set_format = [&](uint32_t format, bool drop_indexes) {
    rocksdb::DBOptions db_options;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "items", "indexes", "streams", "meta"})
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(db_options, dir.path(), families, &handles, &db).ok());
    std::string value;
    put_u32_be(value, format);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[4], "format", value).ok());
    if (drop_indexes) ASSERT_TRUE(db->DropColumnFamily(handles[2]).ok());
    for (auto* handle : handles)
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    delete db;
  };
  set_format(1, /*drop_indexes=*/true);
  {
    auto opened = Engine::open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    EXPECT_TRUE((*opened)->get_item("t", item)->has_value());
  }
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &families).ok());
  EXPECT_NE(std::find(families.begin(), families.end(), "indexes"), families.end());

  set_format(3, /*drop_indexes=*/false);
  auto opened = Engine::open(options);
  EXPECT_EQ(opened.status().code(), Code::kCorruption);
  EXPECT_EQ(opened.status().message(),
            "data directory has storage format 3; this build reads formats 1 to 2");
}

TEST(EngineShutdown, SubmitAfterCloseBeginsFailsCleanly) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  options.trim_interval_ms = 0;
  auto engine = std::move(Engine::open(options)).value();
  ASSERT_TRUE(engine->create_table(hash_table("t")).is_ok());
  // Units submitted before destruction all complete.
  std::atomic<int> done{0};
  for (int i = 0; i < 100; ++i) {
    Item item{{"id", S(std::to_string(i))}};
    engine->submit(unit(put("t", item, item)), [&](WriteResult r) {
      EXPECT_TRUE(r.status.is_ok());
      ++done;
    });
  }
  engine.reset();
  EXPECT_EQ(done.load(), 100);
}

}  // namespace
}  // namespace eddy::storage
