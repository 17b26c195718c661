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
    public sealed class ClientConfig : IDisposable
    {
        private readonly ClientConfigHandle handle;
        private string baseUrl, orgId, clientId;
        private ApiVersion apiVersion = ApiVersion.V2;

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

        /// <summary>The CA certificates to trust for the server (PEM). Write-only. Without them the server
        /// is checked against the compiled-in Mozilla root certificates (webpki-roots); a later release
        /// adds the OS trust store.</summary>
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
    public sealed class Client : IDisposable
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
        /// the patient may exist: do not simply create it again. On v1 read
        /// <c>Patient/{business id}</c>; re-sending with the exception's
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

        /// <summary>Reads a patient by logical id.</summary>
        /// <exception cref="NotFoundException">no such patient.</exception>
        public ReadResult Read(string id)
        {
            if (id == null) throw new ArgumentNullException("id");
            byte[] idb = Native.Encode(id, "id");
            ReadResultHandle r;
            Native.Check(Native.pfhir_client_read(Handle, idb, Native.Len(idb), out r));
            using (r) return new ReadResult(r);
        }

        /// <summary>New TLS connections the client opened so far (its other requests reused them).</summary>
        public long ConnectionCount { get { return (long)Native.pfhir_client_connection_count(Handle); } }

        /// <summary>Frees the native client. No other thread may be using it.</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
