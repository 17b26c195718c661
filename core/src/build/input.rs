//! `PatientInput`: the flat, EMR-shaped description of a patient that pfhir turns into a
//! partner message Bundle.
//!
//! Its JSON form (camelCase members) is pfhir's input contract for every binding; see
//! `docs/patient-input.md`. Reading is strict: an unknown member is an error that names it,
//! and no error message repeats a value (they are patient data).

use serde::Serialize;
use serde_json::Value;

/// A phone number of the patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneInput {
    /// The number, as the EMR holds it.
    pub value: String,
    /// `home`, `work`, `mobile`, `temp` or `old` (ContactPoint.use).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

/// The patient's postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressInput {
    /// Street lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// District or county.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// State or province.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country (ISO 3166 code or name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `home`, `work`, `temp` or `old` (Address.use).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

/// A coded condition (when `diabetes` is not enough).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeInput {
    /// Code system URI (SNOMED CT: `http://snomed.info/sct`).
    pub system: String,
    /// The code.
    pub code: String,
    /// Its display text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// Ids to use instead of generated ones (for reproducible output, or the platform's
/// Patient id on update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdsInput {
    /// Bundle.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// MessageHeader.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_header: Option<String>,
    /// Patient.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// Condition.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// A patient as an EMR holds it. See the module docs and `docs/patient-input.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientInput {
    /// Assigning authority of the patient id: `cip`, `meteda`, or an identifier system URI.
    pub authority: String,
    /// The patient's id at that authority (Patient.identifier.value).
    pub patient_id: String,
    /// Family name(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Given names, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub given_names: Vec<String>,
    /// `male`, `female`, `other`, `unknown` (HL7 v2 `M`, `F`, `O`, `U` accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Birth date: `YYYY-MM-DD` (also `YYYY`, `YYYY-MM`, and HL7 v2 `YYYYMMDD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Phone numbers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<PhoneInput>,
    /// E-mail address (must be unique on the platform).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Postal address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressInput>,
    /// Whether the patient record is active (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// `type1`, `type2`, `gestational` or `unspecified` (coded in SNOMED CT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diabetes: Option<String>,
    /// A coded condition instead of `diabetes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<CodeInput>,
    /// Onset of the condition: a date or a dateTime with time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset: Option<String>,
    /// Condition.clinicalStatus (default `active`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<String>,
    /// OID of the sending organization (`2.16.724.4.2` or `urn:oid:2.16.724.4.2`).
    pub organization_oid: String,
    /// MessageHeader.source.software (default `pfhir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_name: Option<String>,
    /// MessageHeader.source.version (default pfhir's version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// Ids to use instead of generated ones.
    #[serde(skip_serializing_if = "is_default_ids")]
    pub ids: IdsInput,
    /// MessageHeader.timestamp (an instant; default: now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

fn is_default_ids(ids: &IdsInput) -> bool {
    *ids == IdsInput::default()
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, as in the JSON form (`birthDate`, `phones[1].use`).
    pub field: String,
    /// What is wrong (never the value).
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Collects field errors while reading a JSON object.
struct Reader<'v> {
    obj: &'v serde_json::Map<String, Value>,
    prefix: String,
    errors: &'v mut Vec<FieldError>,
}

impl<'v> Reader<'v> {
    fn error(&mut self, name: &str, message: &str) {
        self.errors.push(FieldError {
            field: format!("{}{name}", self.prefix),
            message: message.to_string(),
        });
    }

    fn check_members(&mut self, known: &[&str]) {
        let unknown: Vec<String> = self
            .obj
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .cloned()
            .collect();
        for k in unknown {
            self.error(
                &k,
                &format!("unknown field (expected one of: {})", known.join(", ")),
            );
        }
    }

    fn string(&mut self, name: &str) -> Option<String> {
        match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.error(name, "must be a string");
                None
            }
        }
    }

    fn required_string(&mut self, name: &str) -> String {
        let v = self.string(name);
        if v.is_none()
            && !self
                .errors
                .iter()
                .any(|e| e.field == format!("{}{name}", self.prefix))
        {
            self.error(name, "is required");
        }
        v.unwrap_or_default()
    }

    fn bool(&mut self, name: &str) -> Option<bool> {
        match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.error(name, "must be true or false");
                None
            }
        }
    }

    fn strings(&mut self, name: &str) -> Vec<String> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        _ => self.error(&format!("{name}[{i}]"), "must be a string"),
                    }
                }
                out
            }
            Some(_) => {
                self.error(name, "must be an array of strings");
                Vec::new()
            }
        }
    }

    fn object<T>(&mut self, name: &str, read: impl FnOnce(&mut Reader<'_>) -> T) -> Option<T> {
        match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => {
                let mut r = Reader {
                    obj: o,
                    prefix: format!("{}{name}.", self.prefix),
                    errors: self.errors,
                };
                Some(read(&mut r))
            }
            Some(_) => {
                self.error(name, "must be an object");
                None
            }
        }
    }

    fn objects<T>(&mut self, name: &str, mut read: impl FnMut(&mut Reader<'_>) -> T) -> Vec<T> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(o) => {
                            let mut r = Reader {
                                obj: o,
                                prefix: format!("{}{name}[{i}].", self.prefix),
                                errors: self.errors,
                            };
                            out.push(read(&mut r));
                        }
                        _ => self.error(&format!("{name}[{i}]"), "must be an object"),
                    }
                }
                out
            }
            Some(_) => {
                self.error(name, "must be an array of objects");
                Vec::new()
            }
        }
    }
}

