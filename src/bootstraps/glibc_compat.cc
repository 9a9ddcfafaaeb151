// glibc 2.35+ symbols that GCC 12's static runtime libraries ask for, defined in the bootstrap
// executables themselves so that they run on glibc 2.34 (AWS Lambda's provided.al2023):
// Debian 12 has glibc 2.36, and a reference the executable defines binds to its own definition
// instead of a versioned glibc symbol. tests/bootstrap/check_glibc.sh proves none is left.
// Written by hand: no library provides them.
//
// - _dl_find_object (glibc 2.35): GCC 12's static unwinder (libgcc_eh.a, -static-libgcc) finds
//   a frame's unwind data with it. The same answer comes from the public dl_iterate_phdr
//   (glibc 2.2.5): which loaded object holds the address, and where its PT_GNU_EH_FRAME
//   (.eh_frame_hdr) is.
// - arc4random (glibc 2.36): static libstdc++'s std::random_device uses it, and every program
//   that throws a standard exception links that code (through the old-ABI string
//   instantiations). Eddy's code does not use std::random_device (common/random.cc seeds from
//   getrandom); this definition answers any caller from getrandom(2) (glibc 2.25), as glibc's
//   own arc4random does.
//
// Compiled only into the bootstrap executables (src/bootstraps/CMakeLists.txt), never into a
// library, so that the linker takes them before the runtime libraries ask for the symbols.
#include <dlfcn.h>
#include <link.h>
#include <sys/random.h>

#include <cstdint>

namespace {

struct Search {
  uintptr_t address;
  dl_find_object* result;
  bool found;
};

int visit(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<Search*>(data);
  bool contains = false;
  uintptr_t start = UINTPTR_MAX;
  uintptr_t end = 0;
  void* eh_frame = nullptr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    const uintptr_t begin = info->dlpi_addr + header.p_vaddr;
    if (header.p_type == PT_LOAD) {
      const uintptr_t finish = begin + header.p_memsz;
      if (search->address >= begin && search->address < finish) contains = true;
      if (begin < start) start = begin;
      if (finish > end) end = finish;
    } else if (header.p_type == PT_GNU_EH_FRAME) {
      eh_frame = reinterpret_cast<void*>(begin);
    }
  }
  if (!contains) return 0;  // keep looking
  search->result->dlfo_flags = 0;
  search->result->dlfo_map_start = reinterpret_cast<void*>(start);
  search->result->dlfo_map_end = reinterpret_cast<void*>(end);
  search->result->dlfo_link_map = nullptr;  // not used by the unwinder
  search->result->dlfo_eh_frame = eh_frame;
  search->found = true;
  return 1;  // stop
}

}  // namespace

extern "C" int _dl_find_object(void* address, dl_find_object* result) noexcept {
  Search search{reinterpret_cast<uintptr_t>(address), result, false};
  dl_iterate_phdr(visit, &search);
  return search.found ? 0 : -1;
}

extern "C" uint32_t arc4random() noexcept {
  uint32_t value = 0;
  size_t filled = 0;
  while (filled < sizeof value) {
    const ssize_t n = getrandom(reinterpret_cast<char*>(&value) + filled, sizeof value - filled, 0);
    if (n > 0) filled += static_cast<size_t>(n);  // EINTR: try again
  }
  return value;
}
