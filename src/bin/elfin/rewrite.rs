//! `elfin strip IN -o OUT` and `elfin rewrite IN -o OUT`.

use std::process::ExitCode;

pub fn run(cmd: &str, args: &[String]) -> ExitCode {
    let (mut input, mut output) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" => match it.next() {
                Some(o) => output = Some(o.clone()),
                None => return crate::usage(),
            },
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
    let result = elfin::ElfFile::parse(&bytes).and_then(|f| {
        let mut r = elfin::write::Rewriter::new(&f)?;
        if cmd == "strip" {
            r.strip();
        }
        r.write()
    });
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
