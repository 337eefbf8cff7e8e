#!/usr/bin/env bash
# Makes the CREL (compact relocation) objects: LLVM 19's assembler is the
# only producer here (Debian package llvm-19). GNU binutils 2.40 does not
# know CREL, so tests check these files against llvm-readelf-19.
set -euo pipefail
cd "$(dirname "$0")"
mc=/usr/lib/llvm-19/bin/llvm-mc
"$mc" -filetype=obj --crel -triple=x86_64-linux-gnu x86_64.s -o x86_64.o
"$mc" -filetype=obj --crel -triple=powerpc-linux-gnu powerpc.s -o powerpc.o
