// The Task-returning client calls against `pfhir sandbox` over mutual TLS: results, errors,
// and what cancelling before and during a request means.

using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace PfhirSdk.Tests
{
    public static class AsyncTests
    {
        static int counter;

        static string Input(string family, string logicalId = null)
        {
            int n = Interlocked.Increment(ref counter);
            string pid = "ASY" + n.ToString("D5");
            return "{\"authority\":\"cip\",\"patientId\":\"" + pid + "\",\"familyName\":\"" + family + "\",\"gender\":\"female\"," +
                   "\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"" +
                   (logicalId == null ? "" : ",\"ids\":{\"patient\":\"" + logicalId + "\"}") + "}";
        }

        static long Patients()
        {
            return Convert.ToInt64(MiniJson.Get(Sandbox.Stats(), "patients"));
        }

        /// <summary>The exception a faulted task holds (await unwraps it the same way).</summary>
        static Exception Failure(Task t)
        {
            try
            {
                t.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                return e;
            }
            throw new AssertionException("the task succeeded");
        }

        static async Task<string> CreateUpdateReadAsync(Client client, string family)
        {
            string input = Input(family);
            CreateResult created = await client.CreateAsync(Pfhir.BuildBundle(input)).ConfigureAwait(false);
            Assert.Equal(200, created.Status, "create status");
            Assert.True(Guid.TryParse(created.RequestId, out _), "a UUID request id made by CreateAsync: " + created.RequestId);
            string updated = Pfhir.BuildBundle(Input(family + "Updated", created.PatientId));
            UpdateResult u = await client.UpdateAsync(created.PatientId, updated, "dotnet-async-" + Guid.NewGuid().ToString("N")).ConfigureAwait(false);
            Assert.Equal(200, u.Status, "update status");
            Assert.True(u.RequestId.StartsWith("dotnet-async-"), "the given request id: " + u.RequestId);
            ReadResult read = await client.ReadAsync(created.PatientId).ConfigureAwait(false);
            Assert.Equal(200, read.Status, "read status");
            Assert.Contains(family + "Updated", read.PatientJson, "the update is stored");
            return created.PatientId;
        }

        [Test]
        public static void CreateUpdateReadAsync()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                long before = Patients();
                string id = CreateUpdateReadAsync(client, "Async").GetAwaiter().GetResult();
                Assert.True(id.Length > 0, "a patient id");
                Assert.Equal(before + 1, Patients(), "one patient more");
            }
        }

        /// <summary>Eight creates at once on one client: all succeed, on other threads.</summary>
        [Test]
        public static void ConcurrentCreatesAsync()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var tasks = new Task<CreateResult>[8];
                for (int i = 0; i < tasks.Length; i++) tasks[i] = client.CreateAsync(Pfhir.BuildBundle(Input("Many")));
                Task.WaitAll(tasks);
                var ids = new System.Collections.Generic.HashSet<string>();
                foreach (var t in tasks) ids.Add(t.Result.PatientId);
                Assert.Equal(tasks.Length, ids.Count, "distinct patient ids");
            }
        }

        [Test]
        public static void ErrorsAreTheSyncOnes()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var nf = Failure(client.ReadAsync("no-such-patient-" + Guid.NewGuid().ToString("N")));
                Assert.True(nf is NotFoundException, "NotFoundException, got " + nf.GetType().Name);
                Assert.Equal(404, ((PfhirException)nf).HttpStatus, "status");
                var invalid = Failure(client.CreateAsync("{\"resourceType\":\"Bundle\"}"));
                Assert.True(invalid is ValidationException, "ValidationException, got " + invalid.GetType().Name);
                Assert.True(!((PfhirException)invalid).MayHaveBeenProcessed, "nothing was sent");
                string other = Pfhir.BuildBundle(Input("Mismatch", "another-logical-id"));
                var mismatch = Failure(client.UpdateAsync("the-named-id", other));
                Assert.True(mismatch is UpdateTargetMismatchException, "UpdateTargetMismatchException, got " + mismatch.GetType().Name);
            }
            Assert.Throws<ArgumentNullException>(() => { using (var cfg = Sandbox.Config()) using (var c = new Client(cfg)) c.CreateAsync((string)null); }, "null Bundle");
            Assert.Throws<ArgumentException>(() => { using (var cfg = Sandbox.Config()) using (var c = new Client(cfg)) c.ResolveUncertainCreateAsync("{}", ""); }, "empty request id");
        }

        [Test]
        public static void CancelledBeforeTheStartSendsNothing()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                long before = Patients();
                var e = Failure(client.CreateAsync(Pfhir.BuildBundle(Input("Never")), "dotnet-never", cts.Token));
                var rc = e as RequestCanceledException;
                Assert.NotNull(rc, "a RequestCanceledException, got " + e.GetType().Name);
                Assert.True(e is OperationCanceledException, "an OperationCanceledException");
                Assert.True(!rc.MayHaveBeenProcessed, "nothing was sent");
                Assert.Equal("dotnet-never", rc.RequestId, "the request id");
                Thread.Sleep(300);
                Assert.Equal(before, Patients(), "no patient created");
                Assert.Equal(0L, client.ConnectionCount, "no connection opened");
            }
        }

        /// <summary>A create held 2 s by the sandbox, cancelled once on the wire: the task ends at once
        /// with MayHaveBeenProcessed, the request goes on and the patient is created; the
        /// request id settles it (the sandbox de-duplicates by it).</summary>
        [Test]
        public static void CancelledOnTheWireMayHaveBeenProcessed()
        {
            using (var cfg = Sandbox.Config())
            {
                cfg.SetUncertainCreate(UncertainCreatePolicy.ResendDeduplicating);
                using (var client = new Client(cfg))
                using (var cts = new CancellationTokenSource())
                {
                    long before = Patients();
                    string bundle = Pfhir.BuildBundle(Input("Cancelled"));
                    Sandbox.Faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,\"fault\":{\"kind\":\"latency\",\"millis\":2000}}");
                    try
                    {
                        var sw = Stopwatch.StartNew();
                        Task<CreateResult> task = client.CreateAsync(bundle, null, cts.Token);
                        Assert.True(!task.IsCompleted, "the call returned before the answer");
                        // On the wire: the client's connection is open (the request follows at once).
                        while (client.ConnectionCount == 0 && sw.ElapsedMilliseconds < 1500) Thread.Sleep(10);
                        Assert.True(client.ConnectionCount > 0, "the request started within 1.5 s");
                        Thread.Sleep(100);
                        long cancelledAt = sw.ElapsedMilliseconds;
                        cts.Cancel();
                        var e = Failure(task);
                        long waited = sw.ElapsedMilliseconds - cancelledAt;
                        var rc = e as RequestCanceledException;
                        Assert.NotNull(rc, "a RequestCanceledException, got " + e.GetType().Name + ": " + e.Message);
                        Assert.True(rc.MayHaveBeenProcessed, "it was on the wire");
                        Assert.True(Guid.TryParse(rc.RequestId, out _), "the request id CreateAsync made: " + rc.RequestId);
                        Assert.True(waited < 1000, "the task ended soon after the cancellation (" + waited + " ms), long before the answer (2 s)");
                        // The request goes on and the sandbox processes it.
                        var deadline = Stopwatch.StartNew();
                        while (Patients() == before && deadline.ElapsedMilliseconds < 10000) Thread.Sleep(100);
                        Assert.Equal(before + 1, Patients(), "the cancelled create was processed");
                        UncertainCreate settled = client.ResolveUncertainCreateAsync(bundle, rc.RequestId).GetAwaiter().GetResult();
                        Assert.Equal(CreateState.Created, settled.State, "settled by its request id");
                        Assert.True(!string.IsNullOrEmpty(settled.PatientId), "with the patient id");
                        Assert.Equal(before + 1, Patients(), "no second patient");
                    }
                    finally
                    {
                        Sandbox.ClearFaults();
                    }
                }
            }
        }

        /// <summary>A read cancelled on the wire: RequestCanceledException; the client still works.</summary>
        [Test]
        public static void ReadCancelledThenClientStillWorks()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var created = client.Create(Pfhir.BuildBundle(Input("ReadCancel")));
                Sandbox.Faults("{\"method\":\"GET\",\"pathPrefix\":\"Patient\",\"times\":1,\"fault\":{\"kind\":\"latency\",\"millis\":1500}}");
                try
                {
                    using (var cts = new CancellationTokenSource(200))
                    {
                        var e = Failure(client.ReadAsync(created.PatientId, cts.Token));
                        Assert.True(e is RequestCanceledException, "RequestCanceledException, got " + e.GetType().Name);
                    }
                }
                finally
                {
                    Sandbox.ClearFaults();
                }
                var read = client.ReadAsync(created.PatientId, CancellationToken.None).GetAwaiter().GetResult();
                Assert.Equal(200, read.Status, "a later read");
            }
        }
    }
}