impl PatientInput {
    /// Reads the JSON form. Returns every problem found, each naming its field.
    pub fn from_json(bytes: &[u8]) -> Result<PatientInput, Vec<FieldError>> {
        Self::from_value(&Self::parse_json(bytes)?)
    }

    /// Reads the JSON form from a parsed value.
    pub fn from_value(value: &Value) -> Result<PatientInput, Vec<FieldError>> {
        let (input, errors) = Self::read_partial(value)?;
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }

    /// Reads what can be read: the input (fields in error left empty) and the read errors.
    /// `Err` only when `value` is not an object.
    pub(crate) fn read_partial(
        value: &Value,
    ) -> Result<(PatientInput, Vec<FieldError>), Vec<FieldError>> {
        let Value::Object(obj) = value else {
            return Err(vec![FieldError {
                field: String::new(),
                message: "not a JSON object".to_string(),
            }]);
        };
        let mut errors = Vec::new();
        let mut r = Reader {
            obj,
            prefix: String::new(),
            errors: &mut errors,
        };
        r.check_members(&[
            "authority",
            "patientId",
            "familyName",
            "givenNames",
            "gender",
            "birthDate",
            "phones",
            "email",
            "address",
            "active",
            "diabetes",
            "condition",
            "onset",
            "clinicalStatus",
            "organizationOid",
            "softwareName",
            "softwareVersion",
            "ids",
            "timestamp",
        ]);
        let input = PatientInput {
            authority: r.required_string("authority"),
            patient_id: r.required_string("patientId"),
            family_name: r.string("familyName"),
            given_names: r.strings("givenNames"),
            gender: r.string("gender"),
            birth_date: r.string("birthDate"),
            phones: r.objects("phones", |p| {
                p.check_members(&["value", "use"]);
                PhoneInput {
                    value: p.required_string("value"),
                    use_: p.string("use"),
                }
            }),
            email: r.string("email"),
            address: r.object("address", |a| {
                a.check_members(&[
                    "lines",
                    "city",
                    "district",
                    "state",
                    "postalCode",
                    "country",
                    "use",
                ]);
                AddressInput {
                    lines: a.strings("lines"),
                    city: a.string("city"),
                    district: a.string("district"),
                    state: a.string("state"),
                    postal_code: a.string("postalCode"),
                    country: a.string("country"),
                    use_: a.string("use"),
                }
            }),
            active: r.bool("active"),
            diabetes: r.string("diabetes"),
            condition: r.object("condition", |c| {
                c.check_members(&["system", "code", "display"]);
                CodeInput {
                    system: c.required_string("system"),
                    code: c.required_string("code"),
                    display: c.string("display"),
                }
            }),
            onset: r.string("onset"),
            clinical_status: r.string("clinicalStatus"),
            organization_oid: r.required_string("organizationOid"),
            software_name: r.string("softwareName"),
            software_version: r.string("softwareVersion"),
            ids: r
                .object("ids", |i| {
                    i.check_members(&["bundle", "messageHeader", "patient", "condition"]);
                    IdsInput {
                        bundle: i.string("bundle"),
                        message_header: i.string("messageHeader"),
                        patient: i.string("patient"),
                        condition: i.string("condition"),
                    }
                })
                .unwrap_or_default(),
            timestamp: r.string("timestamp"),
        };
        Ok((input, errors))
    }

    /// Parses the JSON text (the one error without a field name when it is not JSON, or
    /// nests deeper than a PatientInput ever does: refused before serde recurses).
    pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, Vec<FieldError>> {
        const MAX_DEPTH: usize = 16;
        if crate::json::nesting_exceeds(bytes, MAX_DEPTH) {
            return Err(vec![FieldError {
                field: String::new(),
                message: format!("objects and arrays nest deeper than {MAX_DEPTH} levels"),
            }]);
        }
        serde_json::from_slice(bytes).map_err(|e| {
            vec![FieldError {
                field: String::new(),
                message: format!(
                    "not valid JSON (line {}, column {})",
                    e.line().max(1),
                    e.column().max(1)
                ),
            }]
        })
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
