// Error codes and the exception hierarchy. Every pfhir_error becomes one PfhirException
// subclass chosen by its code's family; the exception carries everything the error had.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text;

namespace PfhirSdk
{
    /// <summary>What kind of answer a <see cref="ServerException"/> is.</summary>
    public enum ServerErrorKind
    {
        /// <summary>A code this version of the binding does not know.</summary>
        Unknown = 0,
        /// <summary>OperationOutcome code <c>required</c>.</summary>
        Required,
        /// <summary>OperationOutcome code <c>structure</c>.</summary>
        Structure,
        /// <summary>OperationOutcome code <c>invalid</c> (also: duplicate identifier or e-mail).</summary>
        Invalid,
        /// <summary>OperationOutcome code <c>too-long</c>.</summary>
        TooLong,
        /// <summary>OperationOutcome code <c>timeout</c> (transient).</summary>
        Timeout,
        /// <summary>OperationOutcome code <c>exception</c> (transient).</summary>
        Exception,
        /// <summary>403: credentials or organization refused.</summary>
        Forbidden,
        /// <summary>404: no such patient.</summary>
        NotFound,
        /// <summary>OperationOutcome code <c>not-supported</c>.</summary>
        NotSupported,
        /// <summary>429: too many requests.</summary>
        RateLimited,
        /// <summary>502, 503 or 504 without a FHIR answer.</summary>
        Unavailable,
        /// <summary>Another HTTP error status.</summary>
        HttpStatus,
        /// <summary>A success status with a body pfhir cannot use.</summary>
        InvalidResponse,
    }

    /// <summary>One wrong PatientInput field: its name (<c>birthDate</c>, <c>phones[1].use</c>)
    /// and what is wrong with it (never its value).</summary>
    public sealed class FieldError
    {
        /// <summary>Creates a field error.</summary>
        public FieldError(string field, string message)
        {
            Field = field;
            Message = message;
        }

        /// <summary>The input field, as named in the PatientInput JSON.</summary>
        public string Field { get; private set; }

        /// <summary>What is wrong with it.</summary>
        public string Message { get; private set; }

        /// <summary><c>field: message</c>.</summary>
        public override string ToString() { return Field + ": " + Message; }
    }

    /// <summary>Everything a pfhir_error carries, copied out of it.</summary>
    internal sealed class ErrorDetails
    {
        internal ErrorCode Code;
        internal string Message = "";
        internal int HttpStatus;
        internal string OutcomeJson;
        internal string RequestId;
        internal string Body;
        internal bool RetrySafe;
        internal bool MayHaveBeenProcessed;
        internal IList<FieldError> Fields = new List<FieldError>();
        internal TlsCause TlsCause;
        internal uint RetryAfterMs;
        internal Outcome ValidationOutcome;
    }

    /// <summary>
    /// The base of every error pfhir reports. Catch a subclass for a family of errors
    /// (<see cref="InputException"/>, <see cref="ValidationException"/>,
    /// <see cref="UpdateTargetMismatchException"/>, <see cref="NetworkException"/>,
    /// <see cref="ServerException"/>...), or this class for all.
    /// Arguments that are null are refused with <see cref="ArgumentNullException"/> before
    /// reaching the native library.
    /// </summary>
    public class PfhirException : Exception
    {
        private readonly ErrorDetails details;

        internal PfhirException(ErrorDetails d) : base(Describe(d))
        {
            details = d;
            Fields = new ReadOnlyCollection<FieldError>(d.Fields);
        }

        /// <summary>The error code (a number of <c>pfhir_code</c>).</summary>
        public ErrorCode Code { get { return details.Code; } }

        /// <summary>The snake-case name of the code (<c>not_found</c>), or the number for a
        /// code this library does not name.</summary>
        public string CodeName { get { return Pfhir.CodeName(details.Code) ?? ((uint)details.Code).ToString(); } }

        /// <summary>The library's message: what failed and why (never a secret or a patient value).</summary>
        public string NativeMessage { get { return details.Message; } }

        /// <summary>The HTTP status the platform answered with, 0 when no answer was received.</summary>
        public int HttpStatus { get { return details.HttpStatus; } }

        /// <summary>The OperationOutcome JSON: the platform's answer, or the local validation's
        /// findings (<see cref="ValidationException"/>); null when there is none.</summary>
        public string OutcomeJson { get { return details.OutcomeJson; } }

