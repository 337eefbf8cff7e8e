//! The consumers that judge a rewritten file: readelf, eu-elflint, gcc and
//! ld.so, each run as a program.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether the machine can run what these tests build and judge it:
/// x86-64 glibc Linux, with gcc, readelf and eu-elflint (else one visible
/// skip line).
pub fn can_run_programs() -> bool {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        println!("SKIP: not x86-64 Linux");
        return false;
    }
    crate::common::tools::require(&[
        "/lib64/ld-linux-x86-64.so.2",
        "gcc",
        "readelf",
        "eu-elflint",
    ])
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes an executable file.
pub fn write_exec(path: &Path, bytes: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs a command, failing the test if it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// Runs gcc in `dir` with `args`; fails the test if it fails.
pub fn gcc(dir: &Path, args: &[&str]) {
    let out = run(Command::new("gcc").current_dir(dir).args(args));
    assert!(
        out.status.success(),
        "gcc {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `readelf -d -W`'s string entries of one kind, in order: `"NEEDED"`
/// gives the `Shared library: [...]` names, `"SONAME"`, `"RUNPATH"`,
/// `"RPATH"` the others.
pub fn dynamic_strings(path: &Path, kind: &str) -> Vec<String> {
    let out = run(Command::new("readelf").args(["-d", "-W"]).arg(path));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&format!("({kind})")))
        .filter_map(|l| Some(l[l.find('[')? + 1..l.rfind(']')?].to_string()))
        .collect()
}

/// eu-elflint's messages about a file (`--gnu-ld`, as for files GNU ld
/// made), with the file's name taken out.
fn elflint_messages(path: &Path) -> Vec<String> {
    let out = run(Command::new("eu-elflint").arg("--gnu-ld").arg(path));
    let name = path.to_string_lossy();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty() && l.trim() != "No errors")
        .map(|l| l.replace(&*name, "FILE"))
        .collect()
}

/// What the tools think of `output`, rewritten from `input`: readelf
/// reads all of it (`-a -W`) without a warning or error, and eu-elflint
/// has nothing to say about it that it did not say about the input.
pub fn assert_tools_accept(input: &Path, output: &Path) {
    let out = run(Command::new("readelf").args(["-a", "-W"]).arg(output));
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "readelf -a -W {}: {}",
        output.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let (before, after) = (elflint_messages(input), elflint_messages(output));
    let new: Vec<&String> = after.iter().filter(|m| !before.contains(m)).collect();
    assert!(
        new.is_empty(),
        "eu-elflint --gnu-ld {} (from {}): new messages:\n{}",
        output.display(),
        input.display(),
        new.iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The libraries ld.so loads for `program`, from
/// `LD_TRACE_LOADED_OBJECTS=1` (name and path), in load order; `env` adds
/// variables (`LD_LIBRARY_PATH`).
pub fn loaded(program: &Path, env: &[(&str, &Path)]) -> Vec<(String, String)> {
    let mut cmd = Command::new(program);
    cmd.env("LD_TRACE_LOADED_OBJECTS", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "LD_TRACE_LOADED_OBJECTS=1 {}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.trim().split_once(" => ")?;
            let path = rest.split(" (").next()?.to_string();
            Some((name.to_string(), path))
        })
        .collect()
}
