// The client of the Partners FHIR API: configuration, client, and results.

using System;

namespace PfhirSdk
{
    /// <summary>The API version a client speaks.</summary>
    public enum ApiVersion
    {
        /// <summary>v1: patients are addressed by their business id.</summary>
        V1,
        /// <summary>v2 (the default): patients are addressed by the platform's logical id.</summary>
        V2,
    }

    /// <summary>
    /// A client configuration: each property is checked and copied to the native configuration
    /// when set. Defaults: API v2, connect timeout 10 s, request timeout 30 s, 3 attempts.
    /// Not thread-safe. Secrets are write-only and wiped from native memory on Dispose.
    /// </summary>
    public sealed partial class ClientConfig : IDisposable
    {
        private readonly ClientConfigHandle handle;
        private string baseUrl, orgId, clientId;
        private ApiVersion apiVersion = ApiVersion.V2;
        private string contentType = "application/json";
        private UncertainCreatePolicy uncertainCreate = UncertainCreatePolicy.AskAPerson;
        private int duplicateStatus;

        private delegate ErrorHandle Setter(ClientConfigHandle cfg, byte[] v, UIntPtr len);

        /// <summary>A configuration with the defaults.</summary>
        public ClientConfig()
        {
            Native.Check(Native.pfhir_client_config_new(out handle));
        }

        internal ClientConfigHandle Handle { get { handle.ThrowIfClosed("ClientConfig"); return handle; } }

        private void Set(Setter f, string value, string name)
        {
            if (value == null) throw new ArgumentNullException(name);
            byte[] b = Native.Encode(value, name);
            try
            {
                Native.Check(f(Handle, b, Native.Len(b)));
            }
            finally
            {
                Array.Clear(b, 0, b.Length);
            }
        }

        /// <summary>The base URL, up to <c>/partners/fhir/stu3/api/</c> (https only).</summary>
        public string BaseUrl
        {
            get { return baseUrl; }
            set { Set(Native.pfhir_client_config_set_base_url, value, "BaseUrl"); baseUrl = value; }
        }

        /// <summary>The API version (default v2).</summary>
        public ApiVersion ApiVersion
        {
            get { return apiVersion; }
            set
            {
                if (value != ApiVersion.V1 && value != ApiVersion.V2) throw new ArgumentOutOfRangeException("ApiVersion");
                Set(Native.pfhir_client_config_set_api_version, value == ApiVersion.V1 ? "v1" : "v2", "ApiVersion");
                apiVersion = value;
            }
        }

        /// <summary>The <c>Content-Type</c> of the Bundles sent: <c>application/json</c> (the
        /// default, the guide's) or <c>application/fhir+json</c>.</summary>
        /// <exception cref="PfhirArgumentException">another value (code
        /// <see cref="ErrorCode.InvalidArgument"/>); the setting is unchanged.</exception>
        public string ContentType
        {
            get { return contentType; }
            set { Set(Native.pfhir_client_config_set_content_type, value, "ContentType"); contentType = value; }
        }

        /// <summary>How <see cref="Client.ResolveUncertainCreate(string, string)"/> settles a v2
        /// create (default <see cref="PfhirSdk.UncertainCreatePolicy.AskAPerson"/>); set it with
        /// <see cref="SetUncertainCreate"/>.</summary>
        public UncertainCreatePolicy UncertainCreatePolicy { get { return uncertainCreate; } }

        /// <summary>The status read as "created, id unknown" with
        /// <see cref="PfhirSdk.UncertainCreatePolicy.ResendDuplicateStatus"/>; 0 otherwise.</summary>
        public int DuplicateStatus { get { return duplicateStatus; } }

        /// <summary>Sets how <see cref="Client.ResolveUncertainCreate(string, string)"/> settles an
        /// API v2 create whose outcome is unknown; <paramref name="duplicateStatus"/> is the HTTP
        /// status the server gives a duplicate identifier, for
        /// <see cref="PfhirSdk.UncertainCreatePolicy.ResendDuplicateStatus"/> (400 to 499), ignored
        /// for the others. Returns this configuration.</summary>
        /// <exception cref="PfhirArgumentException">an unknown policy, or a duplicate status out of
        /// range (code <see cref="ErrorCode.InvalidArgument"/>); the setting is unchanged.</exception>
        public ClientConfig SetUncertainCreate(UncertainCreatePolicy policy, int duplicateStatus = 0)
        {
            bool withStatus = policy == PfhirSdk.UncertainCreatePolicy.ResendDuplicateStatus;
            if (withStatus && (duplicateStatus < 0 || duplicateStatus > ushort.MaxValue))
                throw new ArgumentOutOfRangeException("duplicateStatus", "an HTTP status from 400 to 499");
            ushort status = withStatus ? (ushort)duplicateStatus : (ushort)0;
            Native.Check(Native.pfhir_client_config_set_uncertain_create(Handle, (uint)policy, status));
            uncertainCreate = policy;
            this.duplicateStatus = status;
            return this;
        }

