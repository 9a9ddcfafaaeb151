// eddy: the command line. Until the server exists (issue "eddy serve") it only reports its
// version and the libraries it was built with.
#include <cstdio>
#include <cstring>

#include <rocksdb/version.h>

int main(int argc, char** argv) {
  if (argc >= 2 &&
      (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
    std::printf("eddy %s (RocksDB %d.%d.%d)\n", EDDY_VERSION, ROCKSDB_MAJOR, ROCKSDB_MINOR,
                ROCKSDB_PATCH);
    return 0;
  }
  std::fprintf(stderr, "usage: eddy --version\n");
  return 2;
}
