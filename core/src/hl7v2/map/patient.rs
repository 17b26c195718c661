//! PID -> the Patient's PatientInput members (identifiers, name, birth date, gender,
//! addresses, telecoms, language, marital status, death).

use super::{Mapper, PATIENT};
use crate::build::{
    AddressInput, CommunicationInput, DeceasedInput, EmailInput, IdentifierInput, PhoneInput,
};
use crate::hl7v2::issue::Hl7MessageId as H;
use crate::hl7v2::parse::{Segment, Value};
use crate::hl7v2::tables::{self, Telecom};
use crate::hl7v2::time::{parse_dtm, TimeError};
use std::borrow::Cow;

impl Mapper<'_, '_> {
    pub(super) fn patient(&mut self, pid: &Segment) {
        self.identifiers(pid);
        self.name(pid);
        // The whole fields too, so that the validator's "no name / birthDate / gender"
        // warnings point at them.
        for (n, element, path) in [
            (5, "name", patient!(".name")),
            (7, "birthDate", patient!(".birthDate")),
            (8, "gender", patient!(".gender")),
        ] {
            let v = self.msg.field(pid, n);
            trace!(self, element, &v, path);
        }
        let pid7 = self.msg.field(pid, 7);
        if let Some(t) = self.text_ref(pid7.component(1)) {
            trace!(self, "birthDate", &pid7, patient!(".birthDate"));
            match parse_dtm(&t) {
                Some(d) => self.out.input.birth_date = Some(d.date()),
                None => self.time_error(&pid7, TimeError::Format),
            }
        }
        let pid8 = self.msg.field(pid, 8);
        if let Some(t) = self.text_ref(pid8.component(1)) {
            trace!(self, "gender", &pid8, patient!(".gender"));
            match tables::gender(&t) {
                Some(g) => self.out.input.gender = Some(g.to_string()),
                None => self.issue(
                    H::NotInTable,
                    &pid8,
                    "PID-8 is not in table 0001 (M, F, O, U, A, N)",
                ),
            }
        }
        self.addresses(pid);
        self.telecoms(pid);
        let pid15 = self.msg.field(pid, 15);
        if let Some(t) = self.text_ref(pid15.component(1)) {
            trace!(
                self,
                "communication[0]",
                &pid15,
                patient!(".communication[0]")
            );
            match tables::language(&t) {
                Some(tag) => self.out.input.communication.push(CommunicationInput {
                    language: tag,
                    preferred: Some(true),
                }),
                None => self.issue(
                    H::NotInTable,
                    &pid15,
                    "PID-15 is not a language code (ISO 639-1, ISO 639-2 or BCP 47)",
                ),
            }
        }
        let pid16 = self.msg.field(pid, 16);
        if let Some(t) = self.text_ref(pid16.component(1)) {
            trace!(self, "maritalStatus", &pid16, patient!(".maritalStatus"));
            match tables::marital_status(&t) {
                Some(code) => self.out.input.marital_status = Some(code.to_string()),
                None => self.issue(H::NotInTable, &pid16, "PID-16 is not in table 0002"),
            }
        }
        self.deceased(pid);
    }

    /// PID-3: every repetition with an identifier system becomes an identifier.
    fn identifiers(&mut self, pid: &Segment) {
        let pid3 = self.msg.field(pid, 3);
        let mut accepted = false;
        for rep in pid3.repetitions() {
            if rep.is_empty() {
                continue;
            }
            let cx1 = rep.component(1);
            let cx4 = rep.component(4);
            let cx5 = rep.component(5);
            let Some(value) = self.text(cx1) else {
                self.issue(
                    H::MissingField,
                    &cx1,
                    format!("{} (the identifier) is empty", cx1.loc),
                );
                continue;
            };
            let namespace = self.text_ref(cx4.subcomponent(1));
            let universal = self.text(cx4.subcomponent(2));
            let universal_type = self.text_ref(cx4.subcomponent(3));
            let system = match (&universal, &universal_type) {
                (Some(oid), Some(t)) if t.eq_ignore_ascii_case("ISO") => {
                    if !crate::validate::primitives::is_bare_oid(oid) {
                        self.issue(
                            H::NotInTable,
                            &cx4.subcomponent(2),
                            format!("{} is not an OID", cx4.subcomponent(2).loc),
                        );
                        continue;
                    }
                    cat!("urn:oid:", oid)
                }
                _ => {
                    let found = namespace.as_deref().and_then(|ns| {
                        self.opts
                            .namespaces
                            .iter()
                            .find(|(n, _)| n.eq_ignore_ascii_case(ns))
                            .map(|(_, s)| s.clone())
                    });
                    match found {
                        Some(s) => s,
                        None => {
                            self.issue(
                                H::UnknownNamespace,
                                &cx4,
                                format!(
                                    "{} names no ISO OID and no namespace of the authority table: this identifier is not sent",
                                    cx4.loc
                                ),
                            );
                            continue;
                        }
                    }
                }
            };
            let type_ = match self.text(cx5) {
                Some(t) if tables::identifier_type(&t) => Some(t),
                Some(_) => {
                    self.issue(
                        H::NotInTable,
                        &cx5,
                        format!("{} is not in table 0203", cx5.loc),
                    );
                    None
                }
                None => None,
            };
            accepted |= self.opts.accepts(&system);
            let i = self.out.input.identifiers.len();
            if self.tracing {
                self.identifier_traces(i, [&rep, &cx1, &cx4, &cx5, &cx4.subcomponent(1)]);
            }
            self.out.input.identifiers.push(IdentifierInput {
                system,
                value,
                use_: None,
                type_,
                assigner: namespace.map(Cow::into_owned),
            });
        }
        // The builder reports `authority` / `identifiers` when none is accepted: both are PID-3.
        for field in ["identifiers", "authority", "patientId"] {
            trace!(self, field, &pid3, patient!(".identifier"));
        }
        if !accepted
            && !self.out.issues.iter().any(|i| {
                i.location
                    .is_some_and(|l| l.segment == *b"PID" && l.field == 3 && i.severity.is_error())
            })
        {
            let mut names = vec!["cip".to_string(), "meteda".to_string()];
            names.extend(self.opts.extra_authorities.iter().cloned());
            self.issue(
                H::NoAcceptedAuthority,
                &pid3,
                format!(
                    "PID-3 has no identifier of an accepted assigning authority ({})",
                    names.join(", ")
                ),
            );
        }
    }

