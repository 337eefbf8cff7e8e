#!/usr/bin/env python3
"""Writes a minimal ELF whose one SHF_COMPRESSED section holds a zstd frame
that decodes to far more than the section's ch_size: one compressed block of
N sequences, each 1 literal + a 131074-byte match at offset 1, coded with RLE
tables so that a sequence costs 2 bytes (N * 131075 bytes from ~2N bytes).

usage: python3 fuzz/craft/zstd_bomb.py OUT [N]   (tests/data/fuzz/zstd-bomb.elf: N = 20)"""
import struct, sys

out = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100

lit = bytes([1 | (1 << 2) | ((N & 0xF) << 4), N >> 4, ord('A')])  # RLE literals: N x 'A'
seq = bytes([128 + (N >> 8), N & 0xFF]) if N >= 128 else bytes([N])
seq += bytes([0x54, 0x01, 0x00, 0x34])  # RLE modes; LL code 1, OF code 0 (repeat offset 1), ML code 52
seq += b'\xff' * (2 * N) + b'\x01'      # N x 16 ML extra bits, all ones, then the end mark
block = lit + seq
# Frame: magic, descriptor 0 (no content size, no checksum), window 2 MiB
# (what binutils writes), then one last compressed block.
frame = b'\x28\xb5\x2f\xfd\x00\x58' + struct.pack('<I', 1 | (2 << 1) | (len(block) << 3))[:3] + block
chdr = struct.pack('<IIQQ', 2, 0, 4096, 1)  # ELFCOMPRESS_ZSTD, ch_size 4096, align 1
data = chdr + frame
shoff = 64 + len(data)
shoff += -shoff % 8
ehdr = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)
ehdr += struct.pack('<HHIQQQIHHHHHH', 1, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, 2, 0)
null = bytes(64)
SHF_COMPRESSED = 0x800
sec = struct.pack('<IIQQQQIIQQ', 0, 1, SHF_COMPRESSED, 0, 64, len(data), 0, 0, 8, 0)
f = ehdr + data
f += bytes(shoff - len(f)) + null + sec
open(out, 'wb').write(f)
print(f'{out}: {len(f)} bytes; claims {4096} bytes, decodes to {N * 131075}')
