// Entry points that need no handle: version, code names, and building a Bundle from
// PatientInput JSON; and PatientBuilder, the field-by-field form of a PatientInput.

using System;
using System.Runtime.InteropServices;

namespace PfhirSdk
{
    /// <summary>pfhir's static entry points.</summary>
    public static class Pfhir
    {
        /// <summary>The version of the C header this binding was written against.</summary>
        public const string HeaderVersion = Abi.Version;

        /// <summary>The version of the loaded native library (<c>pfhir_version()</c>); compare it
        /// with <see cref="HeaderVersion"/> to detect a mismatch.</summary>
        public static string Version
        {
            get
            {
                IntPtr p = Native.pfhir_version();
                if (p == IntPtr.Zero) return null;
                int n = 0;
                while (Marshal.ReadByte(p, n) != 0) n++;
                var buf = new byte[n];
                Marshal.Copy(p, buf, 0, n);
                return Native.Utf8.GetString(buf);
            }
        }

        /// <summary>The snake-case name of a code (<c>not_found</c>); null for a number the
        /// library does not know.</summary>
        public static string CodeName(ErrorCode code)
        {
            return Native.ToStringOrNull(Native.pfhir_code_name((uint)code));
        }

        /// <summary>
        /// Builds the partner message Bundle (MessageHeader + Patient + Condition) from the JSON
        /// form of a PatientInput (docs/patient-input.md) and returns its JSON.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="patientInputJson"/> is null.</exception>
        /// <exception cref="InputException">a field is wrong; <see cref="PfhirException.Fields"/> names each.</exception>
        public static string BuildBundle(string patientInputJson)
        {
            if (patientInputJson == null) throw new ArgumentNullException("patientInputJson");
            return Native.Utf8.GetString(BuildBundle(Native.Encode(patientInputJson, "patientInputJson")));
        }

        /// <summary>As <see cref="BuildBundle(string)"/>, from and to UTF-8 bytes.</summary>
        public static byte[] BuildBundle(byte[] patientInputJson)
        {
            if (patientInputJson == null) throw new ArgumentNullException("patientInputJson");
            PfhirBytes b;
            Native.Check(Native.pfhir_build_bundle(patientInputJson, Native.Len(patientInputJson), out b));
            return Native.TakeBytes(b);
        }
    }

    /// <summary>
    /// A PatientInput (docs/patient-input.md) filled field by field, then built into a Bundle.
    /// Not thread-safe. A setter replaces a single value, an <c>Add*</c> method (and
    /// <see cref="GivenName"/>, <see cref="Phone"/>) appends a list item; null optional
    /// arguments are left out. Setters only record values: a wrong value is reported by
    /// <see cref="Build"/> as an <see cref="InputException"/> naming the field (never its
    /// value). Each setter returns the builder.
    /// </summary>
    public sealed class PatientBuilder : IDisposable
    {
        private readonly BuilderHandle handle;

        private delegate ErrorHandle Setter(BuilderHandle b, byte[] v, UIntPtr len);

        /// <summary>An empty builder.</summary>
        public PatientBuilder()
        {
            Native.Check(Native.pfhir_builder_new(out handle));
        }

        private static byte[] Required(string value, string name)
        {
            if (value == null) throw new ArgumentNullException(name);
            return Native.Encode(value, name);
        }

        private PatientBuilder Set(Setter f, string value, string name)
        {
            if (value == null) throw new ArgumentNullException(name);
            handle.ThrowIfClosed("PatientBuilder");
            byte[] b = Native.Encode(value, name);
            Native.Check(f(handle, b, Native.Len(b)));
            return this;
        }

