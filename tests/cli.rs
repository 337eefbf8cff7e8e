//! The `elfin` command line: usage errors (message and exit status 2),
//! `--help` and `--version`, non-UTF-8 paths, `-` for standard input and
//! output, and outputs written through a temporary file renamed into place.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "common/tools.rs"]
mod tools;

const ELFIN: &str = env!("CARGO_BIN_EXE_elfin");

fn elfin<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(ELFIN).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A real ELF file that is always there: the tool itself.
fn some_elf() -> &'static Path {
    Path::new(ELFIN)
}

/// A fresh directory of the test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `elfin args`, expects a usage error (status 2) whose message
/// contains every one of `expected`.
fn usage_error(args: &[&str], expected: &[&str]) {
    let o = elfin(args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
    assert!(o.stdout.is_empty(), "{args:?} printed to stdout");
    assert!(e.starts_with("error: "), "{args:?}: {e}");
    for x in expected {
        assert!(e.contains(x), "{args:?}: {x:?} not in {e:?}");
    }
}

#[test]
fn no_subcommand_is_a_usage_error() {
    let o = elfin::<_, &str>([]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("Usage: elfin <COMMAND>"), "{e}");
    for cmd in ["info", "strip", "rewrite"] {
        assert!(e.contains(cmd), "{cmd} missing from {e}");
    }
}

#[test]
fn an_unknown_subcommand_is_named() {
    usage_error(&["frobnicate"], &["unrecognized subcommand 'frobnicate'"]);
}

#[test]
fn info_needs_a_file() {
    usage_error(&["info"], &["required", "<FILE>"]);
}

#[test]
fn info_takes_one_file() {
    usage_error(&["info", "a", "b"], &["unexpected argument 'b'"]);
}

#[test]
fn info_refuses_an_unknown_flag() {
    usage_error(&["info", "--jsno", "a"], &["unexpected argument '--jsno'"]);
}

#[test]
fn rewrite_needs_an_output() {
    usage_error(&["rewrite", "a"], &["required", "--output <OUT>"]);
}

#[test]
fn strip_needs_an_input() {
    usage_error(&["strip", "-o", "b"], &["required", "<INPUT>"]);
}

#[test]
fn output_once_only() {
    usage_error(
        &["strip", "a", "-o", "b", "-o", "c"],
        &["'--output <OUT>' cannot be used multiple times"],
    );
}

#[test]
fn set_entry_must_be_a_number() {
    usage_error(
        &["rewrite", "a", "-o", "b", "--set-entry", "zz"],
        &["--set-entry", "'zz' is not a number"],
    );
    usage_error(
        &["rewrite", "a", "-o", "b", "--set-entry", "0xfg"],
        &["--set-entry", "'0xfg' is not a number"],
    );
}

#[test]
fn a_flag_needs_its_value() {
    usage_error(
        &["rewrite", "a", "-o", "b", "--set-interpreter"],
        &["a value is required for '--set-interpreter <PATH>'"],
    );
}

#[test]
fn replace_needed_takes_two_values() {
    usage_error(
        &["rewrite", "a", "-o", "b", "--replace-needed", "libx.so"],
        &["--replace-needed <OLD> <NEW>", "2 values required"],
    );
}

#[test]
fn strip_refuses_the_rewrite_flags() {
    for flag in [
        "--set-interpreter",
        "--set-soname",
        "--set-runpath",
        "--add-needed",
        "--set-entry",
    ] {
        let msg = format!("unexpected argument '{flag}'");
        usage_error(&["strip", "a", "-o", "b", flag, "1"], &[msg.as_str()]);
    }
    usage_error(
        &["strip", "a", "-o", "b", "--replace-needed", "x", "y"],
        &["unexpected argument '--replace-needed'"],
    );
}

#[test]
fn help_on_every_subcommand() {
    for (cmd, words) in [
        (
            "info",
            &["Usage: elfin info [OPTIONS] <FILE>", "--json"][..],
        ),
        ("strip", &["Usage: elfin strip --output <OUT> <INPUT>"][..]),
        (
            "rewrite",
            &[
                "Usage: elfin rewrite [OPTIONS] --output <OUT> <INPUT>",
                "--set-interpreter <PATH>",
                "--set-soname <NAME>",
                "--set-runpath <PATH>",
                "--replace-needed <OLD> <NEW>",
                "--add-needed <LIB>",
                "--set-entry <ADDR>",
            ][..],
        ),
    ] {
        for help in ["--help", "-h"] {
            let o = elfin([cmd, help]);
            assert_eq!(o.status.code(), Some(0), "{cmd} {help}");
            let out = stdout(&o);
            for w in words {
                assert!(out.contains(w), "{cmd} {help}: {w:?} not in {out}");
            }
        }
        let o = elfin(["help", cmd]);
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains(words[0]));
    }
    let o = elfin(["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Commands:"));
}

#[test]
fn version() {
    for flag in ["--version", "-V"] {
        let o = elfin([flag]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            stdout(&o),
            format!("elfin {}\n", std::env::var("CARGO_PKG_VERSION").unwrap())
        );
    }
}

