// The P/Invoke declarations of libpfhir (include/pfhir.h). Internal: use the public classes.
// Conventions (ffi/README.md): a fallible call returns pfhir_error* (NULL = success) and writes
// its out-parameter only on success; pfhir_str is borrowed, pfhir_bytes is owned and freed by
// value with pfhir_bytes_free; C `bool` is one byte (marshalled as I1); size_t is UIntPtr.

using System;
using System.Runtime.InteropServices;
using System.Text;

namespace PfhirSdk
{
    /// <summary>A borrowed string: <c>len</c> bytes of UTF-8 at <c>data</c> (NULL when absent).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PfhirStr
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    /// <summary>An owned buffer, freed with <c>pfhir_bytes_free</c> (passed by value).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PfhirBytes
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    internal static class Native
    {
        /// <summary>The library name; Mono maps it with Pfhir.dll.config or finds libpfhir.so
        /// on LD_LIBRARY_PATH, .NET Core finds it next to the app or in runtimes/RID/native.</summary>
        internal const string Lib = "pfhir";

        // ---- version, codes, buffers ----
        [DllImport(Lib)] internal static extern IntPtr pfhir_version();
        [DllImport(Lib)] internal static extern PfhirStr pfhir_code_name(uint code);
        [DllImport(Lib)] internal static extern void pfhir_bytes_free(PfhirBytes bytes);

        // ---- errors ----
        [DllImport(Lib)] internal static extern uint pfhir_error_code(ErrorHandle err);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_error_message(ErrorHandle err);
        [DllImport(Lib)] internal static extern ushort pfhir_error_http_status(ErrorHandle err);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_error_outcome_json(ErrorHandle err);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_error_request_id(ErrorHandle err);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_error_body(ErrorHandle err);
        [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool pfhir_error_retry_safe(ErrorHandle err);
        [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool pfhir_error_may_have_been_processed(ErrorHandle err);
        [DllImport(Lib)] internal static extern UIntPtr pfhir_error_field_count(ErrorHandle err);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_error_field_name(ErrorHandle err, UIntPtr i);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_error_field_message(ErrorHandle err, UIntPtr i);
        [DllImport(Lib)] internal static extern void pfhir_error_free(IntPtr err);

        // ---- building ----
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_build_bundle(byte[] json, UIntPtr len, out PfhirBytes output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_new(out BuilderHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_authority(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_patient_id(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_family_name(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_given_name(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_gender(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_birth_date(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_phone(BuilderHandle b, byte[] value, UIntPtr valueLen, byte[] use, UIntPtr useLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_email(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_diabetes(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_onset(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_active(BuilderHandle b, [MarshalAs(UnmanagedType.I1)] bool active);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_condition(BuilderHandle b, byte[] system, UIntPtr systemLen, byte[] code, UIntPtr codeLen, byte[] display, UIntPtr displayLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_clinical_status(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_identifier(BuilderHandle b, byte[] system, UIntPtr systemLen, byte[] value, UIntPtr valueLen, byte[] use, UIntPtr useLen, byte[] type, UIntPtr typeLen, byte[] assigner, UIntPtr assignerLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_fathers_family(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_mothers_family(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_deceased(BuilderHandle b, [MarshalAs(UnmanagedType.I1)] bool deceased);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_deceased_date_time(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_marital_status(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_language(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_communication(BuilderHandle b, byte[] language, UIntPtr languageLen, [MarshalAs(UnmanagedType.I1)] bool preferred);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_email(BuilderHandle b, byte[] value, UIntPtr valueLen, byte[] use, UIntPtr useLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_address(BuilderHandle b, byte[] use, UIntPtr useLen, byte[] type, UIntPtr typeLen, byte[] city, UIntPtr cityLen, byte[] district, UIntPtr districtLen, byte[] state, UIntPtr stateLen, byte[] postalCode, UIntPtr postalCodeLen, byte[] country, UIntPtr countryLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_address_line(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_managing_organization(BuilderHandle b, byte[] reference, UIntPtr referenceLen, byte[] system, UIntPtr systemLen, byte[] value, UIntPtr valueLen, byte[] display, UIntPtr displayLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_verification_status(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_condition(BuilderHandle b, byte[] diabetes, UIntPtr diabetesLen, byte[] onset, UIntPtr onsetLen, byte[] clinicalStatus, UIntPtr clinicalStatusLen, byte[] verificationStatus, UIntPtr verificationStatusLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_condition_coding(BuilderHandle b, byte[] system, UIntPtr systemLen, byte[] code, UIntPtr codeLen, byte[] display, UIntPtr displayLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_ids(BuilderHandle b, byte[] bundle, UIntPtr bundleLen, byte[] messageHeader, UIntPtr messageHeaderLen, byte[] patient, UIntPtr patientLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_condition_id(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_organization_oid(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_software(BuilderHandle b, byte[] name, UIntPtr nameLen, byte[] version, UIntPtr versionLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_patient_logical_id(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_timestamp(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_input_json(BuilderHandle b, byte[] json, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_add_accepted_authority(BuilderHandle b, byte[] system, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_source_endpoint(BuilderHandle b, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_set_omit_bundle_id(BuilderHandle b, [MarshalAs(UnmanagedType.I1)] bool omit);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_build(BuilderHandle b, out PfhirBytes output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_builder_to_json(BuilderHandle b, out PfhirBytes output);
        [DllImport(Lib)] internal static extern void pfhir_builder_free(IntPtr b);

        // ---- client configuration ----
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_new(out ClientConfigHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_base_url(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_api_version(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_content_type(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_uncertain_create(ClientConfigHandle cfg, uint policy, ushort duplicateStatus);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_org_id(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_client_id(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_client_secret(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_cert_pem(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_key_pem(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_key_password(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_pkcs12(ClientConfigHandle cfg, byte[] der, UIntPtr len, byte[] password, UIntPtr passwordLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_ca_pem(ClientConfigHandle cfg, byte[] v, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_trust_store(ClientConfigHandle cfg, uint store);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_timeouts(ClientConfigHandle cfg, uint connectMs, uint requestMs);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_retry(ClientConfigHandle cfg, uint maxAttempts, uint initialBackoffMs, uint maxBackoffMs, uint totalTimeoutMs);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_config_set_validator_options(ClientConfigHandle cfg, ValidatorOptionsHandle opts);
        [DllImport(Lib)] internal static extern void pfhir_client_config_free(IntPtr cfg);

        // ---- client ----
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_new(ClientConfigHandle cfg, out ClientHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_create_with_request_id(ClientHandle c, byte[] bundle, UIntPtr len, byte[] requestId, UIntPtr requestIdLen, out CreateResultHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_update_with_request_id(ClientHandle c, byte[] id, UIntPtr idLen, byte[] bundle, UIntPtr len, byte[] requestId, UIntPtr requestIdLen, out UpdateResultHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_resolve_uncertain_create(ClientHandle c, byte[] bundle, UIntPtr len, byte[] requestId, UIntPtr requestIdLen, out uint state, out PfhirBytes patientId);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_client_read(ClientHandle c, byte[] id, UIntPtr idLen, out ReadResultHandle output);
        [DllImport(Lib)] internal static extern ulong pfhir_client_connection_count(ClientHandle c);
        [DllImport(Lib)] internal static extern void pfhir_client_free(IntPtr c);

        // ---- results ----
        [DllImport(Lib)] internal static extern PfhirStr pfhir_create_result_patient_id(CreateResultHandle r);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_create_result_bundle_id(CreateResultHandle r);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_create_result_request_id(CreateResultHandle r);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_create_result_bundle_json(CreateResultHandle r);
        [DllImport(Lib)] internal static extern ushort pfhir_create_result_status(CreateResultHandle r);
        [DllImport(Lib)] internal static extern uint pfhir_create_result_attempts(CreateResultHandle r);
        [DllImport(Lib)] internal static extern void pfhir_create_result_free(IntPtr r);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_update_result_request_id(UpdateResultHandle r);
        [DllImport(Lib)] internal static extern ushort pfhir_update_result_status(UpdateResultHandle r);
        [DllImport(Lib)] internal static extern uint pfhir_update_result_attempts(UpdateResultHandle r);
        [DllImport(Lib)] internal static extern void pfhir_update_result_free(IntPtr r);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_read_result_patient_json(ReadResultHandle r);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_read_result_request_id(ReadResultHandle r);
        [DllImport(Lib)] internal static extern ushort pfhir_read_result_status(ReadResultHandle r);
        [DllImport(Lib)] internal static extern uint pfhir_read_result_attempts(ReadResultHandle r);
        [DllImport(Lib)] internal static extern void pfhir_read_result_free(IntPtr r);

        // ---- validation ----
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_new(out ValidatorOptionsHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_set_profile(ValidatorOptionsHandle opts, uint profile);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_set_rule(ValidatorOptionsHandle opts, byte[] rule, UIntPtr ruleLen, byte[] severity, UIntPtr severityLen);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_add_authority(ValidatorOptionsHandle opts, byte[] system, UIntPtr len);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_set_limits(ValidatorOptionsHandle opts, UIntPtr maxBytes, UIntPtr maxDepth);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_set_max_issues(ValidatorOptionsHandle opts, UIntPtr maxIssues);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_options_set_include_values(ValidatorOptionsHandle opts, [MarshalAs(UnmanagedType.I1)] bool include);
        [DllImport(Lib)] internal static extern void pfhir_validator_options_free(IntPtr opts);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validator_new(ValidatorOptionsHandle opts, out ValidatorHandle output);
        [DllImport(Lib, EntryPoint = "pfhir_validator_new")] internal static extern ErrorHandle pfhir_validator_new_defaults(IntPtr nullOpts, out ValidatorHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validate(ValidatorHandle v, IntPtr json, UIntPtr len, out OutcomeHandle output);
        [DllImport(Lib)] internal static extern void pfhir_validator_free(IntPtr v);
        [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool pfhir_outcome_has_errors(OutcomeHandle o);
        [DllImport(Lib)] internal static extern UIntPtr pfhir_outcome_issue_count(OutcomeHandle o);
        [DllImport(Lib)] internal static extern uint pfhir_outcome_issue_severity(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_outcome_issue_code(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_outcome_issue_message_id(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_outcome_issue_key(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_outcome_issue_expression(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern uint pfhir_outcome_issue_line(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern uint pfhir_outcome_issue_column(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern PfhirStr pfhir_outcome_issue_message(OutcomeHandle o, UIntPtr i);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_outcome_to_json(OutcomeHandle o, out PfhirBytes output);
        [DllImport(Lib)] internal static extern void pfhir_outcome_free(IntPtr o);

        // ---- helpers ----

        /// <summary>Strict UTF-8: throws on lone surrogates instead of writing U+FFFD.</summary>
        internal static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        /// <summary>A string as UTF-8 bytes; null stays null (the empty text for optional
        /// arguments). A string that is not valid UTF-16 gives an ArgumentException.</summary>
        internal static byte[] Encode(string s, string paramName)
        {
            if (s == null) return null;
            try
            {
                return Utf8.GetBytes(s);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("the text contains an unpaired surrogate: it cannot be encoded as UTF-8", paramName, e);
            }
        }

        /// <summary>The length of an optional byte array as size_t.</summary>
        internal static UIntPtr Len(byte[] b)
        {
            return new UIntPtr(b == null ? 0u : (ulong)b.LongLength);
        }

        /// <summary>Copies a borrowed string; null when absent ({NULL, 0}).</summary>
        internal static string ToStringOrNull(PfhirStr s)
        {
            if (s.Data == IntPtr.Zero) return null;
            ulong len = s.Len.ToUInt64();
            if (len == 0) return string.Empty;
            if (len > int.MaxValue) throw new OverflowException("pfhir returned a string longer than 2 GiB");
            var buf = new byte[(int)len];
            Marshal.Copy(s.Data, buf, 0, (int)len);
            return Utf8.GetString(buf);
        }

        /// <summary>Copies a borrowed string; empty when absent.</summary>
        internal static string ToStringOrEmpty(PfhirStr s)
        {
            return ToStringOrNull(s) ?? string.Empty;
        }

        /// <summary>Copies an owned buffer and frees it (also when the copy fails).</summary>
        internal static byte[] TakeBytes(PfhirBytes b)
        {
            try
            {
                ulong len = b.Len.ToUInt64();
                if (b.Data == IntPtr.Zero || len == 0) return new byte[0];
                if (len > int.MaxValue) throw new OverflowException("pfhir returned a buffer longer than 2 GiB");
                var buf = new byte[(int)len];
                Marshal.Copy(b.Data, buf, 0, (int)len);
                return buf;
            }
            finally
            {
                pfhir_bytes_free(b);
            }
        }

        /// <summary>Copies an owned buffer of UTF-8 text and frees it.</summary>
        internal static string TakeString(PfhirBytes b)
        {
            return Utf8.GetString(TakeBytes(b));
        }

        /// <summary>Throws the exception of a fallible call's error, and frees it; does
        /// nothing for NULL (success).</summary>
        internal static void Check(ErrorHandle err)
        {
            if (err == null || err.IsInvalid)
            {
                if (err != null) err.Dispose();
                return;
            }
            PfhirException ex;
            using (err)
            {
                ex = PfhirException.FromNative(err);
            }
            throw ex;
        }
    }
}
