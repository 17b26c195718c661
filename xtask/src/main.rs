//! `cargo xtask <task>`: see the crate docs of `xtask`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "gen" => write_all(),
        "check" => check(),
        _ => {
            eprintln!("usage: cargo xtask <gen|check>\n  gen    regenerate core/src/spec/generated.rs, core/src/model/generated.rs and include/pfhir.h\n  check  fail when a generated file is out of date");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(f: &xtask::Generated) -> Result<(), String> {
    let path = xtask::root().join(f.path);
    std::fs::write(&path, &f.content).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {} ({} lines)", f.path, f.content.lines().count());
    Ok(())
}

fn write_all() -> Result<(), String> {
    for f in xtask::all_generated()? {
        write(&f)?;
    }
    // The header is generated from the ffi sources just written.
    write(&xtask::generated_header()?)
}

fn check() -> Result<(), String> {
    let mut files = xtask::all_generated()?;
    files.push(xtask::generated_header()?);
    let stale = xtask::stale_files(&files);
    if stale.is_empty() {
        println!("generated files are up to date");
        Ok(())
    } else {
        Err(format!(
            "out of date: {} (run `cargo xtask gen`)",
            stale.join(", ")
        ))
    }
}
