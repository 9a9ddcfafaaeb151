// An LD_PRELOAD library for fault-injection tests: while the file named by $EDDY_FAIL_SYNC_IF
// exists, fsync and fdatasync fail with EIO, as they do when a disk fails to write back what
// the page cache holds. Written here because no Debian package injects a single failing call
// into an unmodified process (libfiu's fiu-run does, but fails whole classes of calls at random).
//
//   LD_PRELOAD=libeddy_fail_sync.so EDDY_FAIL_SYNC_IF=/tmp/x/fail eddy serve ...
//   touch /tmp/x/fail   # from now on, every sync fails
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

bool failing() {
  const char* trigger = std::getenv("EDDY_FAIL_SYNC_IF");
  return trigger != nullptr && ::access(trigger, F_OK) == 0;
}

template <typename Function>
Function real(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int fdatasync(int fd) {
  static const auto next = real<int (*)(int)>("fdatasync");
  if (failing()) {
    errno = EIO;
    return -1;
  }
  return next(fd);
}

extern "C" int fsync(int fd) {
  static const auto next = real<int (*)(int)>("fsync");
  if (failing()) {
    errno = EIO;
    return -1;
  }
  return next(fd);
}
