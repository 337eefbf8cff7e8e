#!/usr/bin/env python3
"""An ELF32 LE shared object whose K dynamic symbols all carry a version
index that no definition names, and M version definitions: asking each
symbol's version walks all M definitions (and the needs), K*M steps.
usage: python3 fuzz/craft/verdef_quadratic.py OUT K M
(tests/data/fuzz/verdef-quadratic.so: K = 4000, M = 3000)"""
import struct, sys
out, K, M = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dynstr = b'\0a\0.dynsym\0.dynstr\0.gnu.version\0.gnu.version_d\0.shstrtab\0'
def name(s): return dynstr.index(s.encode() + b'\0')
sym = struct.pack('<IIIBBH', name('a'), 0, 0, 0x12, 0, 0) # sym 'a', global func, undefined
dynsym = bytes(16) + sym * (K - 1)
versym = struct.pack('<H', 0) + struct.pack('<H', 0x7ffe) * (K - 1)
vd = b''
for i in range(M):
    nxt = 28 if i < M - 1 else 0
    vd += struct.pack('<HHHHIII', 1, 0, 2 + (i % 0x7000), 1, 0, 20, nxt) + struct.pack('<II', 1, 0)
blobs = [dynstr, dynsym, versym, vd]
off = 52
offs = []
body = b''
for b in blobs:
    offs.append(off + len(body))
    body += b
    body += bytes(-len(body) % 4)
shoff = 52 + len(body)
SHT = dict(strtab=3, dynsym=11, versym=0x6fffffff, verdef=0x6ffffffd)
shdrs = [bytes(40)]
# [1] .dynstr [2] .dynsym [3] .gnu.version [4] .gnu.version_d ; shstrndx = 1
shdrs.append(struct.pack('<10I', name('.dynstr'), 3, 2, 0, offs[0], len(dynstr), 0, 0, 1, 0))
shdrs.append(struct.pack('<10I', name('.dynsym'), 11, 2, 0, offs[1], len(dynsym), 1, 1, 4, 16))
shdrs.append(struct.pack('<10I', name('.gnu.version'), 0x6fffffff, 2, 0, offs[2], len(versym), 2, 0, 2, 2))
shdrs.append(struct.pack('<10I', name('.gnu.version_d'), 0x6ffffffd, 2, 0, offs[3], len(vd), 1, M, 4, 0))
ehdr = b'\x7fELF' + bytes([1, 1, 1, 0]) + bytes(8)
ehdr += struct.pack('<HHIIIIIHHHHHH', 3, 3, 1, 0, 0, shoff, 0, 52, 32, 0, 40, len(shdrs), 1)
open(out, 'wb').write(ehdr + body + b''.join(shdrs))
