// HL7 v2 in (PfhirSdk.Hl7): the corpus tests/fixtures/hl7v2 (the Bundle and OperationOutcome
// as JSON values, the ACK byte for byte, the ACK code, the event kind and every located error
// of .expected.json), mistakes, and a converted Bundle created on the sandbox.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace PfhirSdk.Tests
{
    public static class Hl7Tests
    {
        static string Dir { get { return Path.Combine(Env.Root, "tests", "fixtures", "hl7v2"); } }

        static string Sibling(string message, string suffix)
        {
            return message.Substring(0, message.Length - ".hl7".Length) + suffix;
        }

        static object Json(string path) { return MiniJson.Parse(File.ReadAllText(path, Encoding.UTF8)); }

        /// <summary>Deep equality of two parsed JSON values (member order ignored).</summary>
        static bool JsonEqual(object a, object b)
        {
            if (a == null || b == null) return a == null && b == null;
            var da = a as Dictionary<string, object>;
            var db = b as Dictionary<string, object>;
            if (da != null || db != null)
            {
                if (da == null || db == null || da.Count != db.Count) return false;
                foreach (var kv in da)
                {
                    object other;
                    if (!db.TryGetValue(kv.Key, out other) || !JsonEqual(kv.Value, other)) return false;
                }
                return true;
            }
            var la = a as List<object>;
            var lb = b as List<object>;
            if (la != null || lb != null)
            {
                if (la == null || lb == null || la.Count != lb.Count) return false;
                for (int i = 0; i < la.Count; i++) if (!JsonEqual(la[i], lb[i])) return false;
                return true;
            }
            return a.Equals(b);
        }

        /// <summary>options.json, then the message's own NAME.options.json over it.</summary>
        static Hl7Options Options(string message)
        {
            var all = new Dictionary<string, object>((Dictionary<string, object>)Json(Path.Combine(Dir, "options.json")));
            string own = Sibling(message, ".options.json");
            if (File.Exists(own))
            {
                foreach (var kv in (Dictionary<string, object>)Json(own)) all[kv.Key] = kv.Value;
            }
            Func<string, string> s = k => { object v; return all.TryGetValue(k, out v) ? v as string : null; };
            var o = new Hl7Options
            {
                Tz = s("tz"),
                OrgId = s("orgId"),
                SourceEndpoint = s("sourceEndpoint"),
                PatientId = s("patientId"),
                Charset = s("charset"),
                AckControlId = s("ackControlId"),
                AckTime = s("ackTime"),
            };
            object list;
            if (all.TryGetValue("hl7Authorities", out list) && list != null)
            {
                foreach (string spec in (List<object>)list)
                {
                    int eq = spec.IndexOf('=');
                    o.AddNamespace(spec.Substring(0, eq), spec.Substring(eq + 1));
                }
            }
            if (all.TryGetValue("authorities", out list) && list != null)
            {
                foreach (string a in (List<object>)list) o.AddAuthority(a);
            }
            object max;
            if (all.TryGetValue("maxBytes", out max) && max != null) o.MaxBytes = (long)(double)max;
            var ids = (Dictionary<string, object>)all["ids"];
            string suffix = ((string)ids["bundle"]).Substring("bundle-".Length);
            Assert.Equal("patient-" + suffix, (string)ids["patient"], "the corpus's ids are the fixed-ids form");
            Assert.Equal("header-" + suffix, (string)ids["messageHeader"], "the corpus's ids are the fixed-ids form");
            Assert.Equal("condition-" + suffix, (string)ids["condition"], "the corpus's ids are the fixed-ids form");
            o.FixedIds = suffix;
            return o;
        }

        [TestCases]
        public static IEnumerable<TestCase> Corpus()
        {
            var messages = Directory.GetFiles(Dir, "*.hl7")
                .Where(f => !f.EndsWith(".ack.hl7", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            if (messages.Count < 40) throw new InvalidOperationException("only " + messages.Count + " HL7 messages in " + Dir);
            foreach (var m in messages)
            {
                string path = m;
                yield return new TestCase("hl7 " + Path.GetFileNameWithoutExtension(path), () => Replay(path));
            }
        }

        static void Replay(string path)
        {
            var options = Options(path);
            byte[] bytes = File.ReadAllBytes(path);
            var r = Hl7.ToBundle(bytes, options);
            var expected = Json(Sibling(path, ".expected.json"));
            string bundleFile = Sibling(path, ".bundle.json");
            if (File.Exists(bundleFile))
            {
                Assert.True(r.IsValid, "a Bundle results");
                Assert.True(JsonEqual(Json(bundleFile), MiniJson.Parse(r.Bundle)), "the Bundle");
            }
            else
            {
                Assert.True(r.Bundle == null, "no Bundle");
            }
            Assert.True(JsonEqual(Json(Sibling(path, ".outcome.json")), MiniJson.Parse(r.OutcomeJson)), "the OperationOutcome");
            Assert.BytesEqual(File.ReadAllBytes(Sibling(path, ".ack.hl7")), r.Ack(), "the ACK");
            Assert.BytesEqual(r.Ack(), Hl7.Ack(bytes, options), "Hl7.Ack");
            Assert.Equal((string)MiniJson.Get(expected, "ack"), r.AckCode, "the ACK code");
            string kind = (string)MiniJson.Get(expected, "kind");
            Assert.Equal(kind == null ? Hl7Kind.None : kind == "create" ? Hl7Kind.Create : Hl7Kind.Update, r.Kind, "create or update");
            var got = r.Issues.Where(i => i.IsError).Select(i => i.MessageId + " @ " + (i.Location ?? "")).ToList();
            var want = ((List<object>)MiniJson.Get(expected, "errors"))
                .Select(e => (string)((List<object>)e)[0] + " @ " + (string)((List<object>)e)[1]).ToList();
            Assert.Equal(string.Join(", ", want), string.Join(", ", got), "the located errors");
            Assert.True(r.Issues.All(i => i.Message.Length > 0), "every issue has a message");
        }

        const string BadDate = "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|M1|P|2.5.1\r"
            + "PID|1||12345678^^^CIP||Garcia^Ana||19801340|F\r";

        [Test]
        public static void ErrorLocatedAtItsFieldWithoutValue()
        {
            var r = Hl7.ToBundle(Encoding.UTF8.GetBytes(BadDate), new Hl7Options { Tz = "+01:00" });
            Assert.Equal("AE", r.AckCode, "AE");
            Assert.Equal(Hl7Kind.Create, r.Kind, "create");
            var bad = r.Issues.Single(i => i.Location == "PID-7");
            Assert.Equal("PFHIR-H0304", bad.MessageId, "id");
            Assert.Equal(102, bad.Hl7Code, "ERR-3");
            Assert.Equal(2, bad.Line, "line");
            Assert.True(!bad.Message.Contains("19801340") && !r.OutcomeJson.Contains("19801340"), "no value in messages");
        }

        [Test]
        public static void Mistakes()
        {
            byte[] msg = Encoding.UTF8.GetBytes(BadDate);
            Assert.Equal(ErrorCode.InvalidArgument,
                Assert.Throws<PfhirException>(() => Hl7.ToBundle(msg, new Hl7Options { Tz = "Europe/Madrid" }), "tz").Code, "tz");
            Assert.Equal(ErrorCode.InvalidArgument,
                Assert.Throws<PfhirException>(() => Hl7.ToBundle(msg, new Hl7Options { Charset = "EBCDIC" }), "charset").Code, "charset");
            Assert.Equal(ErrorCode.InvalidArgument,
                Assert.Throws<PfhirException>(() => Hl7.ToBundle(msg, new Hl7Options().AddNamespace("A=B", "urn:oid:1.2")), "ns").Code, "ns");
            Assert.Equal(ErrorCode.InvalidArgument,
                Assert.Throws<PfhirException>(() => Hl7.ToBundle(msg, new Hl7Options().AddAuthority("not a system")), "auth").Code, "auth");
            Assert.Throws<ArgumentOutOfRangeException>(() => Hl7.ToBundle(msg, new Hl7Options { MaxBytes = -1 }), "MaxBytes");
            Assert.Throws<ArgumentNullException>(() => Hl7.ToBundle(null), "null message");
            foreach (var junk in new[] { new byte[0], new byte[] { 0, 0xff, 0x0b, 0x1c, 13 }, Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\"}") })
            {
                var r = Hl7.ToBundle(junk);
                Assert.Equal("AR", r.AckCode, "AR");
                Assert.Contains("\rMSA|AR|", Encoding.GetEncoding("ISO-8859-1").GetString(r.Ack()), "MSA");
            }
            var huge = new byte[2 << 20];
            Array.Copy(msg, huge, msg.Length);
            var h = Hl7.ToBundle(huge);
            Assert.Equal("AR", h.AckCode, "too long");
            Assert.Equal("PFHIR-H0101", h.Issues[0].MessageId, "too long id");
        }

        [Test]
        public static void ConvertedBundleIsCreatedOnTheSandbox()
        {
            var r = Hl7.ToBundle(File.ReadAllBytes(Path.Combine(Dir, "001-a04-cip-v251.hl7")),
                new Hl7Options { Tz = "+01:00", OrgId = "2.16.724.4.2" });
            Assert.True(r.IsValid, "a valid Bundle: " + r.OutcomeJson);
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var created = client.Create(r.Bundle);
                Assert.Equal(200, created.Status, "create status");
                Assert.True(created.PatientId.Length > 0, "a patient id");
            }
        }
    }
}
