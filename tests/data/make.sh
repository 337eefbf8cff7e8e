#!/usr/bin/env bash
# Regenerates the ELF test corpus in tests/data/ (see README.md there).
#
# Needs (Debian bookworm): gcc g++ binutils python3 file, and the cross
# compilers gcc-i686-linux-gnu gcc-arm-linux-gnueabihf gcc-powerpc-linux-gnu
# gcc-s390x-linux-gnu gcc-mips-linux-gnu gcc-mips64el-linux-gnuabi64
# gcc-aarch64-linux-gnu gcc-powerpc64-linux-gnu gcc-riscv64-linux-gnu
# (each pulls in its libc6-dev-*-cross). A missing cross compiler is skipped
# with a note, and its directory is left as it was. qemu-user, if installed,
# is used to smoke-test each executable (not required).
#
# Usage: bash tests/data/make.sh        (from any directory; idempotent)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

# -ffile-prefix-map keeps the absolute checkout path out of the debug info so
# that the outputs do not depend on where the repository lives.
BASE_CFLAGS=(-O1 -fcommon -ffile-prefix-map="$HERE"=. -fno-ident)

note() { printf '%s\n' "make.sh: $*" >&2; }

# arch-dir  compiler-prefix  qemu-name  sysroot
TARGETS=(
  "x86_64   x86_64-linux-gnu-       x86_64   /"
  "i686     i686-linux-gnu-         i386     /usr/i686-linux-gnu"
  "armhf    arm-linux-gnueabihf-    arm      /usr/arm-linux-gnueabihf"
  "powerpc  powerpc-linux-gnu-      ppc      /usr/powerpc-linux-gnu"
  "s390x    s390x-linux-gnu-        s390x    /usr/s390x-linux-gnu"
  "mips     mips-linux-gnu-         mips     /usr/mips-linux-gnu"
  "mips64el mips64el-linux-gnuabi64- mips64el /usr/mips64el-linux-gnuabi64"
  "aarch64  aarch64-linux-gnu-      aarch64  /usr/aarch64-linux-gnu"
  "ppc64    powerpc64-linux-gnu-    ppc64    /usr/powerpc64-linux-gnu"
  "riscv64  riscv64-linux-gnu-      riscv64  /usr/riscv64-linux-gnu"
)

built=()
skipped=()

# build_common DIR CC: exe, lib.so, obj.o, obj-zdebug.o, obj-zstd.o, static
build_common() {
  local d="$1" cc="$2"

  # Shared object: .hash + .gnu.hash, versioned (LIB_1.0, LIB_2.0 -> .gnu.version_d),
  # exports functions, a variable and a TLS variable.
  "$cc" "${BASE_CFLAGS[@]}" -fPIC -shared \
    -Wl,--build-id -Wl,--hash-style=both -Wl,-soname,lib.so \
    -Wl,--version-script=src/lib.map \
    -o "$d/lib.so" src/lib.c

  # Dynamically linked PIE with symbols, linked against lib.so (so it has a
  # DT_NEEDED on lib.so, versioned references in .gnu.version_r, and a
  # DT_RUNPATH of $ORIGIN so it runs from its own directory) and libc.
  "$cc" "${BASE_CFLAGS[@]}" -fPIE -pie -Wl,--build-id \
    -o "$d/exe" src/sample.c "$d/lib.so" -Wl,-rpath,'$ORIGIN'

  # Relocatable objects with debug info (.rela.debug_* / .rel.debug_*).
  "$cc" "${BASE_CFLAGS[@]}" -g -ffunction-sections -c -o "$d/obj.o" src/sample.c
  "$cc" "${BASE_CFLAGS[@]}" -g -gz=zlib -ffunction-sections -c -o "$d/obj-zdebug.o" src/sample.c
  # zstd (ELFCOMPRESS_ZSTD): gcc 12 has no -gz=zstd, but binutils >= 2.40 gas
  # does, so fall back to asking the assembler directly.
  rm -f "$d/obj-zstd.o"
  if ! "$cc" "${BASE_CFLAGS[@]}" -g -gz=zstd -ffunction-sections -c \
       -o "$d/obj-zstd.o" src/sample.c 2>/dev/null \
     && ! "$cc" "${BASE_CFLAGS[@]}" -g -Wa,--compress-debug-sections=zstd -ffunction-sections -c \
       -o "$d/obj-zstd.o" src/sample.c 2>"$d/.zstd.err"; then
    note "$d: zstd debug compression unsupported, no obj-zstd.o ($(head -n1 "$d/.zstd.err"))"
    rm -f "$d/obj-zstd.o"
  fi
  rm -f "$d/.zstd.err"

  # Static executable (no debug info, to keep it small).
  rm -f "$d/static"
  if ! "$cc" -O1 -fcommon -fno-ident -static -no-pie -Wl,--build-id -Wl,--gc-sections \
       -o "$d/static" src/sample.c src/lib.c 2>"$d/.static.err"; then
    note "$d: static link failed, no static ($(head -n1 "$d/.static.err"))"
    rm -f "$d/static"
  fi
  rm -f "$d/.static.err"
}

