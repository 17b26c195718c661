//! `cargo xtask <task>`: see the crate docs of `xtask`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "gen" => write_all(),
        "check" => check(),
        _ => {
            eprintln!("usage: cargo xtask <gen|check>\n  gen    regenerate the STU3 tables and model (core/src/spec, core/src/model), ffi/src/code.rs,\n         include/pfhir.h, and each binding's raw layer from that header\n  check  fail when a generated file is out of date, or when a binding's hand-written layer\n         leaves a function of pfhir.h unused (xtask/src/usage.rs has the skip list)");
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
    // The header is generated from the ffi sources just written, the bindings from it.
    let header = xtask::generated_header()?;
    write(&header)?;
    for f in xtask::generated_bindings(&header.content)? {
        write(&f)?;
    }
    Ok(())
}

fn check() -> Result<(), String> {
    let problems = xtask::check_all()?;
    if problems.is_empty() {
        println!("generated files are up to date; every binding uses every function of pfhir.h");
        Ok(())
    } else {
        Err(format!("\n  {}", problems.join("\n  ")))
    }
}
