// Validation: options, the thread-safe Validator, and the Outcome with its issues.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using System.Text;

namespace PfhirSdk
{
    /// <summary>The severity a partner rule reports with.</summary>
    public enum RuleSeverity
    {
        /// <summary>The rule reports errors (the platform would refuse the message).</summary>
        Error,
        /// <summary>The rule reports warnings.</summary>
        Warning,
        /// <summary>The rule is not checked.</summary>
        Off,
    }

    /// <summary>
    /// The options of a <see cref="Validator"/> (and of the validation a <see cref="Client"/>
    /// runs before sending). A plain object: the native options are made from it when a
    /// validator or a client configuration takes it.
    /// </summary>
    public sealed class ValidatorOptions
    {
        private readonly Dictionary<string, RuleSeverity> rules = new Dictionary<string, RuleSeverity>(StringComparer.Ordinal);
        private readonly List<string> authorities = new List<string>();

        /// <summary>Creates options with the defaults: partner profile, default rule severities,
        /// the Meteda and CIP authorities, a 1 MiB size limit, a depth limit of 64 and at most
        /// 1000 issues listed per document.</summary>
        public ValidatorOptions()
        {
            Profile = Profile.Partner;
        }

        /// <summary>Base or partner validation (default: partner).</summary>
        public Profile Profile { get; set; }

        /// <summary>Partner rule severities by rule id (<c>partner-meta-profile</c>); rules not
        /// listed keep their default severity.</summary>
        public IDictionary<string, RuleSeverity> Rules { get { return rules; } }

        /// <summary>Identifier systems accepted as the Patient's assigning authority, in addition
        /// to Meteda and CIP.</summary>
        public IList<string> Authorities { get { return authorities; } }

        /// <summary>The size limit in bytes (1 to 4 GiB); 0 keeps the default (1 MiB).</summary>
        public long MaxBytes { get; set; }

        /// <summary>The nesting limit (1 to 128); 0 keeps the default (64).</summary>
        public int MaxDepth { get; set; }

        /// <summary>The most issues listed per document (0 to 4294967295; 0: no limit); null
        /// keeps the default (1000). Past it, the outcome lists the first ones in document order
        /// and ends with one <c>too-costly</c> issue (<c>PFHIR-V0108</c>) that counts the rest,
        /// with the severity of the most serious one left out.</summary>
        public long? MaxIssues { get; set; }

        /// <summary>Puts the offending values in messages (off by default: they are patient data).</summary>
        public bool IncludeValues { get; set; }

        /// <summary>Sets a rule's severity; returns this object for chaining.</summary>
        public ValidatorOptions SetRule(string rule, RuleSeverity severity)
        {
            if (rule == null) throw new ArgumentNullException("rule");
            rules[rule] = severity;
            return this;
        }

        /// <summary>Accepts one more assigning authority; returns this object for chaining.</summary>
        public ValidatorOptions AddAuthority(string system)
        {
            if (system == null) throw new ArgumentNullException("system");
            authorities.Add(system);
            return this;
        }

        private static string SeverityName(RuleSeverity s)
        {
            switch (s)
            {
                case RuleSeverity.Error: return "error";
                case RuleSeverity.Warning: return "warning";
                case RuleSeverity.Off: return "off";
                default: throw new ArgumentOutOfRangeException("severity", s, "unknown rule severity");
            }
        }

