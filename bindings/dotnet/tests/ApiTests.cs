// The binding's surface without a server: version, error codes, validation, building.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace PfhirSdk.Tests
{
    public static class ApiTests
    {
        public const string PatientInput =
            "{\"authority\":\"cip\",\"patientId\":\"N123\",\"familyName\":\"Test\",\"gender\":\"female\"," +
            "\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"}";

        [Test]
        public static void VersionMatchesHeader()
        {
            string header = File.ReadAllText(Env.Header);
            var m = Regex.Match(header, "#define PFHIR_VERSION_STRING \"([^\"]+)\"");
            Assert.True(m.Success, "PFHIR_VERSION_STRING in pfhir.h");
            Assert.Equal(m.Groups[1].Value, Pfhir.Version, "pfhir_version()");
            Assert.Equal(m.Groups[1].Value, Pfhir.HeaderVersion, "Pfhir.HeaderVersion");
        }

        static string Pascal(string snake)
        {
            return string.Concat(snake.Split('_').Select(p => p.Substring(0, 1) + p.Substring(1).ToLowerInvariant()));
        }

        /// <summary>Every PFHIR_CODE_* of include/pfhir.h is in ErrorCode with the same number,
        /// has the library's name, and maps to a specific exception class.</summary>
        [Test]
        public static void EveryHeaderCodeIsMapped()
        {
            string header = File.ReadAllText(Env.Header);
            var found = Regex.Matches(header, @"^\s*PFHIR_CODE_([A-Z0-9_]+)\s*=\s*(\d+)\s*,", RegexOptions.Multiline);
            Assert.True(found.Count >= 27, "at least 27 codes in pfhir.h, found " + found.Count);
            var seen = new HashSet<uint>();
            foreach (Match m in found)
            {
                string cName = m.Groups[1].Value;
                uint number = uint.Parse(m.Groups[2].Value);
                string pascal = Pascal(cName);
                Assert.True(Enum.IsDefined(typeof(ErrorCode), pascal), "ErrorCode." + pascal + " (PFHIR_CODE_" + cName + ") exists");
                var code = (ErrorCode)Enum.Parse(typeof(ErrorCode), pascal);
                Assert.Equal(number, (uint)code, "number of ErrorCode." + pascal);
                Assert.Equal(cName.ToLowerInvariant(), Pfhir.CodeName(code), "pfhir_code_name(" + number + ")");
                seen.Add(number);
                Type t = PfhirException.ExceptionTypeFor(code);
                if (code == ErrorCode.Ok)
                {
                    Assert.True(t == null, "Ok maps to no exception");
                    continue;
                }
                Assert.True(t != null && typeof(PfhirException).IsAssignableFrom(t) && t != typeof(PfhirException),
                    "PFHIR_CODE_" + cName + " maps to a specific PfhirException subclass, not " + t);
            }
            foreach (ErrorCode c in Enum.GetValues(typeof(ErrorCode)))
                Assert.True(seen.Contains((uint)c), "ErrorCode." + c + " is in pfhir.h");
            Assert.Equal(typeof(PfhirException), PfhirException.ExceptionTypeFor((ErrorCode)9999), "an unknown number");
            Assert.True(Pfhir.CodeName((ErrorCode)9999) == null, "no name for an unknown number");
        }

        [Test]
        public static void ExceptionFamilies()
        {
            Assert.Equal(typeof(InputException), PfhirException.ExceptionTypeFor(ErrorCode.Input), "Input");
            Assert.Equal(typeof(ValidationException), PfhirException.ExceptionTypeFor(ErrorCode.Validation), "Validation");
            Assert.Equal(typeof(UpdateTargetMismatchException), PfhirException.ExceptionTypeFor(ErrorCode.UpdateTargetMismatch), "UpdateTargetMismatch");
            Assert.Equal(21u, (uint)ErrorCode.UpdateTargetMismatch, "UpdateTargetMismatch is 21");
            Assert.Equal(typeof(TlsException), PfhirException.ExceptionTypeFor(ErrorCode.Tls), "Tls");
            Assert.Equal(typeof(ConnectException), PfhirException.ExceptionTypeFor(ErrorCode.Connect), "Connect");
            Assert.Equal(typeof(PfhirTimeoutException), PfhirException.ExceptionTypeFor(ErrorCode.Timeout), "Timeout");
            Assert.Equal(typeof(OutcomeUnknownException), PfhirException.ExceptionTypeFor(ErrorCode.OutcomeUnknown), "OutcomeUnknown");
            Assert.Equal(typeof(ServerException), PfhirException.ExceptionTypeFor(ErrorCode.ServerInvalid), "ServerInvalid");
            Assert.Equal(typeof(ForbiddenException), PfhirException.ExceptionTypeFor(ErrorCode.Forbidden), "Forbidden");
            Assert.Equal(typeof(NotFoundException), PfhirException.ExceptionTypeFor(ErrorCode.NotFound), "NotFound");
            Assert.True(typeof(NetworkException).IsAssignableFrom(typeof(TlsException)), "Tls is a network error");
            Assert.True(typeof(ServerException).IsAssignableFrom(typeof(NotFoundException)), "NotFound is a server error");
        }

        [Test]
        public static void DefaultValidatorAcceptsBuiltBundle()
        {
            string bundle = Pfhir.BuildBundle(PatientInput);
            Assert.Contains("\"resourceType\":\"Bundle\"", bundle, "the Bundle");
            Assert.Contains("N123", bundle, "the patient id");
            using (var v = new Validator())
            using (var o = v.Validate(bundle))
            {
                Assert.True(!o.HasErrors, "a built Bundle is valid: " + string.Join("; ", o.Issues.Select(i => i.ToString())));
                Assert.Equal(0, o.Issues.Count(i => i.Severity == Severity.Error || i.Severity == Severity.Fatal), "no error issue");
            }
            byte[] bytes = Pfhir.BuildBundle(Encoding.UTF8.GetBytes(PatientInput));
            Assert.Contains("\"resourceType\":\"Bundle\"", Encoding.UTF8.GetString(bytes), "the Bundle from bytes");
        }

        [Test]
        public static void NullArgumentsAreRefusedBeforeC()
        {
            Assert.Throws<ArgumentNullException>(() => Pfhir.BuildBundle((string)null), "BuildBundle(string)");
            Assert.Throws<ArgumentNullException>(() => Pfhir.BuildBundle((byte[])null), "BuildBundle(byte[])");
            using (var v = new Validator())
            {
                Assert.Throws<ArgumentNullException>(() => v.Validate((byte[])null), "Validate(byte[])");
                Assert.Throws<ArgumentNullException>(() => v.Validate((string)null), "Validate(string)");
                Assert.Throws<ArgumentNullException>(() => v.Validate(null, 0, 0), "Validate(byte[], int, int)");
                Assert.Throws<ArgumentOutOfRangeException>(() => v.Validate(new byte[3], 2, 2), "Validate past the end");
            }
            Assert.Throws<ArgumentNullException>(() => new ValidatorOptions().SetRule(null, RuleSeverity.Off), "SetRule");
            Assert.Throws<ArgumentNullException>(() => new ValidatorOptions().AddAuthority(null), "AddAuthority");
            var withNull = new ValidatorOptions();
            withNull.Authorities.Add(null);
            Assert.Throws<ArgumentNullException>(() => new Validator(withNull).Dispose(), "a null authority");
            using (var b = new PatientBuilder())
            {
                Assert.Throws<ArgumentNullException>(() => b.FamilyName(null), "FamilyName");
                Assert.Throws<ArgumentNullException>(() => b.Phone(null), "Phone");
                Assert.Throws<ArgumentNullException>(() => b.Software("x", null), "Software");
            }
            using (var cfg = new ClientConfig())
            {
                Assert.Throws<ArgumentNullException>(() => cfg.BaseUrl = null, "BaseUrl");
                Assert.Throws<ArgumentNullException>(() => cfg.ClientSecret = null, "ClientSecret");
                Assert.Throws<ArgumentNullException>(() => cfg.ValidatorOptions = null, "ValidatorOptions");
            }
            Assert.Throws<ArgumentNullException>(() => new Client(null), "new Client(null)");
        }

        [Test]
        public static void InvalidUtf8DocumentIsAFinding()
        {
            byte[] doc = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Mu\u00f1oz\"}]}");
            // Replace the two UTF-8 bytes of the n-tilde by the single Latin-1 byte 0xF1.
            var bad = new List<byte>();
            for (int i = 0; i < doc.Length; i++)
            {
                if (doc[i] == 0xC3 && doc[i + 1] == 0xB1) { bad.Add(0xF1); i++; }
                else bad.Add(doc[i]);
            }
            using (var v = new Validator())
            using (var o = v.Validate(bad.ToArray()))
            {
                Assert.True(o.HasErrors, "HasErrors");
                Assert.Equal(1, o.Issues.Count, "one issue");
                var issue = o.Issues[0];
                Assert.Equal(Severity.Fatal, issue.Severity, "severity");
                Assert.Equal("structure", issue.Code, "code");
                Assert.Equal("PFHIR-V0102", issue.MessageId, "message id");
                Assert.Equal("", issue.Expression, "expression");
                Assert.True(issue.Key == null, "no key");
                Assert.Equal(1, issue.Line, "line");
                Assert.Equal(48, issue.Column, "column (the byte after \"Mu)");
                Assert.Contains("UTF-8", issue.Message, "message");
                Assert.Contains("PFHIR-V0102", o.ToJson(), "ToJson");
            }
        }

        [Test]
        public static void ValidateSliceAndEmptyDocument()
        {
            byte[] good = Encoding.UTF8.GetBytes(Pfhir.BuildBundle(PatientInput));
            var padded = new byte[good.Length + 20];
            for (int i = 0; i < padded.Length; i++) padded[i] = (byte)'x';
            Array.Copy(good, 0, padded, 10, good.Length);
            using (var v = new Validator())
            {
                using (var o = v.Validate(padded, 10, good.Length)) Assert.True(!o.HasErrors, "the slice is the valid Bundle");
                using (var o = v.Validate(new byte[0]))
                {
                    Assert.True(o.HasErrors, "an empty document is an error");
                    Assert.Equal(Severity.Fatal, o.Issues[0].Severity, "fatal");
                }
            }
        }

        [Test]
        public static void ValidatorOptionsAreApplied()
        {
            byte[] patient = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"gender\":\"femme\"}");
            using (var partner = new Validator())
            using (var o = partner.Validate(patient))
                Assert.True(o.Issues.Any(i => i.Key == "partner-bundle"), "partner-bundle is reported by default");
            var opts = new ValidatorOptions { Profile = Profile.Base };
            using (var b = new Validator(opts))
            using (var o = b.Validate(patient))
            {
                Assert.True(o.Issues.All(i => i.Key == null || !i.Key.StartsWith("partner-")), "no partner rule in base");
                var g = o.Issues.Single(i => i.Expression == "Patient.gender");
                Assert.True(!g.Message.Contains("femme"), "no value without IncludeValues: " + g.Message);
            }
            opts.IncludeValues = true;
            using (var b = new Validator(opts))
            using (var o = b.Validate(patient))
                Assert.Contains("femme", o.Issues.Single(i => i.Expression == "Patient.gender").Message, "IncludeValues");
            var off = new ValidatorOptions().SetRule("partner-bundle", RuleSeverity.Off);
            using (var b = new Validator(off))
            using (var o = b.Validate(patient))
                Assert.True(o.Issues.All(i => i.Key != "partner-bundle"), "partner-bundle off");
            var limits = new ValidatorOptions { MaxBytes = 10 };
            using (var b = new Validator(limits))
            using (var o = b.Validate(patient))
                Assert.Equal("too-long", o.Issues.Single().Code, "MaxBytes");
        }

        [Test]
        public static void BadValidatorOptionsThrow()
        {
            var e = Assert.Throws<PfhirArgumentException>(() => new Validator(new ValidatorOptions().SetRule("no-such-rule", RuleSeverity.Warning)), "unknown rule");
            Assert.Equal(ErrorCode.InvalidArgument, e.Code, "code");
            Assert.Equal("invalid_argument", e.CodeName, "code name");
            Assert.Contains("invalid_argument", e.Message, "Message names the code");
            Assert.Equal(0, e.HttpStatus, "no HTTP status");
            Assert.True(e.RequestId == null && e.OutcomeJson == null, "no request, no outcome");
            var d = Assert.Throws<PfhirArgumentException>(() => new Validator(new ValidatorOptions { MaxDepth = 100000 }), "depth out of range");
            Assert.Equal(ErrorCode.InvalidArgument, d.Code, "code");
            Assert.Throws<ArgumentOutOfRangeException>(() => new Validator(new ValidatorOptions { MaxBytes = -1 }), "negative MaxBytes");
        }

        /// <summary>30000 numbers where strings belong: one error per number, in document order.</summary>
        static byte[] ManyIssues()
        {
            return Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[" +
                string.Join(",", Enumerable.Repeat("1", 30000)) + "]}]}");
        }

        [Test]
        public static void IssueCapListsTheFirstIssuesAndCountsTheRest()
        {
            var opts = new ValidatorOptions { Profile = Profile.Base };
            Assert.Equal(null, opts.MaxIssues, "MaxIssues is unset by default");
            using (var v = new Validator(opts))
            using (var o = v.Validate(ManyIssues()))
            {
                Assert.Equal(1001, o.Issues.Count, "1000 issues and the count of the rest");
                for (int i = 0; i < 1000; i++)
                    Assert.Equal("Patient.name[0].given[" + i + "]", o.Issues[i].Expression, "issue " + i + " in document order");
                var last = o.Issues[1000];
                Assert.Equal("too-costly", last.Code, "code");
                Assert.Equal("PFHIR-V0108", last.MessageId, "message id");
                Assert.Equal(Severity.Error, last.Severity, "the severity of the worst one left out");
                Assert.True(last.Message.StartsWith("Not reported: 29000 more issues ("), "message: " + last.Message);
            }
        }

        [Test]
        public static void MaxIssuesSetsTheCap()
        {
            using (var v = new Validator(new ValidatorOptions { Profile = Profile.Base, MaxIssues = 0 }))
            using (var o = v.Validate(ManyIssues()))
            {
                Assert.Equal(30000, o.Issues.Count, "0: no limit");
                Assert.True(o.Issues.All(i => i.Code == "structure"), "no too-costly issue");
            }
            using (var v = new Validator(new ValidatorOptions { Profile = Profile.Base, MaxIssues = 10 }))
            using (var o = v.Validate(ManyIssues()))
            {
                Assert.Equal(11, o.Issues.Count, "10 issues and the count of the rest");
                Assert.Equal("too-costly", o.Issues[10].Code, "code");
                Assert.Equal(Severity.Error, o.Issues[10].Severity, "severity");
                Assert.True(o.Issues[10].Message.StartsWith("Not reported: 29990 more issues ("), "message: " + o.Issues[10].Message);
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => new Validator(new ValidatorOptions { MaxIssues = -1 }), "negative MaxIssues");
            var e = Assert.Throws<PfhirArgumentException>(() => new Validator(new ValidatorOptions { MaxIssues = 4294967296L }), "MaxIssues above 4294967295");
            Assert.Equal(ErrorCode.InvalidArgument, e.Code, "code");
            using (new Validator(new ValidatorOptions { MaxIssues = 4294967295L })) { }
        }

        [Test]
        public static void InputErrorsListFields()
        {
            string bad = "{\"authority\":\"cip\",\"patientId\":\"N1\",\"gender\":\"sometimes\",\"birthDate\":\"1980-13-45\"," +
                         "\"organizationOid\":\"2.16.724.4.2\"}";
            var e = Assert.Throws<InputException>(() => Pfhir.BuildBundle(bad), "BuildBundle");
            Assert.Equal(ErrorCode.Input, e.Code, "code");
            var fields = e.Fields.Select(f => f.Field).ToList();
            foreach (var f in new[] { "gender", "birthDate" })
                Assert.True(fields.Contains(f), "field " + f + " listed in " + string.Join(", ", fields));
            Assert.True(e.Fields.All(f => f.Message.Length > 0), "each field has a message");
            Assert.True(!e.Message.Contains("sometimes") && !e.Fields.Any(f => f.Message.Contains("sometimes")), "no value in messages");

            var u = Assert.Throws<InputException>(() => Pfhir.BuildBundle(PatientInput.Replace("}", ",\"favouriteColour\":\"blue\"}")), "unknown member");
            Assert.Equal("favouriteColour", u.Fields.Single().Field, "the unknown member is named");

            var j = Assert.Throws<InputException>(() => Pfhir.BuildBundle("{not json"), "not JSON");
            Assert.Equal(ErrorCode.Json, j.Code, "code");
            Assert.Equal(0, j.Fields.Count, "no field for unreadable JSON");
        }

        [Test]
        public static void UnpairedSurrogateIsRefusedBeforeC()
        {
            var e = Assert.Throws<ArgumentException>(() => Pfhir.BuildBundle("{\"familyName\":\"\ud800\"}"), "lone surrogate");
            Assert.Equal("patientInputJson", e.ParamName, "ParamName");
        }

        [Test]
        public static void PatientBuilderBuildsAndReportsFields()
        {
            using (var b = new PatientBuilder())
            {
                b.Authority("cip").PatientId("B77").FamilyName("Gonz\u00e1lez").GivenName("Ana").Gender("F")
                 .BirthDate("19800102").Phone("+34 600 000 000", "mobile").Email("ana@example.org")
                 .Diabetes("type2").OrganizationOid("2.16.724.4.2").Software("his", "1.2");
                string bundle = b.Build();
                Assert.Contains("Gonz\u00e1lez", bundle, "non-ASCII name round-trips");
                using (var v = new Validator())
                using (var o = v.Validate(bundle))
                    Assert.True(!o.HasErrors, "valid: " + string.Join("; ", o.Issues.Select(i => i.ToString())));
                string input = b.ToJson();
                Assert.Contains("\"patientId\":\"B77\"", input, "ToJson");
                Assert.Contains("\"birthDate\":\"19800102\"", input, "ToJson keeps the raw value");
                string again = Pfhir.BuildBundle(input);
                Assert.Contains("B77", again, "PatientInput JSON from the builder builds");
            }
            using (var b = new PatientBuilder())
            {
                b.Authority("cip").PatientId("B78").OrganizationOid("2.16.724.4.2").Gender("sometimes").Phone("1", "pager");
                var e = Assert.Throws<InputException>(() => b.Build(), "Build");
                var fields = e.Fields.Select(f => f.Field).ToList();
                Assert.True(fields.Contains("gender"), "gender in " + string.Join(", ", fields));
                Assert.True(fields.Contains("phones[0].use"), "phones[0].use in " + string.Join(", ", fields));
            }
        }

        const string ExtraAuthority = "urn:oid:1.3.6.1.4.1.99999.7.1";

        static object Resource(string bundle, int entry)
        {
            var entries = (List<object>)MiniJson.Get(MiniJson.Parse(bundle), "entry");
            return MiniJson.Get(entries[entry], "resource");
        }

        [Test]
        public static void PatientBuilderInputJsonAndAnExtraAuthority()
        {
            string input = PatientInput.Replace("\"cip\"", "\"" + ExtraAuthority + "\"");
            var refused = Assert.Throws<InputException>(() => Pfhir.BuildBundle(input), "not an accepted authority");
            Assert.Equal("authority", string.Join(",", refused.Fields.Select(f => f.Field)), "the field");
            using (var b = new PatientBuilder())
            {
                b.FamilyName("Replaced").InputJson(input);
                Assert.True(!b.ToJson().Contains("Replaced"), "InputJson replaces every field: " + b.ToJson());
                Assert.Throws<InputException>(() => b.Build(), "still refused without the option");
                string bundle = b.AddAcceptedAuthority(ExtraAuthority).Build();
                var identifier = ((List<object>)MiniJson.Get(Resource(bundle, 1), "identifier"))[0];
                Assert.Equal(ExtraAuthority, (string)MiniJson.Get(identifier, "system"), "identifier system");
                Assert.Equal("N123", (string)MiniJson.Get(identifier, "value"), "identifier value");
                var opts = new ValidatorOptions();
                opts.AddAuthority(ExtraAuthority);
                using (var v = new Validator(opts))
                using (var o = v.Validate(bundle))
                    Assert.True(!o.HasErrors, "valid for a validator that accepts the authority");
                var bad = Assert.Throws<PfhirArgumentException>(() => b.AddAcceptedAuthority("not a uri"), "not a URI");
                Assert.Equal(ErrorCode.InvalidArgument, bad.Code, "code");
                string before = b.ToJson();
                var json = Assert.Throws<InputException>(() => b.InputJson("[1,2]"), "not an object");
                Assert.Equal(ErrorCode.Json, json.Code, "code");
                var member = Assert.Throws<InputException>(() => b.InputJson("{\"authority\":\"cip\",\"gender\":3}"), "a number for gender");
                Assert.True(member.Fields.Any(f => f.Field == "gender"), "gender named");
                Assert.Equal(before, b.ToJson(), "the builder is unchanged after a refused InputJson");
                Assert.Throws<ArgumentNullException>(() => b.InputJson(null), "null");
            }
        }

        [Test]
        public static void PatientBuilderSourceEndpointIsExact()
        {
            using (var b = new PatientBuilder())
            {
                b.InputJson(PatientInput);
                Assert.Equal("urn:oid:2.16.724.4.2", (string)MiniJson.Get(MiniJson.Get(Resource(b.Build(), 0), "source"), "endpoint"), "the default");
                foreach (string endpoint in new[] { "urn:oid:2.16.724.4.2.7", "https://emr.example.org/fhir/Endpoint/1" })
                {
                    string bundle = b.SourceEndpoint(endpoint).Build();
                    Assert.Equal(endpoint, (string)MiniJson.Get(MiniJson.Get(Resource(bundle, 0), "source"), "endpoint"), "endpoint");
                }
                foreach (string endpoint in new[] { "not a uri", "" })
                {
                    b.SourceEndpoint(endpoint);
                    var e = Assert.Throws<InputException>(() => b.Build(), "endpoint <" + endpoint + ">");
                    Assert.Equal(ErrorCode.Input, e.Code, "code");
                    Assert.Equal("sourceEndpoint", string.Join(",", e.Fields.Select(f => f.Field)), "the field");
                    Assert.True(endpoint.Length == 0 || !e.Message.Contains(endpoint), "no value in the message: " + e.Message);
                }
            }
        }

        [Test]
        public static void PatientBuilderOmitBundleId()
        {
            using (var b = new PatientBuilder())
            {
                b.InputJson(PatientInput).Ids(bundle: "b-1", patient: "p-1");
                Assert.Equal("b-1", (string)MiniJson.Get(MiniJson.Parse(b.Build()), "id"), "Bundle.id by default");
                string bundle = b.OmitBundleId().Build();
                Assert.True(!MiniJson.Has(MiniJson.Parse(bundle), "id"), "no Bundle.id: " + bundle);
                Assert.Equal("p-1", (string)MiniJson.Get(Resource(bundle, 1), "id"), "only the Bundle's id goes");
                Assert.Equal("b-1", (string)MiniJson.Get(MiniJson.Parse(b.OmitBundleId(false).Build()), "id"), "back");
            }
        }

        /// <summary>The size limit in force: the profile's default, or the options'.
        /// (That the binding calls every function of pfhir.h is `cargo xtask check`'s rule.)</summary>
        [Test]
        public static void MaxBytesIsTheLimitInForce()
        {
            using (var v = new Validator())
                Assert.Equal(1024UL * 1024, v.MaxBytes, "the partner profile's default");
            var small = new ValidatorOptions();
            small.MaxBytes = 4096;
            using (var v = new Validator(small))
                Assert.Equal(4096UL, v.MaxBytes, "MaxBytes = 4096");
        }

        [Test]
        public static void UncertainCreateEnumsMatchTheHeader()
        {
            string header = File.ReadAllText(Env.Header);
            foreach (var pair in new[] { Tuple.Create("PFHIR_UNCERTAIN_", typeof(UncertainCreatePolicy)), Tuple.Create("PFHIR_CREATE_", typeof(CreateState)) })
            {
                var found = Regex.Matches(header, "#define " + pair.Item1 + @"([A-Z0-9_]+) (\d+)");
                Assert.Equal(3, found.Count, pair.Item1 + "* in pfhir.h");
                foreach (Match m in found)
                {
                    string pascal = Pascal(m.Groups[1].Value);
                    Assert.True(Enum.IsDefined(pair.Item2, pascal), pair.Item2.Name + "." + pascal);
                    Assert.Equal(uint.Parse(m.Groups[2].Value), Convert.ToUInt32(Enum.Parse(pair.Item2, pascal)), pair.Item2.Name + "." + pascal);
                }
                Assert.Equal(3, Enum.GetValues(pair.Item2).Length, pair.Item2.Name + " has the header's members only");
            }
        }

        [Test]
        public static void DisposedObjectsThrowObjectDisposed()
        {
            var v = new Validator();
            var o = v.Validate("{}");
            int n = o.Issues.Count;
            o.Dispose();
            o.Dispose();
            Assert.Equal(n, o.Issues.Count, "issues stay readable");
            Assert.Throws<ObjectDisposedException>(() => o.ToJson(), "ToJson after Dispose");
            v.Dispose();
            Assert.Throws<ObjectDisposedException>(() => v.Validate("{}"), "Validate after Dispose");
            var b = new PatientBuilder();
            b.Dispose();
            Assert.Throws<ObjectDisposedException>(() => b.Build(), "Build after Dispose");
            var cfg = new ClientConfig();
            cfg.Dispose();
            Assert.Throws<ObjectDisposedException>(() => cfg.OrgId = "1", "config after Dispose");
        }

        [Test]
        public static void ClientConfigErrors()
        {
            using (var cfg = new ClientConfig())
            {
                var e = Assert.Throws<ConfigException>(() => new Client(cfg).Dispose(), "no base URL");
                Assert.Equal(ErrorCode.Config, e.Code, "code");
            }
            using (var cfg = new ClientConfig())
            {
                var e = Assert.Throws<ConfigException>(() =>
                {
                    cfg.BaseUrl = "http://127.0.0.1:1/partners/fhir/stu3/api/";
                    new Client(cfg).Dispose();
                }, "http URL");
                Assert.Contains("https", e.Message, "the message says why");
            }
        }

        static long Rss()
        {
            // /proc/self/statm: size resident ... in pages.
            string[] f = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(f[1]) * 4096;
        }

        /// <summary>Validating, building and failing in a loop does not grow the process: every
        /// outcome, buffer and error is freed. (Leaving out any one of pfhir_outcome_free,
        /// pfhir_bytes_free or pfhir_error_free makes this test fail.)</summary>
        [Test]
        public static void NoLeakInLoops()
        {
            byte[] doc = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"gender\":\"x\",\"birthDate\":\"y\",\"a\":1,\"b\":2,\"c\":3,\"d\":4}");
            string bad = "{\"authority\":\"cip\",\"patientId\":\"N1\",\"gender\":\"x\",\"organizationOid\":\"2.16.724.4.2\"}";
            Action<int> round = n =>
            {
                using (var v = new Validator())
                {
                    for (int i = 0; i < n; i++)
                    {
                        using (var o = v.Validate(doc)) o.ToJsonBytes();
                        try { Pfhir.BuildBundle(bad); } catch (InputException) { }
                        if (i % 10 == 0) Pfhir.BuildBundle(PatientInput);
                    }
                }
            };
            round(1000);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = Rss();
            for (int i = 0; i < 10; i++) round(1000);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long grown = Rss() - before;
            Assert.True(grown < 1024 * 1024, "RSS grew by " + grown / 1024 + " KiB over 8000 validations, 8000 errors and 800 builds");
        }
    }
}