        /// <summary>The organization OID (<c>org_id</c> header).</summary>
        public string OrgId
        {
            get { return orgId; }
            set { Set(Native.pfhir_client_config_set_org_id, value, "OrgId"); orgId = value; }
        }

        /// <summary>The client id (<c>client_id</c> header).</summary>
        public string ClientId
        {
            get { return clientId; }
            set { Set(Native.pfhir_client_config_set_client_id, value, "ClientId"); clientId = value; }
        }

        /// <summary>The client secret (<c>client_secret</c> header). Write-only; never logged.</summary>
        public string ClientSecret
        {
            set { Set(Native.pfhir_client_config_set_client_secret, value, "ClientSecret"); }
        }

        /// <summary>The client certificate chain (PEM, leaf first). Write-only.</summary>
        public string CertPem
        {
            set { Set(Native.pfhir_client_config_set_cert_pem, value, "CertPem"); }
        }

        /// <summary>The client private key (PEM: PKCS#8, PKCS#1 or SEC1). Write-only; never logged.</summary>
        public string KeyPem
        {
            set { Set(Native.pfhir_client_config_set_key_pem, value, "KeyPem"); }
        }

        /// <summary>The CA certificates to trust for the server (PEM): exactly these, and
        /// <see cref="TrustStore"/> is not used. Write-only.</summary>
        public string CaPem
        {
            set { Set(Native.pfhir_client_config_set_ca_pem, value, "CaPem"); }
        }

        /// <summary>The options of the local validation run before each create and update (copied). Write-only.</summary>
        public ValidatorOptions ValidatorOptions
        {
            set
            {
                if (value == null) throw new ArgumentNullException("ValidatorOptions");
                using (var opts = value.ToNative())
                {
                    Native.Check(Native.pfhir_client_config_set_validator_options(Handle, opts));
                }
            }
        }

        private static uint Millis(TimeSpan t, string name)
        {
            if (t < TimeSpan.Zero || t.TotalMilliseconds > uint.MaxValue) throw new ArgumentOutOfRangeException(name);
            return (uint)t.TotalMilliseconds;
        }

        /// <summary>Sets the timeouts: connect (TCP + TLS) and one attempt; TimeSpan.Zero keeps
        /// the current value. Returns this configuration.</summary>
        public ClientConfig SetTimeouts(TimeSpan connect, TimeSpan request)
        {
            Native.Check(Native.pfhir_client_config_set_timeouts(Handle, Millis(connect, "connect"), Millis(request, "request")));
            return this;
        }

        /// <summary>Sets the retry policy: attempts in all (1 = no retry), first backoff, longest
        /// backoff and the total time after which no retry starts. Returns this configuration.</summary>
        public ClientConfig SetRetry(int maxAttempts, TimeSpan initialBackoff, TimeSpan maxBackoff, TimeSpan totalTimeout)
        {
            if (maxAttempts < 0) throw new ArgumentOutOfRangeException("maxAttempts");
            Native.Check(Native.pfhir_client_config_set_retry(Handle, (uint)maxAttempts,
                Millis(initialBackoff, "initialBackoff"), Millis(maxBackoff, "maxBackoff"), Millis(totalTimeout, "totalTimeout")));
            return this;
        }

        /// <summary>Frees the native configuration and wipes its secrets.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>What a create returned.</summary>
    public sealed class CreateResult
    {
        internal CreateResult(CreateResultHandle h)
        {
            PatientId = Native.ToStringOrEmpty(Native.pfhir_create_result_patient_id(h));
            BundleId = Native.ToStringOrNull(Native.pfhir_create_result_bundle_id(h));
            RequestId = Native.ToStringOrEmpty(Native.pfhir_create_result_request_id(h));
            BundleJson = Native.ToStringOrNull(Native.pfhir_create_result_bundle_json(h));
            Status = Native.pfhir_create_result_status(h);
            Attempts = (int)Native.pfhir_create_result_attempts(h);
        }

        /// <summary>The platform's Patient id (v2: logical id, for updates and reads; v1: business id).</summary>
        public string PatientId { get; private set; }
        /// <summary>The platform's Bundle id.</summary>
        public string BundleId { get; private set; }
        /// <summary>The <c>x-origin-request-id</c> sent.</summary>
        public string RequestId { get; private set; }
        /// <summary>The Bundle the platform answered with, as JSON.</summary>
        public string BundleJson { get; private set; }
        /// <summary>The HTTP status.</summary>
        public int Status { get; private set; }
        /// <summary>Attempts made (1 = no retry).</summary>
        public int Attempts { get; private set; }
    }

