#include "storage/info_log.h"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <ctime>

namespace eddy::storage {

InfoLog::InfoLog(std::string dir, size_t max_bytes)
    : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL),
      path_(std::move(dir) + "/LOG"),
      max_bytes_(max_bytes) {
  std::lock_guard lock(mu_);
  open();
}

InfoLog::~InfoLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void InfoLog::open() {
  file_ = std::fopen(path_.c_str(), "ae");
  size_ = 0;
  if (file_ != nullptr && std::fseek(file_, 0, SEEK_END) == 0) {
    const long at = std::ftell(file_);
    size_ = at > 0 ? static_cast<size_t>(at) : 0;
  }
}

void InfoLog::Logv(const char* format, va_list ap) {
  // The line as RocksDB's own logger writes it: local time with microseconds, thread id, text.
  char line[4096];
  timeval now{};
  ::gettimeofday(&now, nullptr);
  tm local{};
  ::localtime_r(&now.tv_sec, &local);
  int length = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %ld ",
                             local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                             local.tm_min, local.tm_sec, static_cast<long>(now.tv_usec),
                             static_cast<long>(::gettid()));
  va_list copy;
  va_copy(copy, ap);
  const int text = std::vsnprintf(line + length, sizeof line - length - 1, format, copy);
  va_end(copy);
  if (text < 0) return;
  length = std::min<int>(length + text, static_cast<int>(sizeof line) - 2);
  if (line[length - 1] != '\n') line[length++] = '\n';

  std::lock_guard lock(mu_);
  if (size_ > max_bytes_) {
    if (file_ != nullptr) std::fclose(file_);
    std::rename(path_.c_str(), (path_ + ".old").c_str());
    open();
  }
  if (file_ == nullptr) return;
  // A failed write (no space left) loses this line, and nothing else.
  size_ += std::fwrite(line, 1, static_cast<size_t>(length), file_);
  std::fflush(file_);
}

size_t InfoLog::GetLogFileSize() const {
  std::lock_guard lock(mu_);
  return size_;
}

}  // namespace eddy::storage