        /// <summary>Makes the native options (the caller disposes them). Invalid values (an
        /// unknown rule, a limit out of range) throw <see cref="PfhirArgumentException"/>.</summary>
        internal ValidatorOptionsHandle ToNative()
        {
            if (MaxBytes < 0) throw new ArgumentOutOfRangeException("MaxBytes", MaxBytes, "must not be negative");
            if (MaxDepth < 0) throw new ArgumentOutOfRangeException("MaxDepth", MaxDepth, "must not be negative");
            if (MaxIssues < 0) throw new ArgumentOutOfRangeException("MaxIssues", MaxIssues, "must not be negative (0 means no limit)");
            ValidatorOptionsHandle h;
            Native.Check(Native.pfhir_validator_options_new(out h));
            try
            {
                Native.Check(Native.pfhir_validator_options_set_profile(h, (uint)Profile));
                foreach (var kv in rules)
                {
                    if (kv.Key == null) throw new ArgumentNullException("Rules", "a rule id is null");
                    byte[] r = Native.Encode(kv.Key, "Rules");
                    byte[] s = Native.Encode(SeverityName(kv.Value), "Rules");
                    Native.Check(Native.pfhir_validator_options_set_rule(h, r, Native.Len(r), s, Native.Len(s)));
                }
                foreach (var a in authorities)
                {
                    if (a == null) throw new ArgumentNullException("Authorities", "an authority is null");
                    byte[] b = Native.Encode(a, "Authorities");
                    Native.Check(Native.pfhir_validator_options_add_authority(h, b, Native.Len(b)));
                }
                if (MaxBytes != 0 || MaxDepth != 0)
                {
                    if (UIntPtr.Size == 4 && MaxBytes > uint.MaxValue)
                        throw new ArgumentOutOfRangeException("MaxBytes", MaxBytes, "too large for this platform");
                    Native.Check(Native.pfhir_validator_options_set_limits(h, new UIntPtr((ulong)MaxBytes), new UIntPtr((ulong)MaxDepth)));
                }
                if (MaxIssues.HasValue)
                {
                    if (UIntPtr.Size == 4 && MaxIssues.Value > uint.MaxValue)
                        throw new ArgumentOutOfRangeException("MaxIssues", MaxIssues, "too large for this platform");
                    Native.Check(Native.pfhir_validator_options_set_max_issues(h, new UIntPtr((ulong)MaxIssues.Value)));
                }
                Native.Check(Native.pfhir_validator_options_set_include_values(h, IncludeValues));
                return h;
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// A validator of FHIR STU3 JSON (partner message Bundles by default). Immutable and
    /// thread-safe: build one and share it. Dispose it when done.
    /// </summary>
    /// <example><code>
    /// using (var v = new Validator())
    /// using (var outcome = v.Validate(File.ReadAllBytes("bundle.json")))
    /// {
    ///     foreach (var i in outcome.Issues) Console.WriteLine(i);
    /// }
    /// </code></example>
    public sealed class Validator : IDisposable
    {
        private readonly ValidatorHandle handle;

        /// <summary>A validator with the default (partner) options.</summary>
        public Validator() : this(null) { }

        /// <summary>A validator with <paramref name="options"/> (copied; null: the defaults).</summary>
        /// <exception cref="PfhirArgumentException">an unknown rule id or a limit out of range.</exception>
        public Validator(ValidatorOptions options)
        {
            if (options == null)
            {
                Native.Check(Native.pfhir_validator_new_defaults(IntPtr.Zero, out handle));
                return;
            }
            using (var opts = options.ToNative())
            {
                Native.Check(Native.pfhir_validator_new(opts, out handle));
            }
        }

        /// <summary>The largest document this validator accepts, in bytes: the options' limit,
        /// or the profile's default (<c>pfhir_validator_max_bytes</c>).</summary>
        public ulong MaxBytes
        {
            get
            {
                handle.ThrowIfClosed("Validator");
                return Native.pfhir_validator_max_bytes(handle).ToUInt64();
            }
        }

        /// <summary>Validates a JSON document given as bytes (any bytes: invalid UTF-8 or JSON
        /// is a finding, not an exception). The outcome lists every issue in document order.</summary>
        public Outcome Validate(byte[] json)
        {
            if (json == null) throw new ArgumentNullException("json");
            return Validate(json, 0, json.Length);
        }

        /// <summary>Validates <paramref name="count"/> bytes of <paramref name="json"/> from
        /// <paramref name="offset"/>, without copying them.</summary>
        public Outcome Validate(byte[] json, int offset, int count)
        {
            if (json == null) throw new ArgumentNullException("json");
            if (offset < 0 || offset > json.Length) throw new ArgumentOutOfRangeException("offset");
            if (count < 0 || count > json.Length - offset) throw new ArgumentOutOfRangeException("count");
            handle.ThrowIfClosed("Validator");
            OutcomeHandle o;
            GCHandle pin = GCHandle.Alloc(json, GCHandleType.Pinned);
            try
            {
                IntPtr p = count == 0 ? IntPtr.Zero : new IntPtr(pin.AddrOfPinnedObject().ToInt64() + offset);
                Native.Check(Native.pfhir_validate(handle, p, new UIntPtr((uint)count), out o));
            }
            finally
            {
                pin.Free();
            }
            return new Outcome(o);
        }

        /// <summary>Validates a JSON text (encoded as UTF-8).</summary>
        public Outcome Validate(string json)
        {
            if (json == null) throw new ArgumentNullException("json");
            return Validate(Native.Encode(json, "json"));
        }

        /// <summary>Frees the native validator. No other thread may be using it.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>One finding of a validation.</summary>
    public sealed class Issue
    {
        internal Issue(Severity severity, string code, string messageId, string key,
                       string expression, int line, int column, string message)
        {
            Severity = severity;
            Code = code;
            MessageId = messageId;
            Key = key;
            Expression = expression;
            Line = line;
            Column = column;
            Message = message;
        }

        /// <summary>Fatal, error, warning or information.</summary>
        public Severity Severity { get; private set; }

        /// <summary>The issue code: <c>required</c>, <c>structure</c>, <c>invalid</c>,
        /// <c>too-long</c>, <c>too-costly</c> (the issue cap was reached) or <c>informational</c>.</summary>
        public string Code { get; private set; }

        /// <summary>The stable message id (<c>PFHIR-V0301</c>, see docs/messages.md).</summary>
        public string MessageId { get; private set; }

        /// <summary>The invariant key (<c>cpt-2</c>) or partner rule id (<c>partner-bundle-type</c>), or null.</summary>
        public string Key { get; private set; }

        /// <summary>The FHIRPath of the element (<c>Bundle.entry[1].resource.birthDate</c>);
        /// empty for issues found before the document could be read.</summary>
        public string Expression { get; private set; }

        /// <summary>The 1-based line.</summary>
        public int Line { get; private set; }

        /// <summary>The 1-based column, in characters (Unicode scalar values).</summary>
        public int Column { get; private set; }

        /// <summary>What is wrong and what to do (without patient values unless
        /// <see cref="ValidatorOptions.IncludeValues"/>).</summary>
        public string Message { get; private set; }

        /// <summary><c>error invalid PFHIR-V0304 at Bundle.entry[1].resource.gender (58:19): message</c>.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append(Severity.ToString().ToLowerInvariant()).Append(' ').Append(Code).Append(' ').Append(MessageId);
            if (Key != null) sb.Append(" [").Append(Key).Append(']');
            sb.Append(" at ").Append(Expression.Length == 0 ? "(document)" : Expression);
            sb.Append(" (").Append(Line).Append(':').Append(Column).Append("): ").Append(Message);
            return sb.ToString();
        }
    }

    /// <summary>
    /// The result of a validation: every issue in document order. The issues are copied when
    /// the outcome is made; <see cref="ToJson"/> needs the native outcome, so dispose the
    /// outcome when done (the issues stay readable). Immutable and thread-safe.
    /// </summary>
    public sealed class Outcome : IDisposable
    {
        private readonly OutcomeHandle handle;
        private readonly ReadOnlyCollection<Issue> issues;
        private readonly bool hasErrors;

        internal Outcome(OutcomeHandle h)
        {
            handle = h;
            try
            {
                hasErrors = Native.pfhir_outcome_has_errors(h);
                ulong n = Native.pfhir_outcome_issue_count(h).ToUInt64();
                var list = new List<Issue>((int)Math.Min(n, 1024));
                for (ulong i = 0; i < n; i++)
                {
                    var x = new UIntPtr(i);
                    list.Add(new Issue(
                        (Severity)Native.pfhir_outcome_issue_severity(h, x),
                        Native.ToStringOrEmpty(Native.pfhir_outcome_issue_code(h, x)),
                        Native.ToStringOrEmpty(Native.pfhir_outcome_issue_message_id(h, x)),
                        Native.ToStringOrNull(Native.pfhir_outcome_issue_key(h, x)),
                        Native.ToStringOrEmpty(Native.pfhir_outcome_issue_expression(h, x)),
                        (int)Native.pfhir_outcome_issue_line(h, x),
                        (int)Native.pfhir_outcome_issue_column(h, x),
                        Native.ToStringOrEmpty(Native.pfhir_outcome_issue_message(h, x))));
                }
                issues = list.AsReadOnly();
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }

        /// <summary>Every issue, in the order the validator reports them.</summary>
        public IReadOnlyList<Issue> Issues { get { return issues; } }

        /// <summary>True when some issue is an error or fatal.</summary>
        public bool HasErrors { get { return hasErrors; } }

        /// <summary>The outcome as STU3 OperationOutcome JSON (byte-identical on every platform).</summary>
        /// <exception cref="ObjectDisposedException">the outcome was disposed.</exception>
        public string ToJson()
        {
            return Native.Utf8.GetString(ToJsonBytes());
        }

        /// <summary>The OperationOutcome JSON as UTF-8 bytes.</summary>
        /// <exception cref="ObjectDisposedException">the outcome was disposed.</exception>
        public byte[] ToJsonBytes()
        {
            handle.ThrowIfClosed("Outcome");
            PfhirBytes b;
            Native.Check(Native.pfhir_outcome_to_json(handle, out b));
            return Native.TakeBytes(b);
        }

        /// <summary>Frees the native outcome; <see cref="Issues"/> stays readable.</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
