//! DG1 -> Conditions: diabetes diagnoses are sent, the others noted.

use super::Mapper;
use crate::build::{CodeInput, ConditionInput};
use crate::hl7v2::issue::Hl7MessageId as H;
use crate::hl7v2::parse::Segment;
use crate::hl7v2::tables::{self, Diabetes};
use crate::hl7v2::time::{parse_dtm, TimeError};
use crate::profile::SNOMED_SYSTEM;

/// The ICD-10 (WHO) code system.
const ICD10_SYSTEM: &str = "http://hl7.org/fhir/sid/icd-10";

impl Mapper<'_, '_> {
    /// DG1: each diabetes diagnosis becomes a Condition; others are noted and not sent.
    pub(super) fn diagnoses(&mut self) {
        let segments: Vec<Segment> = self.msg.segments_with(b"DG1").copied().collect();
        for seg in &segments {
            let dg3 = self.msg.field(seg, 3);
            let code = self.text_ref(dg3.component(1));
            let display = self.text(dg3.component(2));
            let system = self.text_ref(dg3.component(3)).unwrap_or_default();
            let kind = code.as_deref().and_then(|c| tables::diabetes(&system, c));
            let Some(kind) = kind else {
                self.issue(
                    H::DiagnosisNotSent,
                    &dg3,
                    format!("{} is not a diabetes diagnosis (ICD-10 E10-E14, O24.4; SNOMED CT): not sent", dg3.loc),
                );
                continue;
            };
            let mut c = ConditionInput::default();
            match kind {
                Diabetes::Shorthand(s) => c.diabetes = Some(s.to_string()),
                Diabetes::Icd10(snomed) => {
                    if let Some((s, d)) = snomed {
                        c.codings.push(CodeInput {
                            system: SNOMED_SYSTEM.to_string(),
                            code: s.to_string(),
                            display: Some(d.to_string()),
                        });
                    }
                    c.codings.push(CodeInput {
                        system: ICD10_SYSTEM.to_string(),
                        code: code.as_deref().unwrap_or_default().to_ascii_uppercase(),
                        display,
                    });
                }
            }
            let i = self.out.input.conditions.len();
            let path = if self.tracing {
                cat!("Bundle.entry[", i + 2, "].resource")
            } else {
                String::new()
            };
            let dg5 = self.msg.field(seg, 5);
            if let Some(t) = self.text_ref(dg5.component(1)) {
                match parse_dtm(&t)
                    .ok_or(TimeError::Format)
                    .and_then(|d| d.date_time(self.opts.utc_offset))
                {
                    Ok(dt) => {
                        c.onset = Some(dt);
                        trace!(
                            self,
                            cat!("conditions[", i, "].onset"),
                            &dg5,
                            cat!(path, ".onsetDateTime"),
                        );
                    }
                    Err(e) => self.time_error(&dg5, e),
                }
            }
            let dg6 = self.msg.field(seg, 6);
            if let Some(status) = self
                .text(dg6.component(1))
                .as_deref()
                .and_then(tables::verification_status)
            {
                c.verification_status = Some(status.to_string());
                trace!(
                    self,
                    cat!("conditions[", i, "].verificationStatus"),
                    &dg6,
                    cat!(path, ".verificationStatus"),
                );
            }
            trace!(
                self,
                cat!("conditions[", i, "].diabetes"),
                &dg3,
                cat!(path, ".code"),
            );
            trace!(
                self,
                cat!("conditions[", i, "].codings"),
                &dg3,
                cat!(path, ".code"),
            );
            trace!(
                self,
                cat!("conditions[", i, "]"),
                &self.msg.field(seg, 0),
                path
            );
            self.out.input.conditions.push(c);
        }
    }
}