    /// The traces of identifier `i`: the repetition, CX.1, CX.4, CX.5, CX.4.1.
    fn identifier_traces(&mut self, i: usize, at: [&Value<'_, '_>; 5]) {
        let path = cat!(PATIENT, ".identifier[", i, "]");
        let [rep, cx1, cx4, cx5, cx41] = at;
        self.trace(cat!("identifiers[", i, "]"), rep, path.clone());
        self.trace(
            cat!("identifiers[", i, "].value"),
            cx1,
            cat!(path, ".value"),
        );
        self.trace(
            cat!("identifiers[", i, "].system"),
            cx4,
            cat!(path, ".system"),
        );
        self.trace(cat!("identifiers[", i, "].type"), cx5, cat!(path, ".type"));
        self.trace(
            cat!("identifiers[", i, "].assigner"),
            cx41,
            path + ".assigner",
        );
    }

    /// PID-5: the legal name (XPN.7 `L`), else the first; FN.1 the family name, or with
    /// FN.3 the Spanish pair (FN.1 father's, FN.3 mother's); XPN.2 and XPN.3 given names.
    fn name(&mut self, pid: &Segment) {
        let pid5 = self.msg.field(pid, 5);
        let reps: Vec<Value<'_, '_>> = pid5.repetitions().filter(|r| !r.is_empty()).collect();
        let Some(xpn) = reps
            .iter()
            .find(|r| r.component(7).raw() == b"L")
            .or_else(|| reps.first())
            .copied()
        else {
            return;
        };
        let fn1 = xpn.component(1).subcomponent(1);
        let fn3 = xpn.component(1).subcomponent(3);
        let family = patient!(".name[0].family");
        match (self.text(fn1), self.text(fn3)) {
            (Some(first), Some(second)) => {
                self.out.input.fathers_family = Some(first);
                self.out.input.mothers_family = Some(second);
                trace!(self, "fathersFamily", &fn1, family);
                trace!(self, "mothersFamily", &fn3, family);
            }
            (Some(f), None) | (None, Some(f)) => {
                self.out.input.family_name = Some(f);
                trace!(self, "familyName", &fn1, family);
            }
            (None, None) => {}
        }
        for comp in [2, 3] {
            let v = xpn.component(comp);
            if let Some(g) = self.text(v) {
                let i = self.out.input.given_names.len();
                trace!(
                    self,
                    cat!("givenNames[", i, "]"),
                    &v,
                    cat!(PATIENT, ".name[0].given[", i, "]"),
                );
                self.out.input.given_names.push(g);
            }
        }
    }

    /// PID-11: one address per repetition.
    fn addresses(&mut self, pid: &Segment) {
        let pid11 = self.msg.field(pid, 11);
        for rep in pid11.repetitions() {
            let i = self.out.input.addresses.len();
            let f = if self.tracing {
                cat!("addresses[", i, "]")
            } else {
                String::new()
            };
            let mut a = AddressInput::default();
            for (comp, v) in [(1, rep.component(1).subcomponent(1)), (2, rep.component(2))] {
                if let Some(line) = self.text(v) {
                    trace!(
                        self,
                        cat!(f, ".lines[", a.lines.len(), "]"),
                        &v,
                        cat!(PATIENT, ".address[", i, "].line[", a.lines.len(), "]"),
                    );
                    a.lines.push(line);
                }
                let _ = comp;
            }
            let parts: [(u16, &str, &str); 5] = [
                (3, "city", "city"),
                (4, "state", "state"),
                (5, "postalCode", "postalCode"),
                (6, "country", "country"),
                (9, "district", "district"),
            ];
            for (comp, field, element) in parts {
                let v = rep.component(comp);
                let Some(t) = self.text(v) else { continue };
                trace!(
                    self,
                    cat!(f, ".", field),
                    &v,
                    cat!(PATIENT, ".address[", i, "].", element),
                );
                let slot = match comp {
                    3 => &mut a.city,
                    4 => &mut a.state,
                    5 => &mut a.postal_code,
                    6 => &mut a.country,
                    _ => &mut a.district,
                };
                *slot = Some(t);
            }
            if a == AddressInput::default() {
                continue;
            }
            let xad7 = rep.component(7);
            if let Some(t) = self.text(xad7) {
                let (use_, type_) = tables::address_type(&t);
                a.use_ = use_.map(str::to_string);
                a.type_ = type_.map(str::to_string);
            }
            trace!(self, f, &rep, cat!(PATIENT, ".address[", i, "]"));
            self.out.input.addresses.push(a);
        }
    }