        /// <summary>The assigning authority: <c>cip</c>, <c>meteda</c>, or an identifier system URI.</summary>
        public PatientBuilder Authority(string v) { return Set(Native.pfhir_builder_set_authority, v, "authority"); }
        /// <summary>The patient's id at the assigning authority.</summary>
        public PatientBuilder PatientId(string v) { return Set(Native.pfhir_builder_set_patient_id, v, "patientId"); }
        /// <summary>The family name.</summary>
        public PatientBuilder FamilyName(string v) { return Set(Native.pfhir_builder_set_family_name, v, "familyName"); }
        /// <summary>Appends a given name.</summary>
        public PatientBuilder GivenName(string v) { return Set(Native.pfhir_builder_add_given_name, v, "givenName"); }
        /// <summary><c>male</c>, <c>female</c>, <c>other</c>, <c>unknown</c> (or M, F, O, U).</summary>
        public PatientBuilder Gender(string v) { return Set(Native.pfhir_builder_set_gender, v, "gender"); }
        /// <summary>The birth date (<c>YYYY-MM-DD</c>, <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYYMMDD</c>).</summary>
        public PatientBuilder BirthDate(string v) { return Set(Native.pfhir_builder_set_birth_date, v, "birthDate"); }
        /// <summary>The first e-mail address (<see cref="AddEmail"/> appends more).</summary>
        public PatientBuilder Email(string v) { return Set(Native.pfhir_builder_set_email, v, "email"); }
        /// <summary><c>type1</c>, <c>type2</c>, <c>gestational</c> or <c>unspecified</c>.</summary>
        public PatientBuilder Diabetes(string v) { return Set(Native.pfhir_builder_set_diabetes, v, "diabetes"); }
        /// <summary>The onset of the condition (a date, or a dateTime with time zone).</summary>
        public PatientBuilder Onset(string v) { return Set(Native.pfhir_builder_set_onset, v, "onset"); }
        /// <summary>The sending organization's OID (<c>2.16.724.4.2</c>).</summary>
        public PatientBuilder OrganizationOid(string v) { return Set(Native.pfhir_builder_set_organization_oid, v, "organizationOid"); }
        /// <summary>The Patient.id to put in the Bundle (for an update: the platform's logical id).</summary>
        public PatientBuilder PatientLogicalId(string v) { return Set(Native.pfhir_builder_set_patient_logical_id, v, "patientLogicalId"); }
        /// <summary>MessageHeader.timestamp (an instant; default: now).</summary>
        public PatientBuilder Timestamp(string v) { return Set(Native.pfhir_builder_set_timestamp, v, "timestamp"); }

        /// <summary>The father's family name (the first Spanish surname): the
        /// humanname-fathers-family extension of Patient.name.family.</summary>
        public PatientBuilder FathersFamily(string v) { return Set(Native.pfhir_builder_set_fathers_family, v, "fathersFamily"); }
        /// <summary>The mother's family name (the second Spanish surname): the
        /// humanname-mothers-family extension of Patient.name.family.</summary>
        public PatientBuilder MothersFamily(string v) { return Set(Native.pfhir_builder_set_mothers_family, v, "mothersFamily"); }
        /// <summary>When the patient died (Patient.deceasedDateTime): a date, a dateTime with time
        /// zone, or <c>YYYYMMDD[HHMM[SS]]+ZZZZ</c>; replaces a flag set before.</summary>
        public PatientBuilder DeceasedDateTime(string v) { return Set(Native.pfhir_builder_set_deceased_date_time, v, "deceasedDateTime"); }
        /// <summary>An HL7 v3 MaritalStatus code (A, D, I, L, M, P, S, T, U, W) or UNK.</summary>
        public PatientBuilder MaritalStatus(string v) { return Set(Native.pfhir_builder_set_marital_status, v, "maritalStatus"); }
        /// <summary>The preferred language, a BCP 47 tag (<c>es</c>, <c>ca</c>, <c>en-GB</c>): the
        /// first Patient.communication, preferred.</summary>
        public PatientBuilder Language(string v) { return Set(Native.pfhir_builder_set_language, v, "language"); }
        /// <summary>Condition.clinicalStatus of the <see cref="Diabetes"/> / <see cref="Condition"/>
        /// Condition: <c>active</c> (default), <c>recurrence</c>, <c>inactive</c>,
        /// <c>remission</c>, <c>resolved</c>.</summary>
        public PatientBuilder ClinicalStatus(string v) { return Set(Native.pfhir_builder_set_clinical_status, v, "clinicalStatus"); }
        /// <summary>Condition.verificationStatus of the <see cref="Diabetes"/> / <see cref="Condition"/>
        /// Condition: <c>provisional</c>, <c>differential</c>, <c>confirmed</c>, <c>refuted</c>,
        /// <c>entered-in-error</c>, <c>unknown</c>.</summary>
        public PatientBuilder VerificationStatus(string v) { return Set(Native.pfhir_builder_set_verification_status, v, "verificationStatus"); }
        /// <summary>Appends a street line to the address added last with <see cref="AddAddress"/>.</summary>
        /// <exception cref="PfhirArgumentException">no address was added yet (code
        /// <see cref="ErrorCode.InvalidArgument"/>); nothing changes.</exception>
        public PatientBuilder AddAddressLine(string line) { return Set(Native.pfhir_builder_add_address_line, line, "line"); }
        /// <summary>Appends the id of the next Condition, in Bundle order (the
        /// <see cref="Diabetes"/> / <see cref="Condition"/> one first); the Conditions past the
        /// last id get <c>&lt;first id&gt;-&lt;position&gt;</c>.</summary>
        public PatientBuilder AddConditionId(string id) { return Set(Native.pfhir_builder_add_condition_id, id, "id"); }