    /// <summary>What <see cref="Client.ResolveUncertainCreate(string, string)"/> found.</summary>
    public sealed class UncertainCreate
    {
        internal UncertainCreate(CreateState state, string patientId)
        {
            State = state;
            PatientId = patientId;
        }

        /// <summary>Created, created with an unknown logical id, or not created.</summary>
        public CreateState State { get; private set; }
        /// <summary>The patient's id when <see cref="CreateState.Created"/> (v2: the logical id;
        /// v1: the business id); null otherwise.</summary>
        public string PatientId { get; private set; }
    }

    /// <summary>What an update returned.</summary>
    public sealed class UpdateResult
    {
        internal UpdateResult(UpdateResultHandle h)
        {
            RequestId = Native.ToStringOrEmpty(Native.pfhir_update_result_request_id(h));
            Status = Native.pfhir_update_result_status(h);
            Attempts = (int)Native.pfhir_update_result_attempts(h);
        }

        /// <summary>The <c>x-origin-request-id</c> sent.</summary>
        public string RequestId { get; private set; }
        /// <summary>The HTTP status.</summary>
        public int Status { get; private set; }
        /// <summary>Attempts made (1 = no retry).</summary>
        public int Attempts { get; private set; }
    }

    /// <summary>What a read returned.</summary>
    public sealed class ReadResult
    {
        internal ReadResult(ReadResultHandle h)
        {
            PatientJson = Native.ToStringOrEmpty(Native.pfhir_read_result_patient_json(h));
            RequestId = Native.ToStringOrEmpty(Native.pfhir_read_result_request_id(h));
            Status = Native.pfhir_read_result_status(h);
            Attempts = (int)Native.pfhir_read_result_attempts(h);
        }

        /// <summary>The Patient as the platform sent it (JSON).</summary>
        public string PatientJson { get; private set; }
        /// <summary>The <c>x-origin-request-id</c> sent.</summary>
        public string RequestId { get; private set; }
        /// <summary>The HTTP status.</summary>
        public int Status { get; private set; }
        /// <summary>Attempts made (1 = no retry).</summary>
        public int Attempts { get; private set; }
    }

    /// <summary>
    /// A client of the Partners FHIR API over mutual TLS. Thread-safe: share one per process
    /// (it keeps its connections alive for all threads). Each create and update validates the
    /// Bundle locally first (<see cref="ValidationException"/>, nothing sent) and is retried on
    /// transient failures with the same request id. Failures throw a
    /// <see cref="PfhirException"/> subclass: <see cref="ServerException"/> (with the
    /// platform's OperationOutcome), <see cref="NetworkException"/>...
    /// </summary>
    public sealed partial class Client : IDisposable
    {
        private readonly ClientHandle handle;

        /// <summary>Creates a client: checks the configuration, parses the certificate and key.
        /// The configuration is copied and may be disposed at once.</summary>
        /// <exception cref="ConfigException">the configuration is incomplete or wrong.</exception>
        public Client(ClientConfig config)
        {
            if (config == null) throw new ArgumentNullException("config");
            Native.Check(Native.pfhir_client_new(config.Handle, out handle));
        }

        private ClientHandle Handle { get { handle.ThrowIfClosed("Client"); return handle; } }

        /// <summary>Creates a patient from a message Bundle (JSON text). <paramref name="requestId"/>
        /// null sends a fresh one. When a create fails with
        /// <see cref="PfhirException.MayHaveBeenProcessed"/> (e.g. <see cref="OutcomeUnknownException"/>)
        /// the patient may exist: do not simply create it again, settle it with
        /// <see cref="ResolveUncertainCreate(string, string)"/>. Re-sending with the exception's
        /// <see cref="PfhirException.RequestId"/> is safe only against a server that de-duplicates
        /// by <c>x-origin-request-id</c>, which the partner guide does not promise.</summary>
        public CreateResult Create(string bundleJson, string requestId = null)
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            return Create(Native.Encode(bundleJson, "bundleJson"), requestId);
        }

        /// <summary>As <see cref="Create(string, string)"/>, with the Bundle as UTF-8 bytes.</summary>
        public CreateResult Create(byte[] bundleJson, string requestId = null)
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            byte[] rid = Native.Encode(requestId, "requestId");
            CreateResultHandle r;
            Native.Check(Native.pfhir_client_create_with_request_id(Handle, bundleJson, Native.Len(bundleJson), rid, Native.Len(rid), out r));
            using (r) return new CreateResult(r);
        }