        /// <summary>The <c>x-origin-request-id</c> of the failed request; null when no request was
        /// made. See <see cref="MayHaveBeenProcessed"/> before re-sending a create with it.</summary>
        public string RequestId { get { return details.RequestId; } }

        /// <summary>The raw response body of an HTTP error (HTML from a gateway, say), or null.</summary>
        public string Body { get { return details.Body; } }

        /// <summary>True when sending the same request again cannot do harm and may succeed.</summary>
        public bool RetrySafe { get { return details.RetrySafe; } }

        /// <summary>True when the platform may have processed the failed request: the connection
        /// broke or timed out after it was sent (<see cref="OutcomeUnknownException"/>, a
        /// <see cref="PfhirTimeoutException"/> after sending), or the platform answered an
        /// internal <c>timeout</c> or <c>exception</c>. For a create the patient may exist: do not
        /// simply create it again (v1: read <c>Patient/{business id}</c>; v2: a re-send with the
        /// same <see cref="RequestId"/> is safe only against a server that de-duplicates by
        /// <c>x-origin-request-id</c>, which the partner guide does not promise). False when
        /// nothing was sent or the platform refused the request (a 409, a 400).</summary>
        public bool MayHaveBeenProcessed { get { return details.MayHaveBeenProcessed; } }

        /// <summary>The wrong PatientInput fields (code <see cref="ErrorCode.Input"/>); empty otherwise.</summary>
        public IReadOnlyList<FieldError> Fields { get; private set; }

        /// <summary>Why the TLS handshake failed, for a TLS error (<c>pfhir_error_tls_cause</c>);
        /// <see cref="PfhirSdk.TlsCause.None"/> otherwise.</summary>
        public TlsCause TlsCause { get { return details.TlsCause; } }

        /// <summary>How long the platform asked to wait (HTTP <c>Retry-After</c>, for a 429 or
        /// 503), or null when it did not say (<c>pfhir_error_retry_after_ms</c>).</summary>
        public TimeSpan? RetryAfter
        {
            get { return details.RetryAfterMs == 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(details.RetryAfterMs); }
        }

        private static string Describe(ErrorDetails d)
        {
            var sb = new StringBuilder();
            sb.Append(d.Message);
            string name = Pfhir.CodeName(d.Code) ?? ((uint)d.Code).ToString();
            sb.Append(" [").Append(name);
            if (d.HttpStatus != 0) sb.Append(", HTTP ").Append(d.HttpStatus);
            if (d.RequestId != null) sb.Append(", request id ").Append(d.RequestId);
            sb.Append(']');
            return sb.ToString();
        }

        /// <summary>
        /// The exception class that an error of <paramref name="code"/> is thrown as; null for
        /// <see cref="ErrorCode.Ok"/>, <see cref="PfhirException"/> itself for an unknown number.
        /// </summary>
        public static Type ExceptionTypeFor(ErrorCode code)
        {
            if (code == ErrorCode.Ok) return null;
            return Create(new ErrorDetails { Code = code }).GetType();
        }

        /// <summary>The one mapping from codes to classes.</summary>
        internal static PfhirException Create(ErrorDetails d)
        {
            switch (d.Code)
            {
                case ErrorCode.NullArgument:
                case ErrorCode.InvalidUtf8:
                case ErrorCode.InvalidArgument:
                    return new PfhirArgumentException(d);
                case ErrorCode.Panic:
                case ErrorCode.Internal:
                    return new PfhirInternalException(d);
                case ErrorCode.Config:
                    return new ConfigException(d);
                case ErrorCode.WrongPassword:
                    return new WrongPasswordException(d);
                case ErrorCode.Input:
                case ErrorCode.Json:
                    return new InputException(d);
                case ErrorCode.Validation:
                    return new ValidationException(d);
                case ErrorCode.UpdateTargetMismatch:
                    return new UpdateTargetMismatchException(d);
                case ErrorCode.Tls:
                    return new TlsException(d);
                case ErrorCode.Connect:
                    return new ConnectException(d);
                case ErrorCode.Timeout:
                    return new PfhirTimeoutException(d);
                case ErrorCode.OutcomeUnknown:
                    return new OutcomeUnknownException(d);
                case ErrorCode.Forbidden:
                    return new ForbiddenException(d);
                case ErrorCode.NotFound:
                    return new NotFoundException(d);
                case ErrorCode.RateLimited:
                    return new RateLimitedException(d);
                case ErrorCode.Unavailable:
                    return new UnavailableException(d);
                case ErrorCode.ServerRequired:
                case ErrorCode.ServerStructure:
                case ErrorCode.ServerInvalid:
                case ErrorCode.ServerTooLong:
                case ErrorCode.ServerTimeout:
                case ErrorCode.ServerException:
                case ErrorCode.NotSupported:
                case ErrorCode.HttpStatus:
                case ErrorCode.InvalidResponse:
                    return new ServerException(d);
                default:
                    return new PfhirException(d);
            }
        }

