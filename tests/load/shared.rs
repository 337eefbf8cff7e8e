//! Shared objects from GNU ld (`gcc -shared`) and lld (`clang -fuse-ld=lld
//! -shared`), with libc resolved through `dlsym(RTLD_DEFAULT, ...)`.

use crate::c_code;
use crate::{dlsym_default, require};
use elfin::load::{Image, Prot};

fn load_and_call(cc: &str, args: &[&str], name: &str) {
    let so = c_code::build(cc, args, name);
    let image = Image::load(&so, dlsym_default).unwrap();
    // SAFETY: lib.c's functions, loaded.
    let got = unsafe { c_code::calls(|n| image.address(n).unwrap()) };
    assert_eq!(got, c_code::expected(), "{name}");
    // The same file from bytes (segments copied rather than mapped).
    let bytes = std::fs::read(&so).unwrap();
    let image = Image::from_bytes(&bytes, dlsym_default).unwrap();
    // SAFETY: as above.
    let got = unsafe { c_code::calls(|n| image.address(n).unwrap()) };
    assert_eq!(got, c_code::expected(), "{name} from bytes");
}

#[test]
fn gnu_ld_shared_object() {
    if !require(c_code::tools()) {
        return;
    }
    load_and_call("gcc", &["-O2", "-shared", "-fPIC"], "gnu-ld.so");
}

#[test]
fn lld_shared_object() {
    if !(require(c_code::tools()) && require(&["clang-19", "ld.lld-19"])) {
        return;
    }
    load_and_call(
        "clang-19",
        &["-O2", "-shared", "-fPIC", "-fuse-ld=lld"],
        "lld.so",
    );
}

/// `readelf -lW`'s program headers of `path`: (type, p_vaddr, p_memsz,
/// flags such as `"R E"`), in table order.
fn program_headers(path: &std::path::Path) -> Vec<(String, u64, u64, String)> {
    let out = std::process::Command::new("readelf")
        .args(["-l", "-W"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "readelf -lW {}", path.display());
    let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|t| t.len() >= 8 && t[1].starts_with("0x") && t[0].starts_with(char::is_uppercase))
        .map(|t| {
            let flags = t[6..t.len() - 1].join(" ");
            (t[0].to_owned(), hex(t[2]), hex(t[5]), flags)
        })
        .collect()
}

/// Each `MappedSegment` is one `LOAD` that readelf lists, at its index,
/// at `p_vaddr` + `bias`, `p_memsz` long, with the permissions of its
/// flags; `range` holds them all.
#[test]
fn segments_are_the_loads_readelf_lists() {
    if !require(c_code::tools()) || !require(&["readelf"]) {
        return;
    }
    let so = c_code::build("gcc", &["-O2", "-shared", "-fPIC"], "segments.so");
    let headers = program_headers(&so);
    let image = Image::load(&so, dlsym_default).unwrap();
    let loads: Vec<usize> = (0..headers.len())
        .filter(|&i| headers[i].0 == "LOAD")
        .collect();
    let indexes: Vec<usize> = image.segments().iter().map(|s| s.index).collect();
    assert_eq!(indexes, loads);
    let range = image.range();
    for s in image.segments() {
        let (_, vaddr, memsz, flags) = &headers[s.index];
        assert_eq!(
            s.address,
            image.bias() + *vaddr as usize,
            "segment {}",
            s.index
        );
        assert_eq!(s.size, *memsz as usize, "segment {}", s.index);
        let prot = match flags.as_str() {
            "R" => Prot::R,
            "RW" => Prot::RW,
            "R E" => Prot::RX,
            other => panic!("segment {}: flags {other}", s.index),
        };
        assert_eq!(s.prot, prot, "segment {}", s.index);
        assert!(range.start <= s.address && s.address + s.size <= range.end);
    }
}

/// The resolver is asked for each libc function the library calls with
/// the version readelf shows it bound to (`memcpy@GLIBC_2.14`), and what
/// it answers is what the code calls.
#[test]
fn resolver_is_asked_with_the_versions_readelf_shows() {
    if !require(c_code::tools()) || !require(&["readelf"]) {
        return;
    }
    let so = c_code::build("gcc", &["-O2", "-shared", "-fPIC"], "versions.so");
    let out = std::process::Command::new("readelf")
        .args(["--dyn-syms", "-W"])
        .arg(&so)
        .output()
        .unwrap();
    // "  5: 0000000000000000  0 FUNC  GLOBAL DEFAULT  UND memcpy@GLIBC_2.14 (3)"
    let wanted: Vec<(String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|t| t.len() >= 8 && t[3] == "FUNC" && t[4] == "GLOBAL" && t[6] == "UND")
        .filter_map(|t| {
            let (name, version) = t[7].split_once('@')?;
            Some((name.to_owned(), version.trim_start_matches('@').to_owned()))
        })
        .collect();
    assert!(
        wanted.iter().any(|(n, _)| n == "qsort"),
        "lib.c calls qsort: {wanted:?}"
    );
    let asked = std::cell::RefCell::new(Vec::new());
    let resolver = |name: &[u8], version: Option<&[u8]>| {
        asked.borrow_mut().push((
            String::from_utf8_lossy(name).into_owned(),
            version.map(|v| String::from_utf8_lossy(v).into_owned()),
        ));
        dlsym_default(name, version)
    };
    let image = Image::load(&so, resolver).unwrap();
    let asked = asked.into_inner();
    for (name, version) in &wanted {
        assert!(
            asked.contains(&(name.clone(), Some(version.clone()))),
            "{name}@{version} not asked for; asked: {asked:?}"
        );
    }
    // SAFETY: lib.c's functions, loaded.
    let got = unsafe { c_code::calls(|n| image.address(n).unwrap()) };
    assert_eq!(got, c_code::expected());
}
