// The embedded outbox (PfhirSdk.Outbox) against the sandbox over mutual TLS: submitted while
// the platform cannot be reached, disposed, reopened, delivered; a re-send; an update read
// back; refusals; an unknown id; use after Dispose.

using System;
using System.IO;
using System.Text;
using System.Threading;

namespace PfhirSdk.Tests
{
    public static class OutboxTests
    {
        const string Down = "https://127.0.0.1:1/partners/fhir/stu3/api/";

        static string Pid() { return "NETO" + Guid.NewGuid().ToString("N").Substring(0, 10); }

        static string Input(string pid, string family, string logicalId = null)
        {
            return "{\"authority\":\"cip\",\"patientId\":\"" + pid + "\",\"familyName\":\"" + family + "\",\"gender\":\"female\"," +
                   "\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"" +
                   (logicalId == null ? "" : ",\"ids\":{\"patient\":\"" + logicalId + "\"}") + "}";
        }

        static byte[] Adt(string type, string evn, string ctrl, string pid)
        {
            return Encoding.UTF8.GetBytes(
                "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||" + type + "|" + ctrl +
                "|P|2.5.1\rEVN|" + evn + "|20240315103000\rPID|1||" + pid +
                "^^^CIP^JHN||GARCIA^MARIA||19750616|F\rDG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r");
        }

        static ClientConfig Config(string url)
        {
            var cfg = Sandbox.Config();
            cfg.BaseUrl = url;
            cfg.SetRetry(1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
            return cfg;
        }

        static MessageStatus WaitFor(Outbox o, ulong id, OutboxState state)
        {
            DateTime deadline = DateTime.UtcNow.AddSeconds(20);
            MessageStatus s = o.Status(id);
            while (s.State != state && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
                s = o.Status(id);
            }
            Assert.Equal(state, s.State, "message " + id + " state");
            return s;
        }

        static string TempDir()
        {
            string d = Path.Combine(Path.GetTempPath(), "pfhir-dotnet-outbox-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(d);
            return d;
        }

        [Test]
        public static void SubmittedWhileDownIsDeliveredAfterDisposeAndReopen()
        {
            string dir = TempDir();
            string pid = Pid();
            string bundle = Pfhir.BuildBundle(Input(pid, "Garcia"));
            Submission sb, sh;
            try
            {
                using (var down = Config(Down))
                using (var o = new Outbox(dir, down, null, 1))
                {
                    sb = o.SubmitBundle(bundle);
                    Assert.Equal(Received.Stored, sb.Received, "bundle stored");
                    Assert.True(sb.Stored && sb.Id > 0, "an id");
                    Assert.Equal(0, sb.Ack().Length, "no ACK for a Bundle");
                    sh = o.SubmitHl7(Adt("ADT^A04^ADT_A01", "A04", "NT1", Pid()));
                    Assert.Equal(Received.Stored, sh.Received, "HL7 stored");
                    Assert.Contains("MSA|AA|NT1", Encoding.UTF8.GetString(sh.Ack()), "AA");
                    var w = WaitFor(o, sb.Id, OutboxState.Waiting);
                    Assert.True(!w.IsFinal && w.LogicalId == null, "waiting, no id yet");
                    Assert.True(w.Detail != null && !w.Detail.Contains(pid), "a detail without the patient's id");
                }
                using (var up = Config(Sandbox.BaseUrl))
                using (var o = new Outbox(dir, up))
                {
                    var d = WaitFor(o, sb.Id, OutboxState.Delivered);
                    Assert.True(d.IsFinal && !string.IsNullOrEmpty(d.LogicalId), "delivered with a logical id");
                    WaitFor(o, sh.Id, OutboxState.Delivered);
                    var again = o.SubmitBundle(bundle);
                    Assert.Equal(Received.Duplicate, again.Received, "a re-send");
                    Assert.Equal(sb.Id, again.Id, "the first id");
                    var u = o.SubmitBundle(Pfhir.BuildBundle(Input(pid, "Martin", d.LogicalId)), OutboxKind.Update);
                    WaitFor(o, u.Id, OutboxState.Delivered);
                    using (var client = new Client(up))
                    {
                        Assert.Contains("Martin", client.Read(d.LogicalId).PatientJson, "the update is on the platform");
                    }
                    o.Dispose();
                    Assert.Throws<ObjectDisposedException>(() => o.Status(sb.Id), "use after Dispose");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Test]
        public static void RefusalsStoreNothing()
        {
            string dir = TempDir();
            try
            {
                using (var down = Config(Down))
                using (var o = new Outbox(dir, down))
                {
                    Assert.Throws<ValidationException>(() => o.SubmitBundle("{\"resourceType\":\"Bundle\",\"type\":\"message\"}"), "invalid Bundle");
                    var r = o.SubmitHl7(Adt("ORU^R01^ORU_R01", "R01", "NTR", Pid()));
                    Assert.Equal(Received.Refused, r.Received, "refused");
                    Assert.True(!r.Stored && r.Id == 0, "not stored");
                    Assert.Contains("MSA|AR|NTR", Encoding.UTF8.GetString(r.Ack()), "AR");
                    Assert.Throws<NotFoundException>(() => o.Status(4242), "unknown id");
                    Assert.Throws<ArgumentNullException>(() => o.SubmitHl7(null), "null message");
                    Assert.Throws<ArgumentOutOfRangeException>(() => new Outbox(dir + "-x", down, null, -1), "negative workers");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
