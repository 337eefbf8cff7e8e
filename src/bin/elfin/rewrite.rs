//! `elfin strip IN -o OUT` and `elfin rewrite IN -o OUT`.

use std::process::ExitCode;

/// A change asked for on the command line.
enum Edit {
    Interpreter(String),
    Runpath(String),
    Soname(String),
    Needed(String, String),
    AddNeeded(String),
    Entry(u64),
}

fn parse_number(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

pub fn run(cmd: &str, args: &[String]) -> ExitCode {
    let (mut input, mut output) = (None, None);
    let mut edits = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned();
        match a.as_str() {
            "-o" => match value() {
                Some(o) => output = Some(o),
                None => return crate::usage(),
            },
            "--set-interpreter" | "--set-runpath" | "--set-soname" | "--set-entry"
            | "--add-needed" => {
                let Some(v) = value() else {
                    return crate::usage();
                };
                edits.push(match a.as_str() {
                    "--set-interpreter" => Edit::Interpreter(v),
                    "--set-runpath" => Edit::Runpath(v),
                    "--set-soname" => Edit::Soname(v),
                    "--add-needed" => Edit::AddNeeded(v),
                    _ => match parse_number(&v) {
                        Some(n) => Edit::Entry(n),
                        None => return crate::usage(),
                    },
                });
            }
            "--replace-needed" => {
                let (Some(old), Some(new)) = (value(), it.next().cloned()) else {
                    return crate::usage();
                };
                edits.push(Edit::Needed(old, new));
            }
            s if s.starts_with('-') => return crate::usage(),
            s if input.is_none() => input = Some(s.to_owned()),
            _ => return crate::usage(),
        }
    }
    let (Some(input), Some(output)) = (input, output) else {
        return crate::usage();
    };
    let bytes = match std::fs::read(&input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("elfin: {input}: {e}");
            return ExitCode::from(1);
        }
    };
    let result = (|| -> Result<Vec<u8>, elfin::write::Error> {
        let f = elfin::ElfFile::parse(&bytes)?;
        let mut r = elfin::write::Rewriter::new(&f)?;
        if cmd == "strip" {
            r.strip();
        }
        for e in &edits {
            match e {
                Edit::Interpreter(v) => r.set_interpreter(v.as_bytes())?,
                Edit::Runpath(v) => r.set_runpath(v.as_bytes())?,
                Edit::Soname(v) => r.set_soname(v.as_bytes())?,
                Edit::Needed(old, new) => r.replace_needed(old.as_bytes(), new.as_bytes())?,
                Edit::AddNeeded(v) => r.add_needed(v.as_bytes())?,
                Edit::Entry(a) => r.set_entry(*a),
            }
        }
        r.write()
    })();
    let out = match result {
        Ok(o) => o,
        Err(e) => {
            eprintln!("elfin: {input}: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(&output, &out) {
        eprintln!("elfin: {output}: {e}");
        return ExitCode::from(1);
    }
    // Keep the input's permissions (an executable stays executable).
    if let Ok(meta) = std::fs::metadata(&input) {
        let _ = std::fs::set_permissions(&output, meta.permissions());
    }
    ExitCode::SUCCESS
}
