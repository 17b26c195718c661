//! `pfhir validate --jobs N`: the same bytes in the same order on any number of threads, for
//! NDJSON (a file, stdin, several files) and for many files at once; oversized, too deep,
//! non-JSON and non-UTF-8 lines are reported in their place; exit statuses unchanged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PFHIR: &str = env!("CARGO_BIN_EXE_pfhir");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/partner")
        .join(name)
}

fn compact(name: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture(name)).expect("fixture")).expect("json");
    serde_json::to_string(&v).expect("compact")
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pfhir-jobs-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(PFHIR).args(args).output().expect("runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(PFHIR)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Written from a thread: the output pipe fills while the input is still being written.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("waits");
    writer.join().expect("writer").expect("writes");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The report without the throughput figures that end each NDJSON summary line.
fn without_speed(report: &str) -> String {
    report
        .lines()
        .map(|l| match l.find(" bundles/s, ") {
            Some(_) => l.rsplit_once("; ").map_or(l, |(head, _)| head),
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Line numbers (1-based) of the special lines of [`corpus`].
const TOO_BIG_LINE: usize = 700;
const TOO_DEEP_LINE: usize = 1100;

/// 1 500 lines: valid and invalid Bundles, non-JSON lines whose error column varies, blank
/// and CRLF lines, a line that is not UTF-8, one over the 1 MiB limit and one too deep. The
/// kinds follow a pseudo-random sequence so that a reordering shows in the output.
fn corpus() -> Vec<u8> {
    let good = compact("good-bundle.json");
    let bad = compact("example-response.json");
    let mut out = Vec::new();
    let mut seed = 12345u32;
    for n in 1..=1500usize {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let pick = (seed >> 16) % 10;
        if n == TOO_BIG_LINE {
            let big = format!(
                r#"{{"resourceType":"Bundle","id":"{}"}}"#,
                "a".repeat(1_200_000)
            );
            out.extend_from_slice(big.as_bytes());
        } else if n == TOO_BIG_LINE - 1 || n == TOO_BIG_LINE + 1 || n == TOO_DEEP_LINE - 1 {
            out.extend_from_slice(format!("{}not json", " ".repeat(n % 40)).as_bytes());
        } else if n == TOO_DEEP_LINE {
            out.extend_from_slice(format!("{}{}", "[".repeat(100), "]".repeat(100)).as_bytes());
        } else {
            match pick {
                0 => out.extend_from_slice(format!("{}{{oops", " ".repeat(n % 50)).as_bytes()),
                1 | 2 => out.extend_from_slice(bad.as_bytes()),
                3 => {}
                4 => out.extend_from_slice(format!("{good}\r").as_bytes()),
                5 if n % 7 == 0 => out.extend_from_slice(b"{\"resourceType\":\"Bundle\xff\"}"),
                _ => out.extend_from_slice(good.as_bytes()),
            }
        }
        out.push(b'\n');
    }
    out
}

fn non_blank_lines(corpus: &[u8]) -> Vec<&[u8]> {
    corpus
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .collect()
}

#[test]
fn ndjson_output_is_the_same_bytes_on_one_or_four_threads() {
    let dir = tempdir("ndjson");
    let file = dir.join("bundles.ndjson");
    let corpus = corpus();
    std::fs::write(&file, &corpus).expect("write");
    let f = file.to_string_lossy();

    let one = run(&["validate", "--ndjson", "--json", "--jobs", "1", &f]);
    let four = run(&["validate", "--ndjson", "--json", "--jobs", "4", &f]);
    assert_eq!(one.status.code(), Some(1), "{}", text(&one.stderr));
    assert_eq!(four.status.code(), Some(1));
    assert!(
        one.stdout == four.stdout,
        "--json output differs between 1 and 4 jobs"
    );
    assert_eq!(
        without_speed(&text(&one.stderr)),
        without_speed(&text(&four.stderr))
    );
    // One OperationOutcome per non-blank line, in line order.
    let outcomes: Vec<&str> = std::str::from_utf8(&four.stdout)
        .expect("utf8")
        .lines()
        .collect();
    let lines = non_blank_lines(&corpus);
    assert_eq!(outcomes.len(), lines.len());
    let at = |n: usize| {
        let blank_before = corpus
            .split(|&b| b == b'\n')
            .take(n - 1)
            .filter(|l| l.iter().all(u8::is_ascii_whitespace))
            .count();
        outcomes[n - 1 - blank_before]
    };
    assert!(
        at(TOO_BIG_LINE).contains("PFHIR-V0101"),
        "{}",
        at(TOO_BIG_LINE)
    );
    assert!(
        at(TOO_DEEP_LINE).contains("PFHIR-V0104"),
        "{}",
        at(TOO_DEEP_LINE)
    );
    assert!(at(TOO_BIG_LINE - 1).contains("\"code\":\"structure\""));

    let one = run(&["validate", "--ndjson", "--jobs", "1", &f]);
    let four = run(&["validate", "--ndjson", "--jobs", "4", &f]);
    assert_eq!((one.status.code(), four.status.code()), (Some(1), Some(1)));
    let (one, four) = (text(&one.stdout), text(&four.stdout));
    assert_eq!(
        without_speed(&one),
        without_speed(&four),
        "human report differs"
    );
    assert!(four.contains(&format!("{f}: validated {}, valid ", lines.len())));
    // The oversized and the too deep line are reported between their neighbours.
    let place = |needle: &str| {
        four.find(needle)
            .unwrap_or_else(|| panic!("{needle} in report"))
    };
    let big = place("[PFHIR-V0101]");
    assert!(place(&format!("{f}:{}:", TOO_BIG_LINE - 1)) < big);
    assert!(big < place(&format!("{f}:{}:", TOO_BIG_LINE + 1)));
    let deep = place("[PFHIR-V0104]");
    assert!(place(&format!("{f}:{}:", TOO_DEEP_LINE - 1)) < deep);
    assert!(place(&format!("{f}:{}:", TOO_BIG_LINE + 1)) < deep);
    // Line numbers only grow through the report.
    let numbers: Vec<usize> = four
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("  --> {f}:")))
        .map(|rest| {
            rest.split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("line")
        })
        .collect();
    assert!(numbers.len() > 300, "{}", numbers.len());
    assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "out of order");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ndjson_on_stdin_and_several_ndjson_files_in_argument_order() {
    let dir = tempdir("stdin");
    let file = dir.join("bundles.ndjson");
    let corpus = corpus();
    std::fs::write(&file, &corpus).expect("write");
    let small = dir.join("small.ndjson");
    std::fs::write(&small, format!("{}\n", compact("good-bundle.json"))).expect("write");
    let (f, s) = (file.to_string_lossy(), small.to_string_lossy());

    let from_file = run(&["validate", "--ndjson", "--json", "--jobs", "1", &f]);
    let piped = run_stdin(
        &["validate", "--ndjson", "--json", "--jobs", "4", "-"],
        &corpus,
    );
    assert_eq!(piped.status.code(), Some(1));
    assert!(from_file.stdout == piped.stdout, "stdin output differs");
    let human_file = text(&run(&["validate", "--ndjson", "--jobs", "1", &f]).stdout);
    let human_piped = run_stdin(&["validate", "--ndjson", "--jobs", "3", "-"], &corpus);
    assert_eq!(
        without_speed(&human_file.replace(&*f, "<stdin>")),
        without_speed(&text(&human_piped.stdout))
    );

    let args =
        |jobs: &'static str| ["validate", "--ndjson", "--jobs", jobs, &s, &f, &s].map(String::from);
    let one = Command::new(PFHIR).args(args("1")).output().expect("runs");
    let four = Command::new(PFHIR).args(args("4")).output().expect("runs");
    assert_eq!((one.status.code(), four.status.code()), (Some(1), Some(1)));
    let four_text = without_speed(&text(&four.stdout));
    assert_eq!(without_speed(&text(&one.stdout)), four_text);
    let summaries: Vec<&str> = four_text
        .lines()
        .filter(|l| l.contains(": validated "))
        .collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert!(summaries[0].starts_with(&format!("{s}: validated 1, valid 1")));
    assert!(summaries[1].starts_with(&format!("{f}: validated ")));
    assert!(summaries[2].starts_with(&format!("{s}: validated 1, valid 1")));

    // All valid: exit 0 on any number of threads; a missing file: 2, after what came before.
    let ok = run(&["validate", "--ndjson", "--jobs", "4", &s, &s]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    let missing = dir.join("missing.ndjson");
    let m = missing.to_string_lossy();
    let gone = run(&["validate", "--ndjson", "--jobs", "4", &s, &m]);
    assert_eq!(gone.status.code(), Some(2));
    assert!(text(&gone.stdout).contains(&format!("{s}: validated 1, valid 1")));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn many_files_are_validated_at_once_and_reported_in_argument_order() {
    let dir = tempdir("files");
    let sources = [
        std::fs::read(fixture("good-bundle.json")).expect("fixture"),
        std::fs::read(fixture("example-response.json")).expect("fixture"),
        b"{ not json".to_vec(),
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]".to_vec(),
    ];
    let mut files = Vec::new();
    for i in 0..40 {
        let path = dir.join(format!("doc-{i:02}.json"));
        std::fs::write(&path, &sources[(i * 7 + i / 3) % sources.len()]).expect("write");
        files.push(path.to_string_lossy().into_owned());
    }
    let with = |jobs: &str, json: bool| {
        let mut args = vec!["validate".to_string(), "--jobs".into(), jobs.into()];
        if json {
            args.push("--json".into());
        }
        args.extend(files.iter().cloned());
        Command::new(PFHIR).args(&args).output().expect("runs")
    };
    for json in [false, true] {
        let (one, four) = (with("1", json), with("4", json));
        assert_eq!((one.status.code(), four.status.code()), (Some(1), Some(1)));
        assert!(one.stdout == four.stdout, "json {json}: output differs");
    }
    let human = text(&with("4", false).stdout);
    let order: Vec<usize> = files
        .iter()
        .map(|f| {
            human
                .find(&format!("{f}: "))
                .expect("summary of every file")
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "files out of order");
    assert_eq!(text(&with("4", true).stdout).lines().count(), files.len());

    // An unreadable file stops with status 2 after the reports of the files before it.
    let mut args = vec!["validate", "--jobs", "4", &files[0], &files[1]];
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    args.push(&missing);
    args.push(&files[2]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    assert!(out.contains(&format!("{}: ", files[1])) && !out.contains(&format!("{}: ", files[2])));
    assert!(text(&o.stderr).contains("missing.json"));
    assert_eq!(
        run(&["validate", "--jobs", "0", &files[0]]).status.code(),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(dir);
}
