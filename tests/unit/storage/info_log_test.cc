#include "storage/info_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "unit/storage/test_util.h"

namespace eddy::storage {
namespace {

using testing::TempDir;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(InfoLog, WritesTimestampedLinesAndRotatesPastItsSize) {
  TempDir dir;
  {
    InfoLog log(dir.path(), 1000);
    auto shared = std::shared_ptr<rocksdb::Logger>(&log, [](auto*) {});
    rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, shared, "first %d", 1);
    EXPECT_GT(log.GetLogFileSize(), 0u);
    for (int i = 0; i < 100; ++i)
      rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, shared, "line %d of the test", i);
    rocksdb::Log(rocksdb::InfoLogLevel::DEBUG_LEVEL, shared, "below the level");
  }
  const std::string current = read(dir.sub("LOG"));
  const std::string old = read(dir.sub("LOG.old"));
  EXPECT_LE(current.size(), 1100u);  // rotated each time it passed 1000 bytes
  EXPECT_NE(current.find(" line 99 of the test\n"), std::string::npos);
  EXPECT_EQ(current.find("below the level"), std::string::npos);
  EXPECT_THAT(old.substr(0, old.find('\n')),
              ::testing::MatchesRegex("[0-9]{4}/[0-9]{2}/[0-9]{2}-[0-9:]{8}\\.[0-9]{6} [0-9]+ "
                                      "line [0-9]+ of the test"));
}

// The reason for InfoLog: a log that cannot be written (here /dev/full: every write is ENOSPC)
// loses its lines and nothing else.
TEST(InfoLog, AFullDiskLosesLinesWithoutStoppingAnything) {
  TempDir dir;
  std::filesystem::create_symlink("/dev/full", dir.sub("LOG"));
  InfoLog log(dir.path(), 1 << 20);
  auto shared = std::shared_ptr<rocksdb::Logger>(&log, [](auto*) {});
  for (int i = 0; i < 1000; ++i)
    rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, shared, "line %d", i);
  SUCCEED();
}

}  // namespace
}  // namespace eddy::storage