        /// <summary>Copies a native error into its exception (the caller frees the error).</summary>
        internal static PfhirException FromNative(ErrorHandle err)
        {
            var d = new ErrorDetails();
            d.Code = (ErrorCode)Native.pfhir_error_code(err);
            d.Message = Native.ToStringOrEmpty(Native.pfhir_error_message(err));
            d.HttpStatus = Native.pfhir_error_http_status(err);
            d.OutcomeJson = Native.ToStringOrNull(Native.pfhir_error_outcome_json(err));
            d.RequestId = Native.ToStringOrNull(Native.pfhir_error_request_id(err));
            d.Body = Native.ToStringOrNull(Native.pfhir_error_body(err));
            d.RetrySafe = Native.pfhir_error_retry_safe(err);
            d.MayHaveBeenProcessed = Native.pfhir_error_may_have_been_processed(err);
            d.TlsCause = (TlsCause)Native.pfhir_error_tls_cause(err);
            d.RetryAfterMs = Native.pfhir_error_retry_after_ms(err);
            if (d.Code == ErrorCode.Validation)
            {
                OutcomeHandle o;
                ErrorHandle failed = Native.pfhir_error_outcome(err, out o);
                if (failed == null || failed.IsInvalid)
                {
                    if (failed != null) failed.Dispose();
                    d.ValidationOutcome = new Outcome(o); // the Outcome owns the handle
                }
                else
                {
                    failed.Dispose();
                }
            }
            ulong n = Native.pfhir_error_field_count(err).ToUInt64();
            for (ulong i = 0; i < n; i++)
            {
                var idx = new UIntPtr(i);
                d.Fields.Add(new FieldError(
                    Native.ToStringOrEmpty(Native.pfhir_error_field_name(err, idx)),
                    Native.ToStringOrEmpty(Native.pfhir_error_field_message(err, idx))));
            }
            return Create(d);
        }
    }

    /// <summary>An argument was refused by the library: NULL, not UTF-8, or out of range (an
    /// unknown rule id, a bad limit). Codes NullArgument, InvalidUtf8, InvalidArgument.</summary>
    public class PfhirArgumentException : PfhirException
    {
        internal PfhirArgumentException(ErrorDetails d) : base(d) { }
    }

    /// <summary>A bug or an internal failure of pfhir (codes Panic, Internal).</summary>
    public class PfhirInternalException : PfhirException
    {
        internal PfhirInternalException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The client configuration is incomplete or wrong (code Config).</summary>
    public class ConfigException : PfhirException
    {
        internal ConfigException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The password of the client identity is wrong (code WrongPassword): a PKCS#12
    /// file whose integrity check or decryption fails, an encrypted key that does not decrypt.
    /// The message names the setting, never the password. A <see cref="ConfigException"/>, so
    /// handlers of configuration errors catch it too.</summary>
    public class WrongPasswordException : ConfigException
    {
        internal WrongPasswordException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The PatientInput (or a JSON text) is wrong; <see cref="PfhirException.Fields"/>
    /// names each wrong field (codes Input, Json).</summary>
    public class InputException : PfhirException
    {
        internal InputException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The Bundle failed local validation and nothing was sent;
    /// <see cref="PfhirException.OutcomeJson"/> holds the findings (code Validation).</summary>
    public class ValidationException : PfhirException
    {
        private readonly Outcome outcome;

        internal ValidationException(ErrorDetails d) : base(d) { outcome = d.ValidationOutcome; }

        /// <summary>The local validation's findings as an <see cref="Outcome"/> (typed issues with
        /// line and column, as <see cref="Validator.Validate(byte[])"/> returns them;
        /// <c>pfhir_error_outcome</c>); null when the library gave none.</summary>
        public Outcome ValidationOutcome { get { return outcome; } }
    }

