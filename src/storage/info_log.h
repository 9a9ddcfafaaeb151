// RocksDB's informational log (the data directory's LOG file), written so that a full disk can
// never stop the database.
//
// RocksDB's own file logger writes through a WritableFileWriter, which after one failed append
// (ENOSPC) treats every later one as a bug: in Debian's librocksdb 7.8, built with assertions,
// the next log line aborted the process (`AssertFalseAndGetStatusForPrevError`, seen in about
// one run of seven of compat.faults' disk-full test, from FlushJob::WriteLevel0Table). This
// logger writes with stdio and ignores failures: the log is diagnostics, the data is not.
#pragma once

#include <rocksdb/env.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace eddy::storage {

class InfoLog : public rocksdb::Logger {
 public:
  // Appends to `dir`/LOG; past `max_bytes`, LOG becomes LOG.old (replacing the one before).
  InfoLog(std::string dir, size_t max_bytes);
  ~InfoLog() override;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  size_t GetLogFileSize() const override;

 private:
  void open();

  const std::string path_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;
  size_t size_ = 0;
};

}  // namespace eddy::storage
