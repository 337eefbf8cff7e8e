#!/usr/bin/env python3
"""Compares `elfin check` with `eu-elflint --gnu-ld` on every ELF file under
the usual roots (the readelf_diff corpus: /usr/bin, /usr/sbin, /usr/lib,
/usr/libexec, /usr/lib64, ~/.rustup/toolchains, tests/data) and on extra
paths given on the command line.

    cargo build --release --features cli
    scripts/check_vs_elflint.py target/release/elfin [EXTRA_FILE_OR_DIR...]
    scripts/check_vs_elflint.py target/release/elfin --only DIR...   # e.g. /tmp/elfin-build-*

Prints: how many files both call clean, both find something, only elflint
finds something, only elfin does; then, for the files where they differ,
the kinds of message each printed (numbers blanked), most common first.
"""
import collections, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

elfin = sys.argv[1]
roots = ["/usr/bin", "/usr/sbin", "/usr/lib", "/usr/libexec", "/usr/lib64",
         os.path.expanduser("~/.rustup/toolchains"), "tests/data"] + sys.argv[2:]
if sys.argv[2:3] == ["--only"]:  # only the paths given
    roots = sys.argv[3:]

def files():
    seen = set()
    for root in roots:
        walk = [(root, [], [os.path.basename(root)])] if os.path.isfile(root) else os.walk(root)
        for d, _, names in walk:
            if "tests/data/roundtrip" in d:
                continue
            for n in names:
                p = root if os.path.isfile(root) else os.path.join(d, n)
                try:
                    st = os.stat(p)
                    if not os.path.isfile(p) or (st.st_dev, st.st_ino) in seen:
                        continue
                    seen.add((st.st_dev, st.st_ino))
                    with open(p, "rb") as f:
                        if f.read(4) == b"\x7fELF":
                            yield p
                except OSError:
                    pass

def kind(line):
    line = re.sub(r"^.*?: ", "", line, count=1) if line.startswith("/") else line
    line = re.sub(r"'[^']*'", "'…'", line)
    return re.sub(r"(0x)?[0-9a-f]*[0-9][0-9a-f]*", "N", line).strip()[:110]

def one(p):
    try:
        e = subprocess.run([elfin, "check", p], capture_output=True, text=True, timeout=120)
        l = subprocess.run(["eu-elflint", "--gnu-ld", "--quiet", p], capture_output=True,
                           text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return p, None, None, [], []
    return p, e.returncode, l.returncode, e.stdout.splitlines(), (l.stdout + l.stderr).splitlines()

counts = collections.Counter()
only = {"elfin": collections.Counter(), "elflint": collections.Counter()}
examples = {}
with ThreadPoolExecutor(2) as pool:
    for p, e, l, eo, lo in pool.map(one, files()):
        if e is None:
            counts["timeout"] += 1
            continue
        key = ("elfin finds" if e else "elfin clean") + ", " + ("elflint finds" if l else "elflint clean")
        counts[key] += 1
        if bool(e) != bool(l):
            side, lines = ("elfin", eo) if e else ("elflint", lo)
            for k in set(kind(x) for x in lines if x.strip()):
                only[side][k] += 1
                examples.setdefault(k, p)
for k, n in sorted(counts.items()):
    print(f"{n:7} {k}")
for side in ("elfin", "elflint"):
    print(f"\nmessages when only {side} finds something (files, kind, example):")
    for k, n in only[side].most_common(25):
        print(f"{n:7} {k}  [{examples[k]}]")
