// Create, update and read against `pfhir sandbox` over mutual TLS, and its errors.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace PfhirSdk.Tests
{
    public static class ClientTests
    {
        static int counter;

        /// <summary>A PatientInput with a fresh identifier and e-mail.</summary>
        static string Input(string family, string logicalId = null)
        {
            int n = Interlocked.Increment(ref counter);
            string pid = "NET" + n.ToString("D5");
            return "{\"authority\":\"cip\",\"patientId\":\"" + pid + "\",\"familyName\":\"" + family + "\",\"gender\":\"female\"," +
                   "\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\",\"email\":\"" + pid.ToLowerInvariant() + "@example.org\"," +
                   "\"organizationOid\":\"2.16.724.4.2\"" +
                   (logicalId == null ? "" : ",\"ids\":{\"patient\":\"" + logicalId + "\"}") + "}";
        }

        static string WithLogicalId(string input, string logicalId)
        {
            return input.Substring(0, input.Length - 1) + ",\"ids\":{\"patient\":\"" + logicalId + "\"}}";
        }

        [Test]
        public static void CreateUpdateRead()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                string input = Input("Create");
                var created = client.Create(Pfhir.BuildBundle(input));
                Assert.Equal(200, created.Status, "create status");
                Assert.True(created.PatientId.Length > 0, "a patient id");
                Assert.True(created.RequestId.Length > 0, "a request id");
                Assert.Equal(1, created.Attempts, "one attempt");
                Assert.Contains("\"resourceType\":\"Bundle\"", created.BundleJson, "the answered Bundle");

                string updatedInput = WithLogicalId(input.Replace("\"Create\"", "\"Updated\""), created.PatientId);
                var updated = client.Update(created.PatientId, Pfhir.BuildBundle(updatedInput), "dotnet-update-" + Guid.NewGuid().ToString("N"));
                Assert.Equal(200, updated.Status, "update status");
                Assert.True(updated.RequestId.StartsWith("dotnet-update-"), "the given request id: " + updated.RequestId);

                var read = client.Read(created.PatientId);
                Assert.Equal(200, read.Status, "read status");
                object patient = MiniJson.Parse(read.PatientJson);
                Assert.Equal("Patient", (string)MiniJson.Get(patient, "resourceType"), "resourceType");
                Assert.Equal(created.PatientId, (string)MiniJson.Get(patient, "id"), "id");
                Assert.Contains("Updated", read.PatientJson, "the update is stored");
                Assert.True(client.ConnectionCount >= 1, "a connection was opened");
            }
        }

        [Test]
        public static void CreateWithRequestId()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                string rid = "dotnet-" + Guid.NewGuid().ToString("N");
                byte[] bundle = System.Text.Encoding.UTF8.GetBytes(Pfhir.BuildBundle(Input("Rid")));
                var first = client.Create(bundle, rid);
                Assert.Equal(rid, first.RequestId, "request id sent");
                // The same request id and body is an idempotent replay: the same patient.
                var again = client.Create(bundle, rid);
                Assert.Equal(first.PatientId, again.PatientId, "replay gives the same patient");
            }
        }

        [Test]
        public static void DuplicateCreateIsServerInvalidWithOutcome()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                string input = Input("Dup");
                client.Create(Pfhir.BuildBundle(input));
                // The same identifier and e-mail again, in a new Bundle with a new request id.
                var e = Assert.Throws<ServerException>(() => client.Create(Pfhir.BuildBundle(input)), "duplicate create");
                Assert.Equal(ErrorCode.ServerInvalid, e.Code, "code");
                Assert.Equal(ServerErrorKind.Invalid, e.Kind, "kind");
                Assert.Equal(409, e.HttpStatus, "HTTP status");
                Assert.NotNull(e.OutcomeJson, "OutcomeJson");
                object outcome = MiniJson.Parse(e.OutcomeJson);
                Assert.Equal("OperationOutcome", (string)MiniJson.Get(outcome, "resourceType"), "resourceType");
                var issue = ((List<object>)MiniJson.Get(outcome, "issue"))[0];
                Assert.Equal("invalid", (string)MiniJson.Get(issue, "code"), "issue code");
                Assert.True(!string.IsNullOrEmpty(e.RequestId), "request id");
                Assert.True(!e.RetrySafe, "a duplicate is not worth retrying");
                Assert.True(!e.MayHaveBeenProcessed, "refused: the platform created nothing");
                Assert.Contains("server_invalid", e.Message, "Message names the code");
                Assert.Contains("409", e.Message, "Message has the status");
            }
        }

        [Test]
        public static void UnknownIdIsNotFound()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var e = Assert.Throws<NotFoundException>(() => client.Read("no-such-patient"), "read");
                Assert.Equal(404, e.HttpStatus, "status");
                Assert.Equal(ServerErrorKind.NotFound, e.Kind, "kind");
                string bundle = Pfhir.BuildBundle(Input("Ghost", "no-such-patient"));
                var u = Assert.Throws<NotFoundException>(() => client.Update("no-such-patient", bundle), "update");
                Assert.Equal(404, u.HttpStatus, "update status");
            }
        }

        [Test]
        public static void WrongSecretIsForbidden()
        {
            using (var cfg = Sandbox.Config())
            {
                cfg.ClientSecret = "wrong-secret";
                using (var client = new Client(cfg))
                {
                    var e = Assert.Throws<ForbiddenException>(() => client.Read("anything"), "read");
                    Assert.Equal(403, e.HttpStatus, "status");
                    Assert.Equal(ErrorCode.Forbidden, e.Code, "code");
                    Assert.True(!e.Message.Contains("wrong-secret"), "the secret is not in the message");
                }
            }
        }

        [Test]
        public static void InvalidBundleIsRefusedLocally()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var e = Assert.Throws<ValidationException>(() => client.Create("{\"resourceType\":\"Patient\"}"), "create");
                Assert.Equal(ErrorCode.Validation, e.Code, "code");
                Assert.Equal(0, e.HttpStatus, "nothing was sent");
                Assert.True(!e.MayHaveBeenProcessed, "nothing was sent: not processed");
                Assert.Contains("partner-bundle", e.OutcomeJson, "the local findings");
                // The same findings, typed (pfhir_error_outcome).
                Assert.True(e.ValidationOutcome != null && e.ValidationOutcome.HasErrors, "ValidationOutcome has errors");
                Assert.True(e.ValidationOutcome.Issues.Any(i => i.Line > 0), "issues with a position");
                Assert.Equal(TlsCause.None, e.TlsCause, "not a TLS error");
                Assert.True(e.RetryAfter == null, "no Retry-After");
                var nul = Assert.Throws<ArgumentNullException>(() => client.Create((string)null), "Create(null)");
                Assert.Equal("bundleJson", nul.ParamName, "param");
                Assert.Throws<ArgumentNullException>(() => client.Update(null, "{}"), "Update(null id)");
                Assert.Throws<ArgumentNullException>(() => client.Read(null), "Read(null)");
            }
        }

        [Test]
        public static void ValidatorOptionsOfTheClientApply()
        {
            using (var cfg = Sandbox.Config())
            {
                // With the base profile, a bare Patient passes the local check (no partner rule) and the
                // sandbox refuses it instead (a server error, not a validation error).
                cfg.ValidatorOptions = new ValidatorOptions { Profile = Profile.Base };
                using (var client = new Client(cfg))
                {
                    var e = Assert.Throws<PfhirException>(() => client.Create("{\"resourceType\":\"Patient\",\"gender\":\"female\"}"), "create");
                    Assert.True(e is ServerException, "refused by the server: " + e.GetType().Name + " " + e.Message);
                    Assert.True(e.HttpStatus >= 400, "an HTTP status: " + e.HttpStatus);
                }
            }
        }

        [Test]
        public static void UntrustedServerIsTls()
        {
            Sandbox.Start();
            using (var cfg = Sandbox.Config())
            {
                // The client's own certificate is not a CA of the server's certificate.
                cfg.CaPem = File.ReadAllText(Path.Combine(Sandbox.CertDir, "client.pem"));
                using (var client = new Client(cfg))
                {
                    var e = Assert.Throws<TlsException>(() => client.Read("x"), "read");
                    Assert.Equal(ErrorCode.Tls, e.Code, "code");
                    Assert.Equal(0, e.HttpStatus, "no answer");
                    Assert.Equal(TlsCause.UnknownCa, e.TlsCause, "the server's CA is not the given one");
                    Assert.True(e is NetworkException, "a network error");
                }
            }
        }

        [Test]
        public static void ClosedPortIsConnect()
        {
            int port;
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            using (var cfg = Sandbox.Config())
            {
                cfg.BaseUrl = "https://127.0.0.1:" + port + "/partners/fhir/stu3/api/";
                using (var client = new Client(cfg))
                {
                    var e = Assert.Throws<ConnectException>(() => client.Read("x"), "read");
                    Assert.Equal(0, e.HttpStatus, "no answer");
                    Assert.True(!e.MayHaveBeenProcessed, "nothing was sent: not processed");
                }
            }
        }

        /// <summary>The connection drops after the sandbox processed the create: the outcome is
        /// unknown and the patient may exist. The sandbox de-duplicates by request id, so the same
        /// id replays the answer here; the partner guide does not promise that of the platform.</summary>
        [Test]
        public static void DroppedCreateMayHaveBeenProcessed()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                string bundle = Pfhir.BuildBundle(Input("Dropped"));
                double before = (double)MiniJson.Get(Sandbox.Stats(), "patients");
                Sandbox.Faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,\"fault\":{\"kind\":\"dropAfterBody\"}}");
                try
                {
                    var e = Assert.Throws<OutcomeUnknownException>(() => client.Create(bundle), "create");
                    Assert.Equal(ErrorCode.OutcomeUnknown, e.Code, "code");
                    Assert.True(e.MayHaveBeenProcessed, "sent, answer lost: it may have been processed");
                    Assert.Equal(0, e.HttpStatus, "no answer");
                    Assert.True(!string.IsNullOrEmpty(e.RequestId), "the request id sent");
                    Assert.Equal(before + 1, (double)MiniJson.Get(Sandbox.Stats(), "patients"), "it was processed");
                    var again = client.Create(bundle, e.RequestId);
                    Assert.Equal(e.RequestId, again.RequestId, "the same request id");
                    Assert.Equal(before + 1, (double)MiniJson.Get(Sandbox.Stats(), "patients"), "replayed, not created twice");
                }
                finally
                {
                    Sandbox.ClearFaults();
                }
            }
        }

        /// <summary>On v1 the safe way after an uncertain create: read Patient/{business id}.</summary>
        [Test]
        public static void DroppedV1CreateIsFoundByBusinessId()
        {
            using (var cfg = Sandbox.Config())
            {
                cfg.ApiVersion = ApiVersion.V1;
                using (var client = new Client(cfg))
                {
                    string input = Input("DroppedV1");
                    string businessId = (string)MiniJson.Get(MiniJson.Parse(input), "patientId");
                    string bundle = Pfhir.BuildBundle(input);
                    Sandbox.Faults("{\"method\":\"POST\",\"pathPrefix\":\"Bundle\",\"times\":1,\"fault\":{\"kind\":\"dropAfterBody\"}}");
                    try
                    {
                        var e = Assert.Throws<OutcomeUnknownException>(() => client.Create(bundle), "create");
                        Assert.True(e.MayHaveBeenProcessed, "may have been processed");
                        var found = client.Read(businessId);
                        Assert.Equal(200, found.Status, "read by business id");
                        Assert.Contains("DroppedV1", found.PatientJson, "the patient exists");
                        // A fresh request id is a second create: refused as a duplicate.
                        var dup = Assert.Throws<ServerException>(() => client.Create(bundle), "create again");
                        Assert.Equal(409, dup.HttpStatus, "409");
                        Assert.True(!dup.MayHaveBeenProcessed, "a 409 was not processed");
                    }
                    finally
                    {
                        Sandbox.ClearFaults();
                    }
                }
            }
        }

        [Test]
        public static void ServerAnswersMayHaveBeenProcessedOnlyForInternalErrors()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                try
                {
                    Sandbox.Faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,\"fault\":{\"kind\":\"status\",\"status\":400,\"outcome\":{\"code\":\"structure\"}}}");
                    var bad = Assert.Throws<ServerException>(() => client.Create(Pfhir.BuildBundle(Input("Structure"))), "400");
                    Assert.Equal(400, bad.HttpStatus, "status");
                    Assert.Equal(ServerErrorKind.Structure, bad.Kind, "kind");
                    Assert.True(!bad.MayHaveBeenProcessed, "a 400 refused the request");
                    Sandbox.Faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,\"fault\":{\"kind\":\"status\",\"status\":500,\"outcome\":{\"code\":\"exception\"}}}");
                    var internalError = Assert.Throws<ServerException>(() => client.Create(Pfhir.BuildBundle(Input("Exception"))), "500");
                    Assert.Equal(ServerErrorKind.Exception, internalError.Kind, "kind");
                    Assert.True(internalError.MayHaveBeenProcessed, "an internal exception may follow the processing");
                }
                finally
                {
                    Sandbox.ClearFaults();
                }
            }
        }

        /// <summary>v2 (the default): an update whose Bundle's Patient.id is not the id updated is
        /// refused before anything is sent.</summary>
        [Test]
        public static void UpdateWithAnotherPatientsBundleIsRefusedBeforeSending()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                string input = Input("Target");
                var target = client.Create(Pfhir.BuildBundle(input));
                var other = client.Create(Pfhir.BuildBundle(Input("Other")));
                object before = Sandbox.Stats();
                var wrong = new[]
                {
                    Pfhir.BuildBundle(WithLogicalId(input.Replace("\"Target\"", "\"Overwritten\""), other.PatientId)),
                    Pfhir.BuildBundle(input.Replace("\"Target\"", "\"Overwritten\"")),  // a Patient.id of its own
                };
                foreach (string bundle in wrong)
                {
                    var e = Assert.Throws<UpdateTargetMismatchException>(() => client.Update(target.PatientId, bundle), "update");
                    Assert.Equal(ErrorCode.UpdateTargetMismatch, e.Code, "code");
                    Assert.Equal("update_target_mismatch", e.CodeName, "code name");
                    Assert.Equal(0, e.HttpStatus, "nothing was sent");
                    Assert.True(e.RequestId == null, "no request id: nothing was sent");
                    Assert.True(e.OutcomeJson == null, "no outcome");
                    Assert.True(!e.RetrySafe && !e.MayHaveBeenProcessed, "not retry-safe, not processed");
                    Assert.Contains("nothing was sent", e.NativeMessage, "the message");
                    Assert.True(!e.Message.Contains(target.PatientId) && !e.Message.Contains(other.PatientId), "no id in the message: " + e.Message);
                }
                object after = Sandbox.Stats();
                // +1: the stats request itself; no update reached the sandbox.
                Assert.Equal((double)MiniJson.Get(before, "requests") + 1, (double)MiniJson.Get(after, "requests"), "requests");
                Assert.Equal((double)MiniJson.Get(before, "patients"), (double)MiniJson.Get(after, "patients"), "patients");
                Assert.Contains("Target", client.Read(target.PatientId).PatientJson, "the target is unchanged");
                Assert.Contains("Other", client.Read(other.PatientId).PatientJson, "the other is unchanged");
            }
        }

        [Test]
        public static void ClientSharedByFourThreads()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                var errors = new List<Exception>();
                var ids = new List<string>();
                var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
                {
                    try
                    {
                        for (int i = 0; i < 5; i++)
                        {
                            string input = Input("Thread" + t);
                            var c = client.Create(Pfhir.BuildBundle(input));
                            client.Update(c.PatientId, Pfhir.BuildBundle(WithLogicalId(input, c.PatientId)));
                            var r = client.Read(c.PatientId);
                            Assert.Contains("Thread" + t, r.PatientJson, "read back");
                            lock (ids) ids.Add(c.PatientId);
                        }
                    }
                    catch (Exception e)
                    {
                        lock (errors) errors.Add(e);
                    }
                })).ToList();
                threads.ForEach(th => th.Start());
                threads.ForEach(th => th.Join());
                Assert.True(errors.Count == 0, "no thread failed: " + string.Join("\n", errors.Select(e => e.ToString())));
                Assert.Equal(20, ids.Distinct().Count(), "20 distinct patients");
                Assert.True(client.ConnectionCount <= 8, "connections are reused: " + client.ConnectionCount);
            }
        }

        const string DropAfterBodyV2 = "{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,\"fault\":{\"kind\":\"dropAfterBody\"}}";

        static double Stat(string name) { return (double)MiniJson.Get(Sandbox.Stats(), name); }

        /// <summary>Creates <paramref name="bundle"/> with the create dropped by the queued fault;
        /// returns the failed create's request id.</summary>
        static string LostCreate(Client client, string bundle)
        {
            var e = Assert.Throws<PfhirException>(() => client.Create(bundle), "the dropped create");
            Assert.True(e.MayHaveBeenProcessed, "may have been processed (" + e.Code + ")");
            Assert.True(!string.IsNullOrEmpty(e.RequestId), "the request id sent");
            return e.RequestId;
        }

        /// <summary>(a) The sandbox de-duplicates by request id (its default): with
        /// ResendDeduplicating the lost create is re-sent and its answer replayed: Created, with
        /// the patient's id, and no second patient.</summary>
        [Test]
        public static void ResolveUncertainCreateResendsToADeduplicatingServer()
        {
            Assert.Equal(true, (bool)MiniJson.Get(Sandbox.Settings(), "dedup"), "the sandbox de-duplicates");
            using (var cfg = Sandbox.Config().SetUncertainCreate(UncertainCreatePolicy.ResendDeduplicating))
            using (var client = new Client(cfg))
            {
                Assert.Equal(UncertainCreatePolicy.ResendDeduplicating, cfg.UncertainCreatePolicy, "the setting");
                string bundle = Pfhir.BuildBundle(Input("Resolved"));
                double before = Stat("patients");
                Sandbox.Faults(DropAfterBodyV2);
                try
                {
                    string rid = LostCreate(client, bundle);
                    Assert.Equal(before + 1, Stat("patients"), "it was processed");
                    UncertainCreate found = client.ResolveUncertainCreate(bundle, rid);
                    Assert.Equal(CreateState.Created, found.State, "state");
                    Assert.True(!string.IsNullOrEmpty(found.PatientId), "the patient's id");
                    Assert.Equal(before + 1, Stat("patients"), "not created twice");
                    Assert.Contains("Resolved", client.Read(found.PatientId).PatientJson, "the id is the patient's");
                }
                finally
                {
                    Sandbox.ClearFaults();
                }
            }
        }

        /// <summary>(b) The default policy on v2 sends nothing: created, logical id unknown.</summary>
        [Test]
        public static void ResolveUncertainCreateByDefaultSendsNothingOnV2()
        {
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                Assert.Equal(UncertainCreatePolicy.AskAPerson, cfg.UncertainCreatePolicy, "the default");
                string bundle = Pfhir.BuildBundle(Input("AskAPerson"));
                Sandbox.Faults(DropAfterBodyV2);
                try
                {
                    string rid = LostCreate(client, bundle);
                    object before = Sandbox.Stats();
                    UncertainCreate found = client.ResolveUncertainCreate(bundle, rid);
                    object after = Sandbox.Stats();
                    Assert.Equal((double)MiniJson.Get(before, "requests") + 1, (double)MiniJson.Get(after, "requests"),
                        "only the stats request (+1) reached the sandbox");
                    Assert.Equal((double)MiniJson.Get(before, "patients"), (double)MiniJson.Get(after, "patients"), "patients");
                    Assert.Equal(CreateState.CreatedIdUnknown, found.State, "state");
                    Assert.True(found.PatientId == null, "no id");
                }
                finally
                {
                    Sandbox.ClearFaults();
                }
            }
        }

        /// <summary>(c) v1: the connection dropped before the sandbox read the create;
        /// Patient/{business id} is 404: not created, and a new create is then safe.</summary>
        [Test]
        public static void ResolveUncertainCreateOnV1AfterDropBeforeBodyIsNotCreated()
        {
            using (var cfg = Sandbox.Config())
            {
                cfg.ApiVersion = ApiVersion.V1;
                using (var client = new Client(cfg))
                {
                    string input = Input("NotCreated");
                    string businessId = (string)MiniJson.Get(MiniJson.Parse(input), "patientId");
                    string bundle = Pfhir.BuildBundle(input);
                    double before = Stat("patients");
                    Sandbox.Faults("{\"method\":\"POST\",\"pathPrefix\":\"Bundle\",\"times\":1,\"fault\":{\"kind\":\"dropBeforeBody\"}}");
                    try
                    {
                        string rid = LostCreate(client, bundle);
                        Assert.Equal(before, Stat("patients"), "nothing stored");
                        UncertainCreate found = client.ResolveUncertainCreate(bundle, rid);
                        Assert.Equal(CreateState.NotCreated, found.State, "state");
                        Assert.True(found.PatientId == null, "no id");
                        Assert.Equal(businessId, client.Create(bundle).PatientId, "a new create is safe");
                        UncertainCreate now = client.ResolveUncertainCreate(System.Text.Encoding.UTF8.GetBytes(bundle), rid);
                        Assert.Equal(CreateState.Created, now.State, "state after the create");
                        Assert.Equal(businessId, now.PatientId, "the business id");
                    }
                    finally
                    {
                        Sandbox.ClearFaults();
                    }
                }
            }
        }

        /// <summary>ResendDuplicateStatus(409) against a server that does not de-duplicate: the
        /// re-send is a second create of the identifier, refused with 409: created, id unknown.
        /// The sandbox's de-duplication is turned back on.</summary>
        [Test]
        public static void ResolveUncertainCreateReadsTheDuplicateStatusWithoutDedup()
        {
            using (var cfg = Sandbox.Config().SetUncertainCreate(UncertainCreatePolicy.ResendDuplicateStatus, 409))
            using (var client = new Client(cfg))
            {
                Assert.Equal(409, cfg.DuplicateStatus, "the status");
                string bundle = Pfhir.BuildBundle(Input("Duplicate"));
                Sandbox.SetDedup(false);
                try
                {
                    double before = Stat("patients");
                    Sandbox.Faults(DropAfterBodyV2);
                    string rid = LostCreate(client, bundle);
                    UncertainCreate found = client.ResolveUncertainCreate(bundle, rid);
                    Assert.Equal(CreateState.CreatedIdUnknown, found.State, "state");
                    Assert.True(found.PatientId == null, "no id");
                    Assert.Equal(before + 1, Stat("patients"), "one patient");
                }
                finally
                {
                    Sandbox.SetDedup(true);
                    Sandbox.ClearFaults();
                }
            }
            Assert.Equal(true, (bool)MiniJson.Get(Sandbox.Settings(), "dedup"), "dedup restored");
        }

        [Test]
        public static void UncertainCreateArgumentsAreChecked()
        {
            using (var cfg = new ClientConfig())
            {
                foreach (int status in new[] { 0, 200, 399, 500 })
                {
                    var e = Assert.Throws<PfhirArgumentException>(() => cfg.SetUncertainCreate(UncertainCreatePolicy.ResendDuplicateStatus, status), "status " + status);
                    Assert.Equal(ErrorCode.InvalidArgument, e.Code, "code");
                }
                Assert.Throws<ArgumentOutOfRangeException>(() => cfg.SetUncertainCreate(UncertainCreatePolicy.ResendDuplicateStatus, 70000), "not a ushort");
                Assert.Throws<PfhirArgumentException>(() => cfg.SetUncertainCreate((UncertainCreatePolicy)7), "an unknown policy");
                Assert.Equal(UncertainCreatePolicy.AskAPerson, cfg.UncertainCreatePolicy, "unchanged after the errors");
                cfg.SetUncertainCreate(UncertainCreatePolicy.ResendDeduplicating, 409);
                Assert.Equal(0, cfg.DuplicateStatus, "the status is for ResendDuplicateStatus only");
            }
            using (var cfg = Sandbox.Config())
            using (var client = new Client(cfg))
            {
                string bundle = Pfhir.BuildBundle(Input("Args"));
                Assert.Throws<ArgumentException>(() => client.ResolveUncertainCreate(bundle, ""), "empty request id");
                Assert.Throws<ArgumentNullException>(() => client.ResolveUncertainCreate(bundle, null), "null request id");
                Assert.Throws<ArgumentNullException>(() => client.ResolveUncertainCreate((string)null, "rid"), "null bundle");
                client.Dispose();
                Assert.Throws<ObjectDisposedException>(() => client.ResolveUncertainCreate(bundle, "rid"), "disposed client");
            }
        }

        [Test]
        public static void ContentTypeSetting()
        {
            using (var cfg = Sandbox.Config())
            {
                Assert.Equal("application/json", cfg.ContentType, "the default");
                cfg.ContentType = "application/fhir+json";
                Assert.Equal("application/fhir+json", cfg.ContentType, "set");
                using (var client = new Client(cfg))
                    Assert.Equal(200, client.Create(Pfhir.BuildBundle(Input("FhirJson"))).Status, "a create with application/fhir+json");
                var e = Assert.Throws<PfhirArgumentException>(() => cfg.ContentType = "text/plain", "text/plain");
                Assert.Equal(ErrorCode.InvalidArgument, e.Code, "code");
                Assert.Equal("application/fhir+json", cfg.ContentType, "unchanged");
                Assert.Throws<ArgumentNullException>(() => cfg.ContentType = null, "null");
            }
        }
    }
}
