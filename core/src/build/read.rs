//! Reading the JSON form of a [`PatientInput`]: unknown members and wrong JSON types are
//! errors naming the member (`phones[1].use`), never repeating its value. Whether the
//! values are right is checked afterwards (`check.rs`).

use super::input::{
    AddressInput, CodeInput, CommunicationInput, ConditionInput, DeceasedInput, EmailInput,
    FieldError, IdentifierInput, IdsInput, OrganizationInput, PatientInput, PhoneInput,
};
use serde_json::Value;

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

    fn deceased(&mut self, name: &str) -> Option<DeceasedInput> {
        match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(DeceasedInput::Flag(*b)),
            Some(Value::String(s)) => Some(DeceasedInput::DateTime(s.clone())),
            Some(_) => {
                self.error(name, "must be true, false or a dateTime");
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

    fn nested<'s>(
        &'s mut self,
        obj: &'s serde_json::Map<String, Value>,
        prefix: String,
    ) -> Reader<'s> {
        Reader {
            obj,
            prefix,
            errors: self.errors,
        }
    }

    fn object<T>(&mut self, name: &str, read: impl FnOnce(&mut Reader<'_>) -> T) -> Option<T> {
        match self.obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => {
                let prefix = format!("{}{name}.", self.prefix);
                Some(read(&mut self.nested(o, prefix)))
            }
            Some(_) => {
                self.error(name, "must be an object");
                None
            }
        }
    }

    /// An array of objects.
    fn objects<T>(&mut self, name: &str, mut read: impl FnMut(&mut Reader<'_>) -> T) -> Vec<T> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(o) => {
                            let prefix = format!("{}{name}[{i}].", self.prefix);
                            out.push(read(&mut self.nested(o, prefix)));
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

fn identifier(r: &mut Reader<'_>) -> IdentifierInput {
    r.check_members(&["system", "value", "use", "type", "assigner"]);
    IdentifierInput {
        system: r.required_string("system"),
        value: r.required_string("value"),
        use_: r.string("use"),
        type_: r.string("type"),
        assigner: r.string("assigner"),
    }
}

fn phone(r: &mut Reader<'_>) -> PhoneInput {
    r.check_members(&["value", "use"]);
    PhoneInput {
        value: r.required_string("value"),
        use_: r.string("use"),
    }
}

fn email(r: &mut Reader<'_>) -> EmailInput {
    r.check_members(&["value", "use"]);
    EmailInput {
        value: r.required_string("value"),
        use_: r.string("use"),
    }
}

fn address(r: &mut Reader<'_>) -> AddressInput {
    r.check_members(&[
        "lines",
        "city",
        "district",
        "state",
        "postalCode",
        "country",
        "use",
        "type",
    ]);
    AddressInput {
        lines: r.strings("lines"),
        city: r.string("city"),
        district: r.string("district"),
        state: r.string("state"),
        postal_code: r.string("postalCode"),
        country: r.string("country"),
        use_: r.string("use"),
        type_: r.string("type"),
    }
}

fn communication(r: &mut Reader<'_>) -> CommunicationInput {
    r.check_members(&["language", "preferred"]);
    CommunicationInput {
        language: r.required_string("language"),
        preferred: r.bool("preferred"),
    }
}

fn organization(r: &mut Reader<'_>) -> OrganizationInput {
    r.check_members(&["reference", "system", "value", "display"]);
    OrganizationInput {
        reference: r.string("reference"),
        system: r.string("system"),
        value: r.string("value"),
        display: r.string("display"),
    }
}

fn coding(r: &mut Reader<'_>) -> CodeInput {
    r.check_members(&["system", "code", "display"]);
    CodeInput {
        system: r.required_string("system"),
        code: r.required_string("code"),
        display: r.string("display"),
    }
}

fn condition(r: &mut Reader<'_>) -> ConditionInput {
    r.check_members(&[
        "diabetes",
        "codings",
        "onset",
        "clinicalStatus",
        "verificationStatus",
    ]);
    ConditionInput {
        diabetes: r.string("diabetes"),
        codings: r.objects("codings", coding),
        onset: r.string("onset"),
        clinical_status: r.string("clinicalStatus"),
        verification_status: r.string("verificationStatus"),
    }
}

fn ids(r: &mut Reader<'_>) -> IdsInput {
    r.check_members(&[
        "bundle",
        "messageHeader",
        "patient",
        "condition",
        "conditions",
    ]);
    IdsInput {
        bundle: r.string("bundle"),
        message_header: r.string("messageHeader"),
        patient: r.string("patient"),
        condition: r.string("condition"),
        conditions: r.strings("conditions"),
    }
}

/// The members of a PatientInput object, in documentation order.
const MEMBERS: &[&str] = &[
    "authority",
    "patientId",
    "identifiers",
    "familyName",
    "fathersFamily",
    "mothersFamily",
    "givenNames",
    "gender",
    "birthDate",
    "deceased",
    "maritalStatus",
    "language",
    "communication",
    "phones",
    "email",
    "emails",
    "address",
    "addresses",
    "active",
    "managingOrganization",
    "diabetes",
    "condition",
    "onset",
    "clinicalStatus",
    "verificationStatus",
    "conditions",
    "organizationOid",
    "softwareName",
    "softwareVersion",
    "ids",
    "timestamp",
];

impl PatientInput {
    /// Reads what can be read: the input (fields in error left empty) and the read errors.
    /// `Err` only when `value` is not an object. Required members are checked later, with
    /// the values, so that a missing one is reported in documentation order.
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
        r.check_members(MEMBERS);
        let input = PatientInput {
            authority: r.string("authority").unwrap_or_default(),
            patient_id: r.string("patientId").unwrap_or_default(),
            identifiers: r.objects("identifiers", identifier),
            family_name: r.string("familyName"),
            fathers_family: r.string("fathersFamily"),
            mothers_family: r.string("mothersFamily"),
            given_names: r.strings("givenNames"),
            gender: r.string("gender"),
            birth_date: r.string("birthDate"),
            deceased: r.deceased("deceased"),
            marital_status: r.string("maritalStatus"),
            language: r.string("language"),
            communication: r.objects("communication", communication),
            phones: r.objects("phones", phone),
            email: r.string("email"),
            emails: r.objects("emails", email),
            address: r.object("address", address),
            addresses: r.objects("addresses", address),
            active: r.bool("active"),
            managing_organization: r.object("managingOrganization", organization),
            diabetes: r.string("diabetes"),
            condition: r.object("condition", coding),
            onset: r.string("onset"),
            clinical_status: r.string("clinicalStatus"),
            verification_status: r.string("verificationStatus"),
            conditions: r.objects("conditions", condition),
            organization_oid: r.string("organizationOid").unwrap_or_default(),
            software_name: r.string("softwareName"),
            software_version: r.string("softwareVersion"),
            ids: r.object("ids", ids).unwrap_or_default(),
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
}
