//! Unit tests of the HL7 v2 module: parser features, escapes, character sets, locations,
//! times, tables, provenance and the ACK layout per version.

use super::*;

const MSH: &str = "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^A04^ADT_A01|C1|P|2.5.1";
const PID: &str = "PID|1||AAAA1234567890^^^CIP^JHN||GARCIA&&RUIZ^MARIA||19750616|F";

fn msg(segments: &[&str]) -> String {
    segments.join("\r") + "\r"
}

fn parsed(text: &str) -> Message<'_> {
    parse(text.as_bytes(), &Limits::default(), Charset::Utf8).expect("parses")
}

fn options() -> Hl7Options {
    Hl7Options {
        utc_offset: Some(60),
        ack_control_id: Some("A1".into()),
        ack_time: Some("20260101000000+0000".into()),
        ..Hl7Options::default()
    }
}

fn convert(text: &[u8]) -> Conversion {
    Converter::new(options()).unwrap().convert(text)
}

#[test]
fn fields_repetitions_components_and_subcomponents_keep_spans() {
    let text = msg(&[
        MSH,
        "PID|1||A1^^^CIP~B2^^^&1.2.3&ISO^MR||GARCIA&&RUIZ^MARIA",
    ]);
    let m = parsed(&text);
    assert_eq!(m.segments().len(), 2);
    let pid = m.segments()[1];
    let pid3 = m.field(&pid, 3);
    let reps: Vec<_> = pid3.repetitions().collect();
    assert_eq!(reps.len(), 2);
    assert_eq!(reps[1].component(1).raw(), b"B2");
    let oid = reps[1].component(4).subcomponent(2);
    assert_eq!(oid.raw(), b"1.2.3");
    assert_eq!(oid.loc.to_string(), "PID-3(2).4.2");
    assert_eq!(&text.as_bytes()[oid.offset()..oid.offset() + 5], b"1.2.3");
    assert_eq!(m.line_col(oid.offset()), (2, 23));
    let family = m.field(&pid, 5).component(1).subcomponent(3);
    assert_eq!(family.text().unwrap().as_deref(), Some("RUIZ"));
    // Absent parts are empty, at a location all the same.
    let absent = m.field(&pid, 29).component(4);
    assert!(absent.is_empty());
    assert_eq!(absent.loc.to_string(), "PID-29.4");
}

#[test]
fn msh_1_and_2_are_the_separators() {
    let m = parsed(MSH);
    assert_eq!(m.msh(1).raw(), b"|");
    assert_eq!(m.msh(2).raw(), b"^~\\&");
    assert_eq!(m.msh(3).raw(), b"HIS");
    assert_eq!(m.msh(9).component(2).raw(), b"A04");
    assert_eq!(m.msh(10).raw(), b"C1");
}

#[test]
fn other_separators_are_read_from_msh() {
    let text = "MSH#$*@!#HIS\rPID#1##X1$$$CIP*X2$$$CIP";
    let m = parsed(text);
    assert_eq!(
        m.separators,
        Separators {
            field: b'#',
            component: b'$',
            repetition: b'*',
            escape: Some(b'@'),
            subcomponent: b'!'
        }
    );
    let pid = m.segments()[1];
    let reps: Vec<_> = m
        .field(&pid, 3)
        .repetitions()
        .map(|r| r.component(1).raw())
        .collect();
    assert_eq!(reps, vec![&b"X1"[..], b"X2"]);
}

#[test]
fn segment_endings_framing_and_bom() {
    for sep in ["\r", "\n", "\r\n"] {
        let text = [MSH, PID, "DG1|1"].join(sep);
        let m = parsed(&text);
        assert_eq!(m.segments().len(), 3, "{sep:?}");
        assert_eq!(m.segments()[2].line, 3, "{sep:?}");
    }
    let framed = format!("\x0b{}\x1c\r", msg(&[MSH, PID]));
    let m = parse(framed.as_bytes(), &Limits::default(), Charset::Utf8).unwrap();
    assert_eq!(m.segments().len(), 2);
    assert_eq!(m.segments()[0].start, 1, "spans stay offsets of the input");
    let bom = format!("\u{feff}{}", msg(&[MSH, PID]));
    assert_eq!(parsed(&bom).segments().len(), 2);
    // Blank lines between segments are skipped but counted.
    let blank = format!("{MSH}\r\r{PID}");
    assert_eq!(parsed(&blank).segments()[1].line, 3);
}