    /// <summary>An update whose Bundle is not for the patient its id names; nothing was sent
    /// (code UpdateTargetMismatch). v2: the Bundle's Patient.id must equal the id (build the
    /// update with the PatientInput member <c>"ids": {"patient": "&lt;PatientId from Create&gt;"}</c>);
    /// v1: the value of one of the Patient's identifiers of an accepted authority must equal it
    /// (the business id). The message never repeats an id.</summary>
    public class UpdateTargetMismatchException : PfhirException
    {
        internal UpdateTargetMismatchException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The transport failed: TLS, connection, timeout, or an unknown outcome.</summary>
    public class NetworkException : PfhirException
    {
        internal NetworkException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The TLS handshake failed (code Tls).</summary>
    public class TlsException : NetworkException
    {
        internal TlsException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The server could not be reached; nothing was sent (code Connect).</summary>
    public class ConnectException : NetworkException
    {
        internal ConnectException(ErrorDetails d) : base(d) { }
    }

    /// <summary>A timeout (code Timeout).</summary>
    public class PfhirTimeoutException : NetworkException
    {
        internal PfhirTimeoutException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The connection failed after the request was sent, so the platform may have
    /// processed it (code OutcomeUnknown; <see cref="PfhirException.MayHaveBeenProcessed"/> is
    /// true). For a create the patient may exist: do not simply create it again. On v1 read
    /// <c>Patient/{business id}</c> to find out; on v2 a re-send with the same
    /// <see cref="PfhirException.RequestId"/> is safe only against a server that de-duplicates
    /// by <c>x-origin-request-id</c>, which the partner guide does not promise.</summary>
    public class OutcomeUnknownException : NetworkException
    {
        internal OutcomeUnknownException(ErrorDetails d) : base(d) { }
    }

    /// <summary>The platform refused the request or answered something unusable;
    /// <see cref="Kind"/> says what, <see cref="PfhirException.OutcomeJson"/> holds its
    /// OperationOutcome when it sent one.</summary>
    public class ServerException : PfhirException
    {
        internal ServerException(ErrorDetails d) : base(d) { }

        /// <summary>What kind of answer this is.</summary>
        public ServerErrorKind Kind
        {
            get
            {
                switch (Code)
                {
                    case ErrorCode.ServerRequired: return ServerErrorKind.Required;
                    case ErrorCode.ServerStructure: return ServerErrorKind.Structure;
                    case ErrorCode.ServerInvalid: return ServerErrorKind.Invalid;
                    case ErrorCode.ServerTooLong: return ServerErrorKind.TooLong;
                    case ErrorCode.ServerTimeout: return ServerErrorKind.Timeout;
                    case ErrorCode.ServerException: return ServerErrorKind.Exception;
                    case ErrorCode.Forbidden: return ServerErrorKind.Forbidden;
                    case ErrorCode.NotFound: return ServerErrorKind.NotFound;
                    case ErrorCode.NotSupported: return ServerErrorKind.NotSupported;
                    case ErrorCode.RateLimited: return ServerErrorKind.RateLimited;
                    case ErrorCode.Unavailable: return ServerErrorKind.Unavailable;
                    case ErrorCode.HttpStatus: return ServerErrorKind.HttpStatus;
                    case ErrorCode.InvalidResponse: return ServerErrorKind.InvalidResponse;
                    default: return ServerErrorKind.Unknown;
                }
            }
        }
    }

    /// <summary>403: the organization id or the client credentials were refused (code Forbidden).</summary>
    public class ForbiddenException : ServerException
    {
        internal ForbiddenException(ErrorDetails d) : base(d) { }
    }

    /// <summary>404: no such patient (code NotFound).</summary>
    public class NotFoundException : ServerException
    {
        internal NotFoundException(ErrorDetails d) : base(d) { }
    }

    /// <summary>429: too many requests (code RateLimited).</summary>
    public class RateLimitedException : ServerException
    {
        internal RateLimitedException(ErrorDetails d) : base(d) { }
    }

    /// <summary>502, 503 or 504 without a FHIR answer (code Unavailable).</summary>
    public class UnavailableException : ServerException
    {
        internal UnavailableException(ErrorDetails d) : base(d) { }
    }
}