#[test]
fn a_file_that_is_not_elf_fails_with_1() {
    let dir = scratch("not-elf");
    let text = dir.join("text");
    fs::write(&text, "hello, world\n").unwrap();
    let o = elfin([OsStr::new("info"), text.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("elfin: "), "{e}");
    assert!(e.contains("text: file header at 0x0"), "{e}");
    let o = elfin([OsStr::new("info"), dir.join("missing").as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing: No such file or directory"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_non_utf8_path_works() {
    let dir = scratch("non-utf8");
    let name = dir.join(OsStr::from_bytes(b"prog-\xff\xfe.elf"));
    fs::copy(some_elf(), &name).unwrap();
    let o = elfin([OsStr::new("info"), name.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = stdout(&o).lines().next().unwrap().to_owned();
    assert!(
        first.contains("prog-\u{fffd}\u{fffd}.elf: ELF64 little endian"),
        "{first}"
    );
    // And as an output.
    let stripped = dir.join(OsStr::from_bytes(b"stripped-\xff"));
    let o = elfin([
        OsStr::new("strip"),
        name.as_os_str(),
        OsStr::new("-o"),
        stripped.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::metadata(&stripped).unwrap().len() > 0);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn dash_reads_stdin_and_writes_stdout() {
    if !tools::require(&["cat"]) {
        return;
    }
    let elf = some_elf();
    let o = Command::new(ELFIN)
        .args(["info", "--json", "-"])
        .stdin(fs::File::open(elf).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let direct = elfin([OsStr::new("info"), OsStr::new("--json"), elf.as_os_str()]);
    assert!(o.stdout == direct.stdout, "info - differs from info FILE");
    // The text summary names standard input `-`.
    let o = Command::new(ELFIN)
        .args(["info", "-"])
        .stdin(fs::File::open(elf).unwrap())
        .output()
        .unwrap();
    assert!(
        stdout(&o).starts_with("-: ELF64 little endian"),
        "{}",
        stdout(&o)
    );

    // From a pipe (not a file): `cat FILE | elfin strip - -o -`.
    let dir = scratch("dash");
    let via_file = dir.join("stripped");
    let o = elfin([
        OsStr::new("strip"),
        elf.as_os_str(),
        OsStr::new("-o"),
        via_file.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut cat = Command::new("cat")
        .arg(elf)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let o = Command::new(ELFIN)
        .args(["strip", "-", "-o", "-"])
        .stdin(cat.stdout.take().unwrap())
        .output()
        .unwrap();
    cat.wait().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout == fs::read(&via_file).unwrap(),
        "strip - -o - differs"
    );
    // A file as standard output (the kernel copies into it).
    let out = dir.join("to-stdout");
    let o = Command::new(ELFIN)
        .args([
            OsStr::new("strip"),
            elf.as_os_str(),
            OsStr::new("-o"),
            OsStr::new("-"),
        ])
        .stdout(fs::File::create(&out).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::read(&out).unwrap() == fs::read(&via_file).unwrap());
    // A file as standard input (mapped, and copied from by the kernel).
    let o = Command::new(ELFIN)
        .args(["strip", "-", "-o", "-"])
        .stdin(fs::File::open(elf).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout == fs::read(&via_file).unwrap());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_output_keeps_the_input_mode() {
    let dir = scratch("mode");
    let input = dir.join("input");
    fs::copy(some_elf(), &input).unwrap();
    for mode in [0o751, 0o640] {
        fs::set_permissions(&input, fs::Permissions::from_mode(mode)).unwrap();
        for cmd in ["strip", "rewrite"] {
            let out = dir.join(format!("{cmd}-{mode:o}"));
            let o = elfin([
                OsStr::new(cmd),
                input.as_os_str(),
                OsStr::new("-o"),
                out.as_os_str(),
            ]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let got = fs::metadata(&out).unwrap().permissions().mode() & 0o7777;
            assert_eq!(got, mode, "{cmd}: mode {got:o}, input {mode:o}");
        }
    }
    // In place: the input itself is the output.
    let o = elfin([
        OsStr::new("strip"),
        input.as_os_str(),
        OsStr::new("-o"),
        input.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::metadata(&input).unwrap().len() < fs::metadata(some_elf()).unwrap().len());
    assert_eq!(only_names(&dir).len(), 5, "{:?}", only_names(&dir));
    let _ = fs::remove_dir_all(&dir);
}

fn only_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_read_only_directory_fails_with_1_and_leaves_nothing() {
    let dir = scratch("read-only");
    let ro = dir.join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    // root writes into a 0555 directory anyway; sysfs refuses everyone.
    let target = if fs::write(ro.join("probe"), b"").is_ok() {
        fs::remove_file(ro.join("probe")).unwrap();
        PathBuf::from("/sys/elfin-cli-test-output")
    } else {
        ro.join("out")
    };
    let before = only_names(target.parent().unwrap());
    let o = elfin([
        OsStr::new("strip"),
        some_elf().as_os_str(),
        OsStr::new("-o"),
        target.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!("elfin: {}: ", target.display())),
        "{e}"
    );
    assert!(!target.exists());
    assert_eq!(only_names(target.parent().unwrap()), before);
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_write_leaves_the_old_file() {
    if !tools::require(&["sh"]) {
        return;
    }
    // `ulimit -f` makes writes past 64 KiB fail (EFBIG) halfway through
    // the output; SIGXFSZ is ignored so the write fails instead of killing.
    let dir = scratch("midway");
    let out = dir.join("out");
    fs::write(&out, b"the old file").unwrap();
    let o = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 128; exec \"$0\" rewrite \"$1\" -o \"$2\"")
        .arg(ELFIN)
        .arg(some_elf())
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).starts_with(&format!("elfin: {}: ", out.display())));
    assert_eq!(fs::read(&out).unwrap(), b"the old file");
    assert_eq!(only_names(&dir), ["out"]);
    let _ = fs::remove_dir_all(&dir);
}