#[test]
fn unreadable_messages_are_parse_errors() {
    let p = |s: &str| parse(s.as_bytes(), &Limits::default(), Charset::Utf8).err();
    assert_eq!(p(""), Some(ParseError::Empty));
    assert_eq!(p("\x0b\x1c\r"), Some(ParseError::Empty));
    assert_eq!(p("PID|1"), Some(ParseError::NoMsh));
    assert_eq!(p("MSH|^~"), Some(ParseError::TruncatedMsh));
    assert_eq!(p("MSH"), Some(ParseError::TruncatedMsh));
    assert_eq!(p("MSH|^^\\&|"), Some(ParseError::BadSeparators));
    assert_eq!(p("MSH|^~A&|"), Some(ParseError::BadSeparators));
    assert_eq!(
        p(&format!("{MSH}\rpid|1")),
        Some(ParseError::BadSegmentId { line: 2 })
    );
    let limits = Limits { max_bytes: 10 };
    assert_eq!(
        parse(MSH.as_bytes(), &limits, Charset::Utf8).err(),
        Some(ParseError::TooLong { limit: 10 })
    );
}

#[test]
fn escapes_are_resolved() {
    let seps = Separators::default();
    let u = |s: &str| escape::unescape(s.as_bytes(), &seps, Charset::Utf8).map(|c| c.into_owned());
    assert_eq!(u("A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\").unwrap(), "A|B^C&D~E\\");
    assert_eq!(u("\\H\\bold\\N\\").unwrap(), "bold");
    assert_eq!(u("JOS\\XC389\\").unwrap(), "JOSÉ");
    assert_eq!(u("\\X41\\\\X4243\\").unwrap(), "ABC");
    assert_eq!(u("A\\Q\\"), Err(DecodeError::Escape(1)));
    assert_eq!(u("A\\F"), Err(DecodeError::Escape(1)));
    assert_eq!(u("\\X4\\"), Err(DecodeError::Escape(0)));
    assert_eq!(u("\\XZZ\\"), Err(DecodeError::Escape(0)));
    assert_eq!(u("\\XFF\\"), Err(DecodeError::Charset(0)));
    // Latin-1 hex escapes are Latin-1 bytes.
    let l = escape::unescape(b"\\XC9\\", &seps, Charset::Latin1).unwrap();
    assert_eq!(l, "É");
    // And back.
    assert_eq!(
        escape("a|b^c&d~e\\f\rg", &seps),
        "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f g"
    );
}

#[test]
fn escape_copies_plain_text_and_escapes_what_needs_it() {
    let seps = Separators::default();
    for plain in ["", "Garcia", "José Núñez", "20260101120000+0100", "a b"] {
        assert_eq!(escape(plain, &seps), plain);
    }
    assert_eq!(escape("Ñ|\n", &seps), "Ñ\\F\\ ");
    // A separator that is not ASCII: characters are compared, not bytes.
    let odd = Separators {
        component: 0xE9,
        ..Separators::default()
    };
    assert_eq!(escape("é", &odd), "\\S\\");
}

#[test]
fn character_sets_decode_to_utf8() {
    assert_eq!(Charset::from_msh18("8859/1"), Some(Charset::Latin1));
    assert_eq!(Charset::from_msh18("unicode utf-8"), Some(Charset::Utf8));
    assert_eq!(Charset::from_msh18("ISO IR87"), None);
    assert_eq!(Charset::Latin1.decode(b"P\xc9REZ").unwrap(), "PÉREZ");
    assert_eq!(Charset::Latin9.decode(b"\xa4").unwrap(), "€");
    assert_eq!(Charset::Ascii.decode(b"AB\xc9"), Err(2));
    assert_eq!(Charset::Utf8.decode(b"AB\xc9"), Err(2));
    assert_eq!(Charset::Latin1.encode("PÉREZ"), b"P\xc9REZ");
    assert_eq!(Charset::Latin9.encode("€"), b"\xa4");
    assert_eq!(Charset::Ascii.encode("É"), b"?");
    // MSH-18 picks the charset; the default applies without it.
    let latin = [&format!("{MSH}||||||8859/1")[..], "PID|1||X||P\u{c9}REZ"].join("\r");
    let bytes: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    let m = parse(&bytes, &Limits::default(), Charset::Utf8).unwrap();
    assert_eq!(m.charset, Charset::Latin1);
    let pid = m.segments()[1];
    assert_eq!(m.field(&pid, 5).text().unwrap().as_deref(), Some("PÉREZ"));
    let m = parse(
        b"MSH|^~\\&|\rPID|1||X||P\xc9REZ",
        &Limits::default(),
        Charset::Latin1,
    )
    .unwrap();
    assert_eq!(m.charset, Charset::Latin1);
    let koi8 = format!("MSH|^~\\&{}KOI8", "|".repeat(16));
    let m = parse(koi8.as_bytes(), &Limits::default(), Charset::Utf8).unwrap();
    assert_eq!(m.msh(18).raw(), b"KOI8");
    assert!(m.unknown_charset);
}

#[test]
fn location_notation_and_err_forms() {
    let mut l = Location::segment(*b"PID", 1).with_field(3);
    assert_eq!(l.to_string(), "PID-3");
    assert_eq!(l.erl(), "PID^1^3^1");
    l.repetition = 2;
    l.component = 4;
    assert_eq!(l.to_string(), "PID-3(2).4");
    assert_eq!(l.erl(), "PID^1^3^2^4");
    l.subcomponent = 2;
    assert_eq!(l.to_string(), "PID-3(2).4.2");
    assert_eq!(l.erl(), "PID^1^3^2^4^2");
    let dg1 = Location::segment(*b"DG1", 2).with_field(5);
    assert_eq!(dg1.to_string(), "DG1[2]-5");
    assert_eq!(dg1.erl(), "DG1^2^5^1");
    assert_eq!(
        dg1.eld(102, "Data type error"),
        "DG1^2^5^102&Data type error&HL70357"
    );
    assert_eq!(Location::segment(*b"PID", 1).to_string(), "PID");
    assert_eq!(Location::segment(*b"PID", 1).erl(), "PID^1");
}

#[test]
fn dates_keep_precision_and_times_need_a_zone() {
    let d = |s: &str| parse_dtm(s).map(|d| d.date());
    assert_eq!(d("1980").as_deref(), Some("1980"));
    assert_eq!(d("198006").as_deref(), Some("1980-06"));
    assert_eq!(d("19800616").as_deref(), Some("1980-06-16"));
    assert_eq!(d("198006161230").as_deref(), Some("1980-06-16"));
    for bad in [
        "19801345",
        "19800230",
        "1980061",
        "1980-06-16",
        "",
        "19800616+01",
        "20240229250000",
    ] {
        assert!(parse_dtm(bad).is_none(), "{bad}");
    }
    assert!(parse_dtm("20240229").is_some(), "leap day");
    let t = parse_dtm("202403151030").unwrap();
    assert_eq!(t.date_time(None), Err(TimeError::NoZone));
    assert_eq!(t.date_time(Some(60)).unwrap(), "2024-03-15T10:30:00+01:00");
    let t = parse_dtm("20240315103000.123-0500").unwrap();
    assert_eq!(
        t.instant(Some(60)).unwrap(),
        "2024-03-15T10:30:00.123-05:00"
    );
    assert_eq!(
        parse_dtm("19800616").unwrap().date_time(None).unwrap(),
        "1980-06-16"
    );
    assert_eq!(parse_offset("+01:00"), Some(60));
    assert_eq!(parse_offset("-0530"), Some(-330));
    assert_eq!(parse_offset("Z"), Some(0));
    assert_eq!(parse_offset("Europe/Madrid"), None);
    assert_eq!(parse_offset("+1:00"), None);
}

#[test]
fn tables_map_and_refuse() {
    assert_eq!(tables::gender("A"), Some("other"));
    assert_eq!(tables::gender("N"), Some("unknown"));
    assert_eq!(tables::gender("X"), None);
    assert_eq!(tables::marital_status("A"), Some("L"), "v2 A is separated");
    assert_eq!(tables::marital_status("C"), Some("T"));
    assert_eq!(tables::marital_status("Z"), None);
    assert!(tables::identifier_type("NNESP") && tables::identifier_type("JHN"));
    assert!(!tables::identifier_type("NNES") && !tables::identifier_type("ZZ"));
    assert_eq!(tables::language("spa").as_deref(), Some("es"));
    assert_eq!(tables::language("en_gb").as_deref(), Some("en-GB"));
    assert_eq!(tables::language("99"), None);
    use tables::Diabetes::*;
    assert_eq!(tables::diabetes("I10", "E11"), Some(Shorthand("type2")));
    assert_eq!(
        tables::diabetes("ICD10", "e10.9"),
        Some(Icd10(Some(("46635009", "Diabetes mellitus type 1"))))
    );
    assert_eq!(tables::diabetes("I10", "E13.9"), Some(Icd10(None)));
    assert_eq!(tables::diabetes("I10", "E1"), None);
    assert_eq!(
        tables::diabetes("I10", "E110"),
        Some(Icd10(Some(("44054006", "Diabetes mellitus type 2"))))
    );
    assert_eq!(tables::diabetes("I10", "I10"), None);
    assert_eq!(
        tables::diabetes("SCT", "11687002"),
        Some(Shorthand("gestational"))
    );
    assert_eq!(tables::diabetes("LN", "E11"), None);
}

#[test]
fn builder_and_validator_issues_are_traced_to_hl7_fields() {
    // An e-mail that the builder refuses: PID-13(2).4 and its FHIRPath.
    let text = msg(&[MSH, "PID|1||AAAA1234567890^^^CIP^JHN||GARCIA^MARIA||19750616|F|||||^PRN^PH^^34^91^5551234~^NET^Internet^nope", "DG1|1||E11^^I10"]);
    let c = convert(text.as_bytes());
    assert_eq!(c.ack_code, AckCode::Error);
    let e = &c.issues[0];
    assert_eq!(e.message_id, "PFHIR-H0307");
    assert_eq!(
        e.location.map(|l| l.to_string()).as_deref(),
        Some("PID-13(2).4")
    );
    assert_eq!(
        e.expression.as_deref(),
        Some("Bundle.entry[1].resource.telecom[1]")
    );
    assert_eq!((e.line, e.column), (2, 100));
    // A validator warning (no gender) points at PID-8.
    let text = msg(&[
        MSH,
        "PID|1||AAAA1234567890^^^CIP^JHN||GARCIA^MARIA||19750616",
        "DG1|1||E11^^I10",
    ]);
    let c = convert(text.as_bytes());
    assert_eq!(c.ack_code, AckCode::Accept);
    let w = c
        .issues
        .iter()
        .find(|i| i.message_id == "PFHIR-V0515")
        .expect("no gender warning");
    assert_eq!(w.location.map(|l| l.to_string()).as_deref(), Some("PID-8"));
    assert_eq!(
        w.expression.as_deref(),
        Some("Bundle.entry[1].resource.gender")
    );
    let json = c.outcome_json();
    assert!(json.contains("\"location\":[\"PID-8\"]"), "{json}");
}

#[test]
fn ack_layout_per_version() {
    let bad = |version: &str, typ: &str| {
        msg(&[
            &MSH.replace("2.5.1", version)
                .replace("ADT^A04^ADT_A01", typ),
            "PID|1||AAAA1234567890^^^CIP^JHN||GARCIA^MARIA||19801345|F",
        ])
    };
    let ack_of = |text: &str| {
        let c = convert(text.as_bytes());
        String::from_utf8(ack(&c, &options())).unwrap()
    };
    let a = ack_of(&bad("2.5.1", "ADT^A04^ADT_A01"));
    let lines: Vec<&str> = a.split('\r').collect();
    assert_eq!(lines[0], "MSH|^~\\&|PFHIR|PARTNER|HIS|HOSP^2.16.724.4.2^ISO|20260101000000+0000||ACK^A04^ACK|A1|P|2.5.1");
    assert_eq!(lines[1], "MSA|AE|C1");
    assert_eq!(
        lines[2],
        "ERR||PID^1^7^1|102^Data type error^HL70357|E||||PID-7 is not an HL7 v2 date/time (YYYY[MM[DD[HHMM[SS[.S]]]]][+/-ZZZZ])"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ERR|||0^Message accepted^HL70357|W||||")),
        "warnings in v2.5+: {a}"
    );
    // v2.3: ACK^event, ERR-1 as well, errors only.
    let a = ack_of(&bad("2.3", "ADT^A04"));
    let lines: Vec<&str> = a.split('\r').collect();
    assert!(lines[0].ends_with("||ACK^A04|A1|P|2.3"), "{}", lines[0]);
    assert_eq!(
        lines[2],
        "ERR|PID^1^7^102&Data type error&HL70357|PID^1^7^1|102^Data type error^HL70357|E||||PID-7 is not an HL7 v2 date/time (YYYY[MM[DD[HHMM[SS[.S]]]]][+/-ZZZZ])"
    );
    assert_eq!(lines.len(), 4, "no warning ERR in v2.3: {a}");
    let a = ack_of(&bad("2.4", "ADT^A04^ADT_A01"));
    assert!(a.contains("||ACK^A04^ACK|A1|P|2.4\r"));
    assert!(a.contains("\rERR|PID^1^7^102&"));
    // AR: unsupported event, with its ERR.
    let a = ack_of(&bad("2.5.1", "ADT^A03^ADT_A03"));
    assert!(a.contains("\rMSA|AR|C1\r"), "{a}");
    assert!(
        a.contains("\rERR||MSH^1^9^1^2|201^Unsupported event code^HL70357|E||||"),
        "{a}"
    );
    // AR without MSH: no MSA-2, default version.
    let c = convert(b"garbage");
    assert_eq!(c.ack_code, AckCode::Reject);
    let a = String::from_utf8(ack(&c, &options())).unwrap();
    assert!(a.starts_with("MSH|^~\\&|||||20260101000000+0000||ACK|A1|P|2.5.1\rMSA|AR|\rERR||MSH^1|100^Segment sequence error^HL70357|E||||"), "{a}");
}

#[test]
fn ack_echoes_header_values_escaped_and_in_the_message_charset() {
    let text = "MSH|^~\\&|H\\T\\S|F\u{c9}|||20240315103000+0100||ADT^A04|C\\F\\1|T|2.5.1||||||8859/1\rPID|1";
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let c = convert(&bytes);
    let a = ack(&c, &options());
    let expected = "MSH|^~\\&|||H\\T\\S|F\u{c9}|20260101000000+0000||ACK^A04^ACK|A1|T|2.5.1||||||8859/1\rMSA|AE|C\\F\\1\r";
    let expected: Vec<u8> = expected.chars().map(|c| c as u32 as u8).collect();
    assert_eq!(
        &a[..expected.len()],
        &expected[..],
        "{}",
        String::from_utf8_lossy(&a)
    );
}

#[test]
fn update_events_use_the_platform_id_or_the_business_id() {
    let upd = msg(&[
        &MSH.replace("ADT^A04^ADT_A01", "ADT^A08^ADT_A01"),
        PID,
        "DG1|1||E11^^I10",
    ]);
    let c = convert(upd.as_bytes());
    assert_eq!(c.kind, Some(EventKind::Update));
    assert_eq!(
        c.input.as_ref().unwrap().ids.patient.as_deref(),
        Some("AAAA1234567890")
    );
    assert!(c.issues.iter().any(|i| i.message_id == "PFHIR-H0403"));
    let conv = Converter::new(Hl7Options {
        patient_id: Some("abc-1".into()),
        ..options()
    })
    .unwrap();
    let c = conv.convert(upd.as_bytes());
    assert_eq!(
        c.input.as_ref().unwrap().ids.patient.as_deref(),
        Some("abc-1")
    );
    assert!(!c.issues.iter().any(|i| i.message_id == "PFHIR-H0403"));
    assert_eq!(c.ack_code, AckCode::Accept);
}

#[test]
fn options_are_checked() {
    let mut o = Hl7Options::default();
    assert!(o.add_namespace("HOSP=urn:oid:1.2.3").is_ok());
    assert!(o.add_namespace("HOSP").is_err());
    assert!(o.add_namespace("=urn:oid:1").is_err());
    assert!(o.add_namespace("HOSP=not a uri").is_err());
    assert_eq!(o.namespaces.iter().filter(|(n, _)| n == "HOSP").count(), 1);
}

#[test]
fn converter_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Converter>();
}

#[test]
fn outcome_without_findings_is_the_all_ok_note_every_time() {
    let mut c = convert(msg(&[MSH, PID]).as_bytes());
    let with_findings = c.outcome_json();
    assert_eq!(with_findings, outcome_text(&c.issues));
    c.issues.clear();
    let fresh = String::from_utf8(crate::model::to_vec(&operation_outcome(&[]))).expect("utf-8");
    assert!(fresh.contains("No issue was found."), "{fresh}");
    assert_eq!(c.outcome_json(), fresh);
    assert_eq!(c.outcome_json(), fresh);
}

#[test]
fn bundle_json_is_what_the_typed_model_writes_and_can_be_taken_once() {
    let mut c = convert(msg(&[MSH, PID]).as_bytes());
    let json = c.bundle_json().expect("its JSON");
    let typed: crate::model::Bundle =
        crate::model::from_slice(&json, crate::model::ReadMode::Strict).expect("reads back");
    assert_eq!(crate::model::to_vec(&typed), json);
    assert_eq!(c.take_bundle_json(), Some(json));
    assert_eq!(c.bundle_json(), None);
    assert_eq!(c.take_bundle_json(), None);
}

#[test]
fn ack_without_fixed_time_and_id_takes_the_clock_and_a_uuid() {
    let opts = Hl7Options {
        utc_offset: Some(60),
        ..Hl7Options::default()
    };
    let c = Converter::new(opts.clone())
        .unwrap()
        .convert(msg(&[MSH, PID]).as_bytes());
    let a = String::from_utf8(ack(&c, &opts)).unwrap();
    let msh: Vec<&str> = a.split('\r').next().unwrap().split('|').collect();
    let (time, control_id) = (msh[6], msh[9]);
    assert_eq!(time.len(), "20260101120000.123+0000".len(), "{time}");
    assert!(
        time.ends_with("+0000") && time.as_bytes()[14] == b'.',
        "{time}"
    );
    assert!(time[..14].bytes().all(|b| b.is_ascii_digit()), "{time}");
    assert!(parse_dtm(time).is_some(), "{time}");
    assert_eq!(control_id.len(), 36, "{control_id}");
    assert_eq!(control_id.as_bytes()[14], b'4', "{control_id}");
    assert_eq!(
        super::ack::dtm_of_instant("2026-11-30T00:15:00.123Z"),
        "20261130001500.123+0000"
    );
}

#[test]
fn traces_are_made_only_when_an_issue_needs_locating_and_then_equal_map() {
    // No finding (or none inside an entry: "no Condition"): no traces (the input is there
    // all the same).
    let clean = msg(&[MSH, PID, "DG1|1||E11^Type 2 diabetes mellitus^I10"]);
    let c = convert(clean.as_bytes());
    assert_eq!(c.ack_code, AckCode::Accept, "{:?}", c.issues);
    assert!(c.issues.is_empty(), "{:?}", c.issues);
    assert!(c.traces.is_empty() && c.input.is_some());
    let no_condition = convert(msg(&[MSH, PID]).as_bytes());
    assert_eq!(no_condition.ack_code, AckCode::Accept);
    assert!(no_condition
        .issues
        .iter()
        .all(|i| i.expression.as_deref() == Some("Bundle.entry")));
    assert!(no_condition.traces.is_empty());
    // A validator finding (no gender) is located through traces made by mapping again:
    // the same traces map() gives.
    let no_gender = msg(&[
        MSH,
        "PID|1||AAAA1234567890^^^CIP^JHN||GARCIA&&RUIZ^MARIA||19750616",
    ]);
    let c = convert(no_gender.as_bytes());
    assert!(!c.issues.is_empty());
    assert!(
        c.issues
            .iter()
            .any(|i| i.location.map(|l| l.to_string()) == Some("PID-8".into())),
        "{:?}",
        c.issues
    );
    let m = parsed(&no_gender);
    assert_eq!(c.traces, map(&m, &options(), EventKind::Create).traces);
    assert!(!c.traces.is_empty());
    assert!(c
        .traces
        .iter()
        .all(|t| t.expression.starts_with(map::TRACED_ROOT)));
    // So does every trace of a message using every mapped part.
    let rich = msg(&[
        MSH,
        "PID|1||A1^^^CIP~B2^^^&1.2.3&ISO^MR||GARCIA&&RUIZ^MARIA^JOSE||19750616|F|||C/ Mayor 1^Piso 2^Madrid^M^28001^ESP^H||^PRN^PH^^34^91^5551234~^NET^Internet^a@b.es||es|M||||||||||||||20200101",
        "DG1|1||E11^^I10||20200101|F",
        "DG1|2||E10^^I10",
    ]);
    let m = parsed(&rich);
    let all = map(&m, &options(), EventKind::Create).traces;
    assert!(all.len() > 20, "{all:?}");
    for t in &all {
        assert!(t.expression.starts_with(map::TRACED_ROOT), "{t:?}");
    }
}
