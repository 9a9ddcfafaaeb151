// Round trips and corruption handling of every persisted format.
#include <gtest/gtest.h>

#include "storage/catalog_format.h"
#include "storage/item_format.h"
#include "storage/stream_ids.h"
#include "storage/stream_record_format.h"
#include "unit/storage/test_util.h"

namespace eddy::storage {
namespace {

using model::AttributeValue;
using model::Item;
using namespace testing;

Item every_type() {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i)
    all_bytes.push_back(static_cast<char>(i));
  return Item{
      {"s", S("text ü")},
      {"n", AttributeValue(*model::Number::parse("-123.456e-7"))},
      {"b", AttributeValue::binary(all_bytes)},
      {"t", AttributeValue(true)},
      {"f", AttributeValue(false)},
      {"null", AttributeValue(model::Null{})},
      {"m", model::Map{{"inner", model::List{N(1), S("two"), model::Map{{"deep", N(3)}}}}}},
      {"l", model::List{}},
      {"empty_map", model::Map{}},
      {"ss", AttributeValue::string_set({"b", "a"})},
      {"ns",
       AttributeValue::number_set({model::Number::from_int64(10), model::Number::from_int64(-1)})},
      {"bs", AttributeValue::binary_set({std::string("\0\1", 2), "zz"})},
      {"", S("empty name is fine at this layer")},
  };
}

TEST(ItemFormat, RoundTripsEveryType) {
  Item item = every_type();
  auto decoded = deserialize_item(serialize_item(item));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, item);
  EXPECT_EQ(*deserialize_item(serialize_item(Item{})), Item{});
}

TEST(ItemFormat, EveryTruncationIsCorruptionNotACrash) {
  std::string bytes = serialize_item(every_type());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = deserialize_item(std::string_view(bytes).substr(0, n));
    EXPECT_EQ(decoded.status().code(), Code::kCorruption) << "length " << n;
  }
  EXPECT_EQ(deserialize_item(bytes + "x").status().code(), Code::kCorruption);
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_EQ(deserialize_item(wrong_version).status().code(), Code::kCorruption);
}

TEST(ItemFormat, FlippedBytesNeverCrash) {
  std::string bytes = serialize_item(every_type());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(copy[i] ^ (1 << bit));
      (void)deserialize_item(copy);  // any result, but no crash and no sanitizer report
    }
  }
}

TEST(StreamRecordFormat, RoundTrips) {
  StreamRecord record;
  record.event = EventName::kModify;
  record.creation_ms = 1'700'000'000'123;
  record.event_id = "0123456789abcdef0123456789abcdef";
  record.keys = Item{{"id", S("k")}};
  record.old_image = Item{{"id", S("k")}, {"v", N(1)}};
  record.new_image = every_type();
  record.ttl_delete = true;
  record.size_bytes = 77;
  std::string bytes = serialize_stream_record(record);
  auto decoded = deserialize_stream_record(bytes);
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(decoded->event, record.event);
  EXPECT_EQ(decoded->creation_ms, record.creation_ms);
  EXPECT_EQ(decoded->event_id, record.event_id);
  EXPECT_EQ(decoded->keys, record.keys);
  EXPECT_EQ(decoded->old_image, record.old_image);
  EXPECT_EQ(decoded->new_image, record.new_image);
  EXPECT_TRUE(decoded->ttl_delete);
  EXPECT_EQ(decoded->size_bytes, 77u);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(deserialize_stream_record(std::string_view(bytes).substr(0, n)).is_ok());
  }
}

TEST(CatalogFormat, RoundTrips) {
  TableDescription table;
  table.name = "orders";
  table.id = 42;
  table.key_schema.partition = {"id", model::KeyType::S};
  table.key_schema.sort = model::KeyAttribute{"at", model::KeyType::N};
  table.attribute_definitions = {{"id", model::KeyType::S}, {"at", model::KeyType::N}};
  table.stream = {true, StreamViewType::kOldImage};
  table.latest_stream_id = 43;
  table.creation_ms = 1'700'000'000'000;
  table.properties = {{"BillingMode", "PROVISIONED"}, {"Tags", "[]"}};
  auto t = deserialize_table(serialize_table(table));
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->name, table.name);
  EXPECT_EQ(t->id, table.id);
  EXPECT_EQ(t->key_schema, table.key_schema);
  EXPECT_EQ(t->attribute_definitions, table.attribute_definitions);
  EXPECT_EQ(t->stream, table.stream);
  EXPECT_EQ(t->latest_stream_id, table.latest_stream_id);
  EXPECT_EQ(t->creation_ms, table.creation_ms);
  EXPECT_EQ(t->properties, table.properties);

  StreamInfo stream;
  stream.id = 43;
  stream.table_name = "orders";
  stream.table_id = 42;
  stream.label = make_stream_label(table.creation_ms);
  stream.view_type = StreamViewType::kOldImage;
  stream.status = StreamStatus::kDisabled;
  stream.key_schema = table.key_schema;
  stream.creation_ms = table.creation_ms;
  ShardInfo parent{0, make_shard_id(1, 2), std::nullopt, 5, 9, 7};
  ShardInfo child{1, make_shard_id(3, 4), parent.shard_id, 10, std::nullopt, 0};
  stream.shards = {parent, child};
  auto s = deserialize_stream(serialize_stream(stream));
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->label, stream.label);
  EXPECT_EQ(s->status, StreamStatus::kDisabled);
  ASSERT_EQ(s->shards.size(), 2u);
  EXPECT_EQ(s->shards[0].ending_sequence, 9u);
  EXPECT_EQ(s->shards[0].trim_horizon, 7u);
  EXPECT_EQ(s->shards[1].parent_shard_id, parent.shard_id);
  EXPECT_FALSE(s->shards[1].closed());

  std::string bytes = serialize_table(table);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(deserialize_table(std::string_view(bytes).substr(0, n)).is_ok());
  }
  auto stats = deserialize_stats(serialize_stats({12, 3456}));
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(stats->item_count, 12u);
  EXPECT_EQ(stats->size_bytes, 3456u);
}