# Extra x86_64-only files.
build_x86_64_extras() {
  local d=x86_64

  # .relr.dyn (DT_RELR); needs binutils >= 2.38.
  rm -f "$d/relr.so"
  if ! gcc "${BASE_CFLAGS[@]}" -fPIC -shared -Wl,--build-id -Wl,--hash-style=both \
       -Wl,-soname,lib.so -Wl,--version-script=src/lib.map \
       -Wl,-z,pack-relative-relocs -o "$d/relr.so" src/lib.c 2>"$d/.relr.err"; then
    note "x86_64: linker refused -z pack-relative-relocs, no relr.so ($(head -n1 "$d/.relr.err"))"
    rm -f "$d/relr.so"
  fi
  rm -f "$d/.relr.err"

  # Legacy GNU-style compressed debug sections (.zdebug_*), for contrast with
  # the SHF_COMPRESSED ones in obj-zdebug.o.
  rm -f "$d/obj-zlibgnu.o"
  if ! gcc "${BASE_CFLAGS[@]}" -g -gz=zlib-gnu -ffunction-sections -c \
       -o "$d/obj-zlibgnu.o" src/sample.c 2>/dev/null; then
    note "x86_64: -gz=zlib-gnu unsupported, no obj-zlibgnu.o"
    rm -f "$d/obj-zlibgnu.o"
  fi

  # lib.so without a section header table, cut at the end of the last PT_LOAD:
  # the dynamic symbols can then only be found through PT_DYNAMIC.
  python3 - "$d/lib.so" "$d/nosections" <<'PY'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
b = bytearray(open(src, "rb").read())
assert b[:4] == b"\x7fELF" and b[4] == 2 and b[5] == 1, "expects ELF64 little-endian"
e_phoff, = struct.unpack_from("<Q", b, 0x20)
e_phentsize, e_phnum = struct.unpack_from("<HH", b, 0x36)
end = 0
for i in range(e_phnum):
    off = e_phoff + i * e_phentsize
    p_type, = struct.unpack_from("<I", b, off)
    p_offset, = struct.unpack_from("<Q", b, off + 8)
    p_filesz, = struct.unpack_from("<Q", b, off + 32)
    if p_type == 1:  # PT_LOAD
        end = max(end, p_offset + p_filesz)
struct.pack_into("<Q", b, 0x28, 0)   # e_shoff
struct.pack_into("<H", b, 0x3C, 0)   # e_shnum
struct.pack_into("<H", b, 0x3E, 0)   # e_shstrndx
open(dst, "wb").write(bytes(b[:end]))
PY

  # > 65535 sections: extended numbering (e_shnum == 0 with the count in
  # section 0's sh_size, e_shstrndx == SHN_XINDEX with the index in section 0's
  # sh_link) and an SHT_SYMTAB_SHNDX section because some symbols live in
  # sections with index >= SHN_LORESERVE. All sections share one name and are
  # empty except the few that hold symbols, so the file is mostly headers.
  local n=66000
  {
    echo '	.text'
    echo '	.globl low_sym'
    echo 'low_sym:'
    echo '	ret'
    awk -v n="$n" 'BEGIN {
      for (i = 0; i < n; i++) {
        printf "\t.section .s,\"a\",@progbits,unique,%d\n", i
        if (i == 65000 || i == n - 1) {
          printf "\t.globl high_sym_%d\n\t.type high_sym_%d,@object\nhigh_sym_%d:\n\t.byte %d\n", i, i, i, i % 256
        }
        if (i == 65500) {
          printf "local_high_sym:\n\t.byte 1\n"
        }
      }
    }'
    echo '	.section .note.GNU-stack,"",@progbits'
  } > "$d/.manysections.s"
  as --64 -o "$d/manysections.o" "$d/.manysections.s"
  rm -f "$d/.manysections.s"

  # SHT_GROUP (COMDAT groups): C++ template instantiations / inline functions
  # if g++ is there, else an assembler-made group.
  if command -v g++ >/dev/null 2>&1; then
    g++ -O1 -fno-ident -ffile-prefix-map="$HERE"=. -c -o "$d/group.o" src/group.cc
  else
    printf '%s\n' \
      '	.section .text.f,"axG",@progbits,f,comdat' \
      '	.weak f' '	.type f,@function' 'f:' '	ret' \
      '	.section .note.GNU-stack,"",@progbits' > "$d/.group.s"
    as --64 -o "$d/group.o" "$d/.group.s"
    rm -f "$d/.group.s"
  fi
}

