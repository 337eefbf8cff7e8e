//! Growing any parsed file: `add_needed`, `set_soname` and `set_runpath`
//! either refuse (an `Error`) or write a file that parses, whose dynamic
//! table reads the old needed libraries and then the new one, with the
//! new soname and run path, and which a no-op rewrite keeps.

use super::rewrite_check::check_noop_rewrite;
use super::*;

/// The names the grown file gets.
const NEEDED: &[u8] = b"libelfin-grown.so";
const SONAME: &[u8] = b"libelfin-soname.so.1";
const RUNPATH: &[u8] = b"$ORIGIN/elfin";

/// The string entries `tag` of `f`'s dynamic table, through the reader
/// (`None` if any is unreadable).
fn strings(f: &ElfFile<'_>, tag: i64) -> Option<Vec<Vec<u8>>> {
    let d = f.dynamic().ok()??;
    d.iter()
        .take_while(|e| e.d_tag != DT_NULL)
        .filter(|e| e.d_tag == tag)
        .map(|e| f.dynamic_string(e.d_val).ok().map(<[u8]>::to_vec))
        .collect()
}

/// Whether the reader and the rewriter see the same dynamic table: the
/// `.dynamic` section (which the reader prefers), if any, is `PT_DYNAMIC`
/// (which the rewriter and ld.so use).
fn one_dynamic_table(f: &ElfFile<'_>) -> bool {
    let Some(p) = f.segments().find(|p| p.p_type == PT_DYNAMIC) else {
        return false;
    };
    f.section_by_type(SHT_DYNAMIC).is_none_or(|s| {
        let h = s.header();
        h.sh_offset == p.p_offset && h.sh_size == p.p_filesz && h.sh_addr == p.p_vaddr
    })
}

/// Grows `data` (see the module docs); `Ok` also when the rewriter
/// refuses.
pub(super) fn grow_roundtrip(data: &[u8], on_output: &mut dyn FnMut(&[u8])) -> Result<(), String> {
    let Ok(file) = ElfFile::parse(data) else {
        return Ok(());
    };
    let Ok(mut rw) = Rewriter::new(&file) else {
        return Ok(());
    };
    if rw.add_needed(NEEDED).is_err()
        || rw.set_soname(SONAME).is_err()
        || rw.set_runpath(RUNPATH).is_err()
    {
        return Ok(());
    }
    let Ok(out) = rw.write() else {
        return Ok(());
    };
    on_output(&out);
    let f2 = ElfFile::parse(&out).map_err(|e| format!("the grown file does not parse: {e}"))?;
    let checkable = one_dynamic_table(&file)
        && file.dynamic().is_ok_and(|d| d.is_some())
        && strings(&file, DT_NEEDED).is_some();
    if checkable {
        let mut want = strings(&file, DT_NEEDED).unwrap_or_default();
        if !want.iter().any(|n| n == NEEDED) {
            want.push(NEEDED.to_vec());
        }
        let got = strings(&f2, DT_NEEDED);
        ensure!(
            got.as_ref() == Some(&want),
            "needed libraries after growing: {:?}, expected {:?}",
            got.map(|v| v
                .iter()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect::<Vec<_>>()),
            want.iter()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect::<Vec<_>>()
        );
        // Every entry reads the new value (several are changed alike).
        let soname = strings(&f2, DT_SONAME);
        ensure!(
            soname
                .as_ref()
                .is_some_and(|v| !v.is_empty() && v.iter().all(|n| n == SONAME)),
            "DT_SONAME after growing: {soname:?}"
        );
        let had_runpath = file.dynamic().ok().flatten().is_some_and(|d| {
            d.iter()
                .take_while(|e| e.d_tag != DT_NULL)
                .any(|e| e.d_tag == DT_RUNPATH)
        });
        let had_rpath = file.dynamic().ok().flatten().is_some_and(|d| {
            d.iter()
                .take_while(|e| e.d_tag != DT_NULL)
                .any(|e| e.d_tag == DT_RPATH)
        });
        let tag = if !had_runpath && had_rpath {
            DT_RPATH
        } else {
            DT_RUNPATH
        };
        let path = strings(&f2, tag);
        ensure!(
            path.as_ref()
                .is_some_and(|v| !v.is_empty() && v.iter().all(|p| p == RUNPATH)),
            "{} after growing: {path:?}",
            if tag == DT_RPATH {
                "DT_RPATH"
            } else {
                "DT_RUNPATH"
            }
        );
        ensure!(
            one_dynamic_table(&f2),
            "the grown file's .dynamic section is not its PT_DYNAMIC"
        );
    }
    // A grown file may be mostly padding up to its new segment (a large
    // `.bss`, or garbage alignments: up to 64 MiB); checking it all again
    // would only slow the fuzzer down.
    if out.len() as u64 > 16 * data.len() as u64 + (1 << 20) {
        return Ok(());
    }
    match check_noop_rewrite(&out, &mut |_| {})? {
        RewriteOutcome::Rewritten => Ok(()),
        o => fail!("the grown file does not rewrite: {o:?}"),
    }
}