TEST(CatalogFormat, IndexesRoundTripAndOlderVersionsStillRead) {
  TableDescription table;
  table.name = "orders";
  table.id = 42;
  table.key_schema.partition = {"id", model::KeyType::S};
  table.key_schema.sort = model::KeyAttribute{"at", model::KeyType::N};
  table.creation_ms = 5;
  const std::string version1 = serialize_table(table).substr(0, serialize_table(table).size() - 1);

  IndexDescription gsi;
  gsi.name = "by-owner";
  gsi.id = 44;
  gsi.kind = IndexKind::kGlobal;
  gsi.key_schema.partition = {"owner", model::KeyType::B};
  gsi.projection = ProjectionType::kInclude;
  gsi.non_key_attributes = {"title", "tags"};
  gsi.status = IndexStatus::kCreating;
  gsi.properties = {{"read_capacity", "5"}};
  IndexDescription lsi;
  lsi.name = "by-at";
  lsi.id = 45;
  lsi.kind = IndexKind::kLocal;
  lsi.key_schema.partition = {"id", model::KeyType::S};
  lsi.key_schema.sort = model::KeyAttribute{"at2", model::KeyType::N};
  lsi.projection = ProjectionType::kKeysOnly;
  table.indexes = {gsi, lsi};
  const std::string bytes = serialize_table(table);
  EXPECT_EQ(bytes[0], 3);
  auto t = deserialize_table(bytes);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  ASSERT_EQ(t->indexes.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(static_cast<const IndexSpec&>(t->indexes[i]),
              static_cast<const IndexSpec&>(table.indexes[i]));
    EXPECT_EQ(t->indexes[i].id, table.indexes[i].id);
    EXPECT_EQ(t->indexes[i].status, table.indexes[i].status);
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(deserialize_table(std::string_view(bytes).substr(0, n)).is_ok()) << n;
  }

  // A record written before indexes existed: version 1, no index list.
  std::string old = version1;
  old[0] = 1;
  auto v1 = deserialize_table(old);
  ASSERT_TRUE(v1.is_ok()) << v1.status().to_string();
  EXPECT_EQ(v1->name, "orders");
  EXPECT_TRUE(v1->indexes.empty());
  old[0] = 4;  // a version from a later build
  EXPECT_FALSE(deserialize_table(old).is_ok());

  // Version 2 (a landed build wrote it) has a backfilling byte after each index's status. With
  // one index, without properties, last in the record, that is just before the final byte (the
  // index's property count, 0).
  TableDescription one = table;
  one.indexes = {gsi};
  one.indexes[0].properties.clear();
  const std::string v3 = serialize_table(one);
  ASSERT_EQ(v3.back(), '\0');
  std::string v2 = v3.substr(0, v3.size() - 1) + std::string("\1\0", 2);
  v2[0] = 2;
  auto read2 = deserialize_table(v2);
  ASSERT_TRUE(read2.is_ok()) << read2.status().to_string();
  ASSERT_EQ(read2->indexes.size(), 1u);
  EXPECT_EQ(static_cast<const IndexSpec&>(read2->indexes[0]),
            static_cast<const IndexSpec&>(one.indexes[0]));
  EXPECT_TRUE(read2->indexes[0].backfilling());
  std::string v3_labelled_2 = v3;
  v3_labelled_2[0] = 2;  // one byte short for version 2
  EXPECT_FALSE(deserialize_table(v3_labelled_2).is_ok());
}

TEST(StreamIds, SequenceNumbersAreFixedWidthDecimalInIntegerOrder) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{999}, uint64_t{1} << 40, UINT64_MAX}) {
    std::string text = format_sequence_number(v);
    EXPECT_EQ(text.size(), 21u);
    EXPECT_EQ(text.find_first_not_of("0123456789"), std::string::npos);
    EXPECT_EQ(parse_sequence_number(text), v);
  }
  EXPECT_LT(format_sequence_number(9), format_sequence_number(10));
  EXPECT_EQ(parse_sequence_number("12"), std::nullopt);
  EXPECT_EQ(parse_sequence_number("2000000000000000000000"), std::nullopt);
  EXPECT_EQ(parse_sequence_number("10000000000000000000x"), std::nullopt);
  EXPECT_EQ(parse_sequence_number("199999999999999999999"), std::nullopt);  // > UINT64_MAX
}

TEST(StreamIds, ShardIdsAndLabelsHaveAwsFormats) {
  EXPECT_EQ(make_shard_id(1414562045508, 0x2bac9cd2), "shardId-00000001414562045508-2bac9cd2");
  EXPECT_EQ(make_stream_label(1431379293291), "2015-05-11T21:21:33.291");
  EXPECT_EQ(make_stream_label(0), "1970-01-01T00:00:00.000");
}

}  // namespace
}  // namespace eddy::storage
