// HL7 v2 in (docs/hl7v2.md): an ADT message becomes a partner Bundle, every issue points at
// the HL7 field it came from (PID-7), and an original-mode ACK answers the sender.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace PfhirSdk
{
    /// <summary>Options of the HL7 v2 conversion: the CLI's <c>pfhir hl7</c> flags
    /// (docs/hl7v2.md, "Options"). A null property keeps its default.</summary>
    public sealed class Hl7Options
    {
        private readonly Dictionary<string, string> namespaces = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly List<string> authorities = new List<string>();

        /// <summary>CX.4.1 namespace -> identifier system, added to CIP and METEDA.</summary>
        public IDictionary<string, string> Namespaces { get { return namespaces; } }

        /// <summary>Identifier systems accepted as assigning authority besides CIP and Meteda.</summary>
        public IList<string> Authorities { get { return authorities; } }

        /// <summary>The organization OID (default: MSH-4.2 when MSH-4.3 is ISO).</summary>
        public string OrgId { get; set; }

        /// <summary>The exact MessageHeader.source.endpoint.</summary>
        public string SourceEndpoint { get; set; }

        /// <summary>The platform's Patient id, for updates (A08, A31).</summary>
        public string PatientId { get; set; }

        /// <summary>The site's fixed UTC offset for times without zone (<c>+01:00</c>, <c>Z</c>).</summary>
        public string Tz { get; set; }

        /// <summary>The character set of messages without MSH-18 (<c>8859/1</c>...).</summary>
        public string Charset { get; set; }

        /// <summary>Fixed ids <c>bundle-S</c>, <c>header-S</c>, <c>patient-S</c>, <c>condition-S</c>.</summary>
        public string FixedIds { get; set; }

        /// <summary>The ACK's MSH-10 (default a fresh UUID).</summary>
        public string AckControlId { get; set; }

        /// <summary>The ACK's MSH-7, an HL7 DTM (default now, UTC).</summary>
        public string AckTime { get; set; }

        /// <summary>The size limit in bytes; 0 keeps the default (1 MiB).</summary>
        public long MaxBytes { get; set; }

        /// <summary>Maps a CX.4.1 namespace to an identifier system; returns this.</summary>
        public Hl7Options AddNamespace(string ns, string system)
        {
            if (ns == null) throw new ArgumentNullException("ns");
            if (system == null) throw new ArgumentNullException("system");
            namespaces[ns] = system;
            return this;
        }

        /// <summary>Accepts one more identifier system as assigning authority; returns this.</summary>
        public Hl7Options AddAuthority(string system)
        {
            if (system == null) throw new ArgumentNullException("system");
            authorities.Add(system);
            return this;
        }

        private static void Set(Hl7OptionsHandle h, Hl7Option option, string value, string name)
        {
            if (value == null) return;
            byte[] b = Native.Encode(value, name);
            Native.Check(Native.pfhir_hl7_options_set(h, (uint)option, b, Native.Len(b)));
        }

        internal Hl7OptionsHandle ToNative()
        {
            if (MaxBytes < 0) throw new ArgumentOutOfRangeException("MaxBytes", MaxBytes, "must not be negative");
            Hl7OptionsHandle h;
            Native.Check(Native.pfhir_hl7_options_new(out h));
            try
            {
                foreach (var kv in namespaces)
                {
                    if (kv.Value == null) throw new ArgumentNullException("Namespaces", "a system is null");
                    byte[] ns = Native.Encode(kv.Key, "Namespaces");
                    byte[] sys = Native.Encode(kv.Value, "Namespaces");
                    Native.Check(Native.pfhir_hl7_options_add_namespace(h, ns, Native.Len(ns), sys, Native.Len(sys)));
                }
                foreach (var a in authorities)
                {
                    if (a == null) throw new ArgumentNullException("Authorities", "an authority is null");
                    byte[] b = Native.Encode(a, "Authorities");
                    Native.Check(Native.pfhir_hl7_options_add_authority(h, b, Native.Len(b)));
                }
                Set(h, Hl7Option.OrgId, OrgId, "OrgId");
                Set(h, Hl7Option.SourceEndpoint, SourceEndpoint, "SourceEndpoint");
                Set(h, Hl7Option.PatientId, PatientId, "PatientId");
                Set(h, Hl7Option.Tz, Tz, "Tz");
                Set(h, Hl7Option.Charset, Charset, "Charset");
                Set(h, Hl7Option.FixedIds, FixedIds, "FixedIds");
                Set(h, Hl7Option.AckControlId, AckControlId, "AckControlId");
                Set(h, Hl7Option.AckTime, AckTime, "AckTime");
                if (MaxBytes != 0)
                {
                    if (UIntPtr.Size == 4 && MaxBytes > uint.MaxValue)
                        throw new ArgumentOutOfRangeException("MaxBytes", MaxBytes, "too large for this platform");
                    Native.Check(Native.pfhir_hl7_options_set_max_bytes(h, new UIntPtr((ulong)MaxBytes)));
                }
                return h;
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }
    }

    /// <summary>One finding about an HL7 v2 message.</summary>
    public sealed class Hl7Issue
    {
        internal Hl7Issue(Severity severity, string messageId, string location, string expression,
                          int hl7Code, int line, int column, string message)
        {
            Severity = severity;
            MessageId = messageId;
            Location = location;
            Expression = expression;
            Hl7Code = hl7Code;
            Line = line;
            Column = column;
            Message = message;
        }

        /// <summary>Fatal (the ACK is AR), error (AE), warning or information.</summary>
        public Severity Severity { get; private set; }

        /// <summary><c>PFHIR-H0304</c>, or <c>PFHIR-V....</c> for the Bundle validator's findings.</summary>
        public string MessageId { get; private set; }

        /// <summary>The HL7 field (<c>PID-7</c>, <c>PID-3(2).4</c>), or null.</summary>
        public string Location { get; private set; }

        /// <summary>The FHIRPath of the Bundle element, or null.</summary>
        public string Expression { get; private set; }

        /// <summary>The table 0357 code ERR-3 carries (0 for warnings and notes).</summary>
        public int Hl7Code { get; private set; }

        /// <summary>1-based segment line; 0: no position.</summary>
        public int Line { get; private set; }

        /// <summary>1-based column, in characters; 0: no position.</summary>
        public int Column { get; private set; }

        /// <summary>What is wrong; names fields, never values.</summary>
        public string Message { get; private set; }

        /// <summary>True for fatal and error findings.</summary>
        public bool IsError { get { return Severity == Severity.Fatal || Severity == Severity.Error; } }

        /// <summary>The issue on one line.</summary>
        public override string ToString()
        {
            return Severity.ToString().ToLowerInvariant() + " " + MessageId + " at " + (Location ?? "(message)") + ": " + Message;
        }
    }

    /// <summary>The result of converting one HL7 v2 message: immutable, copied from the
    /// native result (nothing to dispose).</summary>
    public sealed class Hl7Result
    {
        private readonly byte[] ack;

        internal Hl7Result(Hl7ResultHandle h)
        {
            ulong n = Native.pfhir_hl7_result_issue_count(h).ToUInt64();
            var list = new List<Hl7Issue>((int)Math.Min(n, 1024));
            for (ulong i = 0; i < n; i++)
            {
                var x = new UIntPtr(i);
                list.Add(new Hl7Issue(
                    (Severity)Native.pfhir_hl7_result_issue_severity(h, x),
                    Native.ToStringOrEmpty(Native.pfhir_hl7_result_issue_message_id(h, x)),
                    Native.ToStringOrNull(Native.pfhir_hl7_result_issue_location(h, x)),
                    Native.ToStringOrNull(Native.pfhir_hl7_result_issue_expression(h, x)),
                    (int)Native.pfhir_hl7_result_issue_hl7_code(h, x),
                    (int)Native.pfhir_hl7_result_issue_line(h, x),
                    (int)Native.pfhir_hl7_result_issue_column(h, x),
                    Native.ToStringOrEmpty(Native.pfhir_hl7_result_issue_message(h, x))));
            }
            Issues = list.AsReadOnly();
            Bundle = Native.ToStringOrNull(Native.pfhir_hl7_result_bundle(h));
            Kind = (Hl7Kind)Native.pfhir_hl7_result_kind(h);
            AckCode = Native.ToStringOrEmpty(Native.pfhir_hl7_result_ack_code(h));
            OutcomeJson = Native.ToStringOrEmpty(Native.pfhir_hl7_result_outcome_json(h));
            PfhirBytes b;
            Native.Check(Native.pfhir_hl7_result_ack(h, out b));
            ack = Native.TakeBytes(b);
        }

        /// <summary>The partner Bundle as compact JSON, or null when the message gave no valid one.</summary>
        public string Bundle { get; private set; }

        /// <summary>True when a valid Bundle resulted (the ACK says AA).</summary>
        public bool IsValid { get { return Bundle != null; } }

        /// <summary>Create, update, or None (not a Patient services event pfhir maps).</summary>
        public Hl7Kind Kind { get; private set; }

        /// <summary>MSA-1: <c>AA</c>, <c>AE</c> or <c>AR</c>.</summary>
        public string AckCode { get; private set; }

        /// <summary>Every finding, with its HL7 location.</summary>
        public IReadOnlyList<Hl7Issue> Issues { get; private set; }

        /// <summary>The issues as an STU3 OperationOutcome (compact JSON).</summary>
        public string OutcomeJson { get; private set; }

        /// <summary>A copy of the ACK: segments ended by \r, in the message's character set.</summary>
        public byte[] Ack() { return (byte[])ack.Clone(); }
    }

    /// <summary>HL7 v2 in: <see cref="ToBundle(byte[], Hl7Options)"/> and <see cref="Ack(byte[], Hl7Options)"/>.
    /// Thread-safe (no state); a finding is data, so any message gives a result.</summary>
    public static class Hl7
    {
        /// <summary>Converts one message (ER7, MLLP framing allowed) with <paramref name="options"/>
        /// (null: the defaults).</summary>
        /// <exception cref="PfhirException">an option is refused (a time zone that is not an
        /// offset, an unknown character set, an unusable authority).</exception>
        public static Hl7Result ToBundle(byte[] message, Hl7Options options = null)
        {
            if (message == null) throw new ArgumentNullException("message");
            using (var opts = (options ?? new Hl7Options()).ToNative())
            {
                Hl7ResultHandle r;
                Native.Check(Native.pfhir_hl7_convert(opts, message, Native.Len(message), out r));
                using (r)
                {
                    return new Hl7Result(r);
                }
            }
        }

        /// <summary>The original-mode ACK of one message (segments ended by \r), whatever it says.</summary>
        public static byte[] Ack(byte[] message, Hl7Options options = null)
        {
            return ToBundle(message, options).Ack();
        }
    }
}