    /// PID-13 (home) and PID-14 (business): phones, then e-mails, in Patient.telecom.
    fn telecoms(&mut self, pid: &Segment) {
        let mut phones: Vec<(PhoneInput, Value<'_, '_>)> = Vec::new();
        let mut emails: Vec<(EmailInput, Value<'_, '_>)> = Vec::new();
        for (n, default_use) in [(13, "home"), (14, "work")] {
            let field = self.msg.field(pid, n);
            for rep in field.repetitions() {
                if rep.is_empty() {
                    continue;
                }
                let use_code = self.text_ref(rep.component(2)).unwrap_or_default();
                let equipment = self.text_ref(rep.component(3)).unwrap_or_default();
                match tables::telecom(&use_code, &equipment) {
                    Telecom::NotSent => self.issue(
                        H::TelecomNotSent,
                        &rep,
                        format!("{} is a fax, pager, modem or text phone: not sent", rep.loc),
                    ),
                    Telecom::Email => {
                        let v = rep.component(4);
                        let (value, at) = match self.text(v) {
                            Some(e) => (Some(e), v),
                            None => (self.text(rep.component(1)), rep.component(1)),
                        };
                        if let Some(value) = value {
                            emails.push((
                                EmailInput {
                                    value,
                                    use_: Some(default_use.to_string()),
                                },
                                at,
                            ));
                        }
                    }
                    Telecom::Phone(use_) => {
                        let parts: Vec<String> = [5, 6, 7]
                            .iter()
                            .filter_map(|&c| self.text(rep.component(c)))
                            .collect();
                        let (value, at) = if parts.is_empty() {
                            (self.text(rep.component(1)), rep.component(1))
                        } else {
                            let country = self.text(rep.component(5));
                            let mut number = parts.join(" ");
                            if country.is_some() && !number.starts_with('+') {
                                number.insert(0, '+');
                            }
                            if let Some(ext) = self.text(rep.component(8)) {
                                number.push_str(" ext. ");
                                number.push_str(&ext);
                            }
                            (Some(number), rep)
                        };
                        if let Some(value) = value {
                            let use_ = use_.unwrap_or(default_use);
                            phones.push((
                                PhoneInput {
                                    value,
                                    use_: Some(use_.to_string()),
                                },
                                at,
                            ));
                        }
                    }
                }
            }
        }
        let count = phones.len();
        for (i, (p, at)) in phones.into_iter().enumerate() {
            trace!(
                self,
                cat!("phones[", i, "]"),
                &at,
                cat!(PATIENT, ".telecom[", i, "]"),
            );
            self.out.input.phones.push(p);
        }
        for (i, (e, at)) in emails.into_iter().enumerate() {
            trace!(
                self,
                cat!("emails[", i, "]"),
                &at,
                cat!(PATIENT, ".telecom[", count + i, "]"),
            );
            self.out.input.emails.push(e);
        }
    }

    /// PID-29 (date/time of death) or PID-30 (death indicator, Y/N).
    fn deceased(&mut self, pid: &Segment) {
        let pid29 = self.msg.field(pid, 29);
        if let Some(t) = self.text_ref(pid29.component(1)) {
            match parse_dtm(&t)
                .ok_or(TimeError::Format)
                .and_then(|d| d.date_time(self.opts.utc_offset))
            {
                Ok(dt) => {
                    self.out.input.deceased = Some(DeceasedInput::DateTime(dt));
                    trace!(self, "deceased", &pid29, patient!(".deceasedDateTime"));
                }
                Err(e) => self.time_error(&pid29, e),
            }
            return;
        }
        let pid30 = self.msg.field(pid, 30);
        if let Some(t) = self.text_ref(pid30.component(1)) {
            let flag = match &*t {
                "Y" => true,
                "N" => false,
                _ => {
                    self.issue(H::NotInTable, &pid30, "PID-30 is not in table 0136 (Y, N)");
                    return;
                }
            };
            self.out.input.deceased = Some(DeceasedInput::Flag(flag));
            trace!(self, "deceased", &pid30, patient!(".deceasedBoolean"));
        }
    }
}
