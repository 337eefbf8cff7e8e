#!/usr/bin/env bash
# Regenerates the split debug files in tests/data/debug/: `objcopy
# --only-keep-debug` of a shared object (src/lib.c with -g) from several
# linkers and machines. In them every loaded section is NOBITS and
# PT_DYNAMIC has p_filesz 0: the rewriter must keep every segment's start
# inside the file (tests/rewrite/added.rs), and they seed the
# rewrite_roundtrip fuzz target (fuzz/seed.sh).
#
# Needs: gcc, binutils (ld.bfd, ld.gold), lld-19 and clang-19, and the cross
# compilers gcc-{aarch64,riscv64,i686,s390x}-linux-gnu. A missing one is
# skipped with a note. Usage: bash tests/data/debug/make.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../src"
cd "$HERE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS=(-g -O1 -fPIC -shared -fno-ident -ffile-prefix-map="$SRC"=. -Wl,--build-id
  -Wl,-soname,lib.so -Wl,--version-script="$SRC/lib.map")

one() { # one NAME OBJCOPY COMPILER [ARGS...]
  local name=$1 objcopy=$2 cc=$3
  shift 3
  if ! command -v "$cc" >/dev/null; then
    echo "make.sh: $cc not found, $name skipped" >&2
    return
  fi
  "$cc" "${CFLAGS[@]}" "$@" -o "$tmp/$name.so" "$SRC/lib.c"
  "$objcopy" --only-keep-debug "$tmp/$name.so" "$name.debug"
}

one x86_64-bfd objcopy gcc -fuse-ld=bfd
one x86_64-gold objcopy gcc -fuse-ld=gold
one x86_64-lld objcopy clang-19 -fuse-ld=lld
one aarch64-bfd aarch64-linux-gnu-objcopy aarch64-linux-gnu-gcc
one aarch64-lld aarch64-linux-gnu-objcopy clang-19 --target=aarch64-linux-gnu -fuse-ld=lld
one riscv64-bfd riscv64-linux-gnu-objcopy riscv64-linux-gnu-gcc
one i686-bfd i686-linux-gnu-objcopy i686-linux-gnu-gcc
one s390x-bfd s390x-linux-gnu-objcopy s390x-linux-gnu-gcc
