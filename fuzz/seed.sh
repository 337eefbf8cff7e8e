#!/usr/bin/env bash
# Builds the seed corpus for the `parse` fuzz target in fuzz/corpus/parse
# (gitignored) from the committed ELF corpus in tests/data, the crash inputs
# in tests/data/fuzz, and a few small ELF files from this machine's /usr/bin
# and /usr/lib; `rewrite_roundtrip` and `load` (fuzz/corpus/<target>) get the
# same files. (`build_roundtrip` decodes its input with `arbitrary`, so ELF
# files are no seeds for it.) Idempotent; run from anywhere.
#
#   bash fuzz/seed.sh            # then: cd fuzz && cargo +nightly fuzz run parse
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out="$here/corpus/parse"
max=$((1024 * 1024))      # files above this are truncated to $cut
cut=$((256 * 1024))       # = the campaign's -max_len
mkdir -p "$out"

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; }

n=0
add() { # add FILE NAME
    local size
    size=$(stat -c %s "$1")
    if [ "$size" -gt "$max" ]; then
        head -c "$cut" "$1" > "$out/$2.head"
    else
        cp "$1" "$out/$2"
    fi
    n=$((n + 1))
}

# The cross-compiled corpus: every architecture, every kind of file.
while IFS= read -r -d '' f; do
    is_elf "$f" || continue
    rel=${f#"$root"/tests/data/}
    add "$f" "data-${rel//\//-}"
done < <(find "$root/tests/data" -type f -print0 | sort -z)

# A handful of this machine's own small executables and libraries
# (whatever is there; sorted so the pick is stable on one machine).
pick() { # pick DIR MAXSIZE COUNT
    local dir=$1 size=$2 count=$3 got=0
    [ -d "$dir" ] || return 0
    while IFS= read -r -d '' f; do
        [ "$got" -lt "$count" ] || break
        is_elf "$f" || continue
        add "$f" "host-$(basename "$dir")-$(basename "$f")"
        got=$((got + 1))
    done < <(find "$dir" -maxdepth 2 -type f -size -"$size" -size +1k -print0 2>/dev/null | sort -z)
}
pick /usr/bin 48k 12
pick /usr/lib 96k 12

# Tiny hand-made starts: the bare identifications of all four encodings.
for c in 1 2; do
    for d in 1 2; do
        printf '\177ELF\00'"$c"'\00'"$d"'\001' > "$out/ident-$c-$d"
        head -c 56 /dev/zero >> "$out/ident-$c-$d"
        n=$((n + 1))
    done
done

# The rewrite and load targets read the same kind of input.
for t in rewrite_roundtrip load; do
    mkdir -p "$here/corpus/$t"
    cp "$out"/* "$here/corpus/$t/"
done

echo "seed.sh: $n files in $out ($(du -sh "$out" | cut -f1)), also in corpus/rewrite_roundtrip and corpus/load"
