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
        public const string HeaderVersion = "0.1.0";

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
    /// A PatientInput filled field by field, then built into a Bundle. Not thread-safe.
    /// Setters only record values: a wrong value is reported by <see cref="Build"/> as an
    /// <see cref="InputException"/> naming the field. Each setter returns the builder.
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
        /// <summary>The e-mail address.</summary>
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