        /// <summary>Whether the patient record is active (default true).</summary>
        public PatientBuilder Active(bool active)
        {
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_set_active(handle, active));
            return this;
        }

        /// <summary>Whether the patient has died (Patient.deceasedBoolean); replaces a date-time
        /// set before.</summary>
        public PatientBuilder Deceased(bool deceased)
        {
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_set_deceased(handle, deceased));
            return this;
        }

        /// <summary>A coded condition instead of the <see cref="Diabetes"/> shorthand: code system
        /// URI, code, and a display (may be null).</summary>
        public PatientBuilder Condition(string system, string code, string display = null)
        {
            byte[] s = Required(system, "system"), c = Required(code, "code"), d = Native.Encode(display, "display");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_set_condition(handle, s, Native.Len(s), c, Native.Len(c), d, Native.Len(d)));
            return this;
        }

        /// <summary>Appends a patient identifier (HL7 v2 PID-3): <paramref name="system"/>
        /// (<c>cip</c>, <c>meteda</c> or an absolute URI) and <paramref name="value"/>;
        /// <paramref name="use"/> (<c>usual</c>, <c>official</c>, <c>temp</c>,
        /// <c>secondary</c>), <paramref name="type"/> (an HL7 v2 table 0203 code: <c>MR</c>,
        /// <c>JHN</c>, <c>NI</c>...) and <paramref name="assigner"/> (the issuing
        /// organization's name) may be null. One identifier must have an accepted authority
        /// (this one, another, or <see cref="Authority"/> + <see cref="PatientId"/>).</summary>
        public PatientBuilder AddIdentifier(string system, string value, string use = null, string type = null, string assigner = null)
        {
            byte[] s = Required(system, "system"), v = Required(value, "value");
            byte[] u = Native.Encode(use, "use"), t = Native.Encode(type, "type"), a = Native.Encode(assigner, "assigner");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_add_identifier(handle, s, Native.Len(s), v, Native.Len(v), u, Native.Len(u),
                t, Native.Len(t), a, Native.Len(a)));
            return this;
        }

        /// <summary>Appends a language the patient communicates in (a BCP 47 tag), after
        /// <see cref="Language"/>, and whether it is a preferred one.</summary>
        public PatientBuilder AddCommunication(string language, bool preferred = false)
        {
            byte[] l = Required(language, "language");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_add_communication(handle, l, Native.Len(l), preferred));
            return this;
        }

        /// <summary>Appends an e-mail address after <see cref="Email"/>; <paramref name="use"/>
        /// (<c>home</c>, <c>work</c>, <c>temp</c>, <c>old</c>) may be null.</summary>
        public PatientBuilder AddEmail(string value, string use = null)
        {
            byte[] v = Required(value, "value"), u = Native.Encode(use, "use");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_add_email(handle, v, Native.Len(v), u, Native.Len(u)));
            return this;
        }

        /// <summary>Appends a postal address (HL7 v2 PID-11); every argument may be null (name
        /// the ones given: <c>AddAddress(use: "home", city: "Madrid")</c>): <paramref name="use"/>
        /// (<c>home</c>, <c>work</c>, <c>temp</c>, <c>old</c>), <paramref name="type"/>
        /// (<c>postal</c>, <c>physical</c>, <c>both</c>), city, district, state, postal code,
        /// country. Add its street lines with <see cref="AddAddressLine"/>. An address needs a
        /// line or one of the place texts.</summary>
        public PatientBuilder AddAddress(string use = null, string type = null, string city = null, string district = null,
            string state = null, string postalCode = null, string country = null)
        {
            byte[] u = Native.Encode(use, "use"), t = Native.Encode(type, "type"), c = Native.Encode(city, "city");
            byte[] d = Native.Encode(district, "district"), s = Native.Encode(state, "state");
            byte[] p = Native.Encode(postalCode, "postalCode"), n = Native.Encode(country, "country");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_add_address(handle, u, Native.Len(u), t, Native.Len(t), c, Native.Len(c),
                d, Native.Len(d), s, Native.Len(s), p, Native.Len(p), n, Native.Len(n)));
            return this;
        }

        /// <summary>The organization that keeps the patient record (Patient.managingOrganization);
        /// every argument may be null, but not all of them: <paramref name="reference"/>
        /// (<c>Organization/&lt;id&gt;</c>), <paramref name="system"/> and <paramref name="value"/>
        /// (its identifier, given together; <c>urn:ietf:rfc:3986</c> + <c>urn:oid:...</c> for an
        /// OID), <paramref name="display"/> (its name).</summary>
        public PatientBuilder ManagingOrganization(string reference = null, string system = null, string value = null, string display = null)
        {
            byte[] r = Native.Encode(reference, "reference"), s = Native.Encode(system, "system");
            byte[] v = Native.Encode(value, "value"), d = Native.Encode(display, "display");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_set_managing_organization(handle, r, Native.Len(r), s, Native.Len(s),
                v, Native.Len(v), d, Native.Len(d)));
            return this;
        }

        /// <summary>Appends a Condition (one diagnosis, HL7 v2 DG1) after the
        /// <see cref="Diabetes"/> / <see cref="Condition"/> one; every argument may be null:
        /// <paramref name="diabetes"/> (<c>type1</c>, <c>type2</c>, <c>gestational</c>,
        /// <c>unspecified</c>), <paramref name="onset"/> (a date, or a dateTime with time zone),
        /// <paramref name="clinicalStatus"/> (default <c>active</c>),
        /// <paramref name="verificationStatus"/>. Add codings with
        /// <see cref="AddConditionCoding"/>; a Condition needs a diabetes type or a coding.</summary>
        public PatientBuilder AddCondition(string diabetes = null, string onset = null, string clinicalStatus = null, string verificationStatus = null)
        {
            byte[] d = Native.Encode(diabetes, "diabetes"), o = Native.Encode(onset, "onset");
            byte[] c = Native.Encode(clinicalStatus, "clinicalStatus"), v = Native.Encode(verificationStatus, "verificationStatus");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_add_condition(handle, d, Native.Len(d), o, Native.Len(o), c, Native.Len(c), v, Native.Len(v)));
            return this;
        }

        /// <summary>Appends a coding (code system URI, code, display that may be null) to the
        /// Condition added last with <see cref="AddCondition"/>.</summary>
        /// <exception cref="PfhirArgumentException">no Condition was added yet (code
        /// <see cref="ErrorCode.InvalidArgument"/>); nothing changes.</exception>
        public PatientBuilder AddConditionCoding(string system, string code, string display = null)
        {
            byte[] s = Required(system, "system"), c = Required(code, "code"), d = Native.Encode(display, "display");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_add_condition_coding(handle, s, Native.Len(s), c, Native.Len(c), d, Native.Len(d)));
            return this;
        }

        /// <summary>The ids of the Bundle, the MessageHeader and the Patient; a null one gets a
        /// fresh UUID (a null <paramref name="patient"/> also undoes
        /// <see cref="PatientLogicalId"/>).</summary>
        public PatientBuilder Ids(string bundle = null, string messageHeader = null, string patient = null)
        {
            byte[] b = Native.Encode(bundle, "bundle"), m = Native.Encode(messageHeader, "messageHeader"), p = Native.Encode(patient, "patient");
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_set_ids(handle, b, Native.Len(b), m, Native.Len(m), p, Native.Len(p)));
            return this;
        }

        /// <summary>Appends a phone number; <paramref name="use"/> (<c>home</c>, <c>work</c>,
        /// <c>mobile</c>, <c>temp</c>, <c>old</c>) may be null.</summary>
        public PatientBuilder Phone(string value, string use = null)
        {
            if (value == null) throw new ArgumentNullException("value");
            handle.ThrowIfClosed("PatientBuilder");
            byte[] v = Native.Encode(value, "value");
            byte[] u = Native.Encode(use, "use");
            Native.Check(Native.pfhir_builder_add_phone(handle, v, Native.Len(v), u, Native.Len(u)));
            return this;
        }

        /// <summary>The middleware's name and version (MessageHeader.source).</summary>
        public PatientBuilder Software(string name, string version)
        {
            if (name == null) throw new ArgumentNullException("name");
            if (version == null) throw new ArgumentNullException("version");
            handle.ThrowIfClosed("PatientBuilder");
            byte[] n = Native.Encode(name, "name");
            byte[] v = Native.Encode(version, "version");
            Native.Check(Native.pfhir_builder_set_software(handle, n, Native.Len(n), v, Native.Len(v)));
            return this;
        }

        /// <summary>Replaces every field with a whole PatientInput in its JSON form
        /// (docs/patient-input.md), so that JSON input gets the builder's options
        /// (<see cref="AddAcceptedAuthority"/>, <see cref="SourceEndpoint"/>,
        /// <see cref="OmitBundleId"/>). Values are checked by <see cref="Build"/>.</summary>
        /// <exception cref="InputException">unreadable members (code <see cref="ErrorCode.Input"/>,
        /// <see cref="PfhirException.Fields"/> names each) or a text that is not a JSON object
        /// (<see cref="ErrorCode.Json"/>); the builder is unchanged then.</exception>
        public PatientBuilder InputJson(string json) { return Set(Native.pfhir_builder_set_input_json, json, "json"); }

        /// <summary>Accepts one more identifier system (a URI) as the Patient's assigning
        /// authority, besides Meteda and CIP, when the Bundle is built.</summary>
        /// <exception cref="PfhirArgumentException">the system is not a URI (code
        /// <see cref="ErrorCode.InvalidArgument"/>).</exception>
        public PatientBuilder AddAcceptedAuthority(string system) { return Set(Native.pfhir_builder_add_accepted_authority, system, "system"); }

        /// <summary>The exact MessageHeader.source.endpoint (a URI; default <c>urn:oid:</c> and
        /// the organization OID). One that is not a URI makes <see cref="Build"/> throw an
        /// <see cref="InputException"/> naming the field <c>sourceEndpoint</c>.</summary>
        public PatientBuilder SourceEndpoint(string uri) { return Set(Native.pfhir_builder_set_source_endpoint, uri, "uri"); }

        /// <summary>Leaves Bundle.id out (true; the guide's request example has none) or gives it
        /// the bundle id of <see cref="Ids"/> or a fresh UUID (false, the default).</summary>
        public PatientBuilder OmitBundleId(bool omit = true)
        {
            handle.ThrowIfClosed("PatientBuilder");
            Native.Check(Native.pfhir_builder_set_omit_bundle_id(handle, omit));
            return this;
        }

        /// <summary>Builds the Bundle JSON.</summary>
        /// <exception cref="InputException">a field is wrong; <see cref="PfhirException.Fields"/> names each.</exception>
        public string Build()
        {
            handle.ThrowIfClosed("PatientBuilder");
            PfhirBytes b;
            Native.Check(Native.pfhir_builder_build(handle, out b));
            return Native.TakeString(b);
        }

        /// <summary>The fields as PatientInput JSON.</summary>
        public string ToJson()
        {
            handle.ThrowIfClosed("PatientBuilder");
            PfhirBytes b;
            Native.Check(Native.pfhir_builder_to_json(handle, out b));
            return Native.TakeString(b);
        }

        /// <summary>Frees the native builder.</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