        /// <summary>Settles a create that failed with <see cref="PfhirException.MayHaveBeenProcessed"/>:
        /// give the same Bundle and the exception's <see cref="PfhirException.RequestId"/>. API v1
        /// reads <c>Patient/{business id}</c>: <see cref="CreateState.Created"/> with the business
        /// id, or <see cref="CreateState.NotCreated"/> on 404. API v2 follows
        /// <see cref="ClientConfig.SetUncertainCreate"/>: by default nothing is sent and the answer
        /// is <see cref="CreateState.CreatedIdUnknown"/> (a person must find the patient; never
        /// create it again); <see cref="UncertainCreatePolicy.ResendDeduplicating"/> re-sends with
        /// the same request id; <see cref="UncertainCreatePolicy.ResendDuplicateStatus"/> re-sends
        /// and reads the given status as <see cref="CreateState.CreatedIdUnknown"/>. Only
        /// <see cref="CreateState.NotCreated"/> allows a new create.</summary>
        /// <exception cref="ArgumentException"><paramref name="requestId"/> is empty.</exception>
        /// <exception cref="PfhirException">it is still unknown (the read or the re-send failed).</exception>
        public UncertainCreate ResolveUncertainCreate(string bundleJson, string requestId)
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            return ResolveUncertainCreate(Native.Encode(bundleJson, "bundleJson"), requestId);
        }

        /// <summary>As <see cref="ResolveUncertainCreate(string, string)"/>, with the Bundle as UTF-8 bytes.</summary>
        public UncertainCreate ResolveUncertainCreate(byte[] bundleJson, string requestId)
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            if (requestId == null) throw new ArgumentNullException("requestId");
            if (requestId.Length == 0) throw new ArgumentException("the failed create's request id is needed", "requestId");
            byte[] rid = Native.Encode(requestId, "requestId");
            uint state;
            PfhirBytes id;
            Native.Check(Native.pfhir_client_resolve_uncertain_create(Handle, bundleJson, Native.Len(bundleJson), rid, Native.Len(rid), out state, out id));
            string patientId = Native.TakeString(id);
            if (state < (uint)CreateState.Created || state > (uint)CreateState.NotCreated)
                throw new InvalidOperationException("libpfhir gave an unknown create state " + state);
            var found = (CreateState)state;
            return new UncertainCreate(found, found == CreateState.Created ? patientId : null);
        }

        /// <summary>Updates patient <paramref name="id"/> (v2: the logical id a create returned;
        /// v1: the business id) with a message Bundle (JSON text).</summary>
        /// <exception cref="UpdateTargetMismatchException">the Bundle is not for that patient
        /// (v2: its Patient.id differs; v1: no identifier of an accepted authority has the value
        /// <paramref name="id"/>); nothing was sent.</exception>
        public UpdateResult Update(string id, string bundleJson, string requestId = null)
        {
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            return Update(id, Native.Encode(bundleJson, "bundleJson"), requestId);
        }

        /// <summary>As <see cref="Update(string, string, string)"/>, with the Bundle as UTF-8 bytes.</summary>
        public UpdateResult Update(string id, byte[] bundleJson, string requestId = null)
        {
            if (id == null) throw new ArgumentNullException("id");
            if (bundleJson == null) throw new ArgumentNullException("bundleJson");
            byte[] idb = Native.Encode(id, "id");
            byte[] rid = Native.Encode(requestId, "requestId");
            UpdateResultHandle r;
            Native.Check(Native.pfhir_client_update_with_request_id(Handle, idb, Native.Len(idb), bundleJson, Native.Len(bundleJson), rid, Native.Len(rid), out r));
            using (r) return new UpdateResult(r);
        }

        /// <summary>Reads a patient by logical id, with <paramref name="requestId"/> as the
        /// <c>x-origin-request-id</c> (null: a fresh UUID).</summary>
        /// <exception cref="NotFoundException">no such patient.</exception>
        public ReadResult Read(string id, string requestId = null)
        {
            if (id == null) throw new ArgumentNullException("id");
            byte[] idb = Native.Encode(id, "id");
            byte[] rid = Native.Encode(requestId, "requestId");
            ReadResultHandle r;
            Native.Check(Native.pfhir_client_read_with_request_id(Handle, idb, Native.Len(idb), rid, Native.Len(rid), out r));
            using (r) return new ReadResult(r);
        }

        /// <summary>New TLS connections the client opened so far (its other requests reused them).</summary>
        public long ConnectionCount { get { return (long)Native.pfhir_client_connection_count(Handle); } }

        /// <summary>Frees the native client. No other thread may be using it.</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
