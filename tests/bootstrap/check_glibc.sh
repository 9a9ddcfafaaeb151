#!/usr/bin/env bash
# Checks that a bootstrap executable runs on AWS Lambda's provided.al2023 (glibc 2.34): it needs
# no shared library but glibc's (libstdc++ and libgcc are linked in), and no glibc symbol
# version newer than GLIBC_2.34. Reads the dynamic section and symbol versions with objdump.
#
#   check_glibc.sh BOOTSTRAP         exit 0 when it qualifies, else 1 with the reasons
set -euo pipefail
binary=$1
status=0

allowed_needed='^(libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1)$'
while read -r library; do
  if ! [[ $library =~ $allowed_needed ]]; then
    echo "$binary: needs $library, which provided.al2023 does not promise" >&2
    status=1
  fi
done < <(objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}')

while read -r version; do
  number=${version#GLIBC_}
  if [ "$(printf '%s\n2.34\n' "$number" | sort -V | tail -1)" != "2.34" ]; then
    echo "$binary: needs $version (provided.al2023 has glibc 2.34):" >&2
    objdump -T "$binary" | grep -F "($version)" >&2
    status=1
  fi
done < <(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV)

if objdump -T "$binary" | grep -Eq '\((GLIBCXX|CXXABI|GCC)_'; then
  echo "$binary: needs libstdc++ or libgcc_s symbols (link them statically)" >&2
  status=1
fi
exit $status