for t in "${TARGETS[@]}"; do
  read -r d prefix qemu sysroot <<<"$t"
  cc="${prefix}gcc"
  if [ "$d" = x86_64 ] && ! command -v "$cc" >/dev/null 2>&1; then
    cc=gcc
  fi
  if ! command -v "$cc" >/dev/null 2>&1; then
    note "$d: $cc not installed, skipped"
    skipped+=("$d")
    continue
  fi
  mkdir -p "$d"
  build_common "$d" "$cc"
  if [ "$d" = x86_64 ]; then
    build_x86_64_extras
  fi
  built+=("$d")

  # Smoke test under qemu-user (optional).
  if [ "$d" = x86_64 ]; then
    run=("./$d/exe")
  elif command -v "qemu-$qemu" >/dev/null 2>&1; then
    run=("qemu-$qemu" -L "$sysroot" "./$d/exe")
  else
    run=()
  fi
  if [ "${#run[@]}" -gt 0 ]; then
    if out="$("${run[@]}" 2>&1)"; then
      note "$d: exe ran: $out"
    else
      note "$d: WARNING: exe failed to run: $out"
    fi
  fi
done

# Every file must be read by readelf without a single warning.
status=0
for d in "${built[@]}"; do
  for f in "$d"/*; do
    [ -f "$f" ] || continue
    [ "$f" = x86_64/nosections ] && continue   # readelf complains by design: no sections
    if ! err="$(readelf -W -a "$f" 2>&1 >/dev/null)" || [ -n "$err" ]; then
      note "readelf warnings on $f:"
      printf '%s\n' "$err" | head -n 5 >&2
      status=1
    fi
  done
done
# nosections: the program headers and dynamic section must still parse.
if [ -f x86_64/nosections ]; then
  if ! err="$(readelf -W -h -l -d x86_64/nosections 2>&1 >/dev/null)" || [ -n "$err" ]; then
    note "readelf warnings on x86_64/nosections:"; printf '%s\n' "$err" >&2; status=1
  fi
fi

note "built: ${built[*]}"
[ "${#skipped[@]}" -eq 0 ] || note "skipped (no compiler): ${skipped[*]}"
exit "$status"
