package dev.pfhir.internal;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI of libpfhir ({@code include/pfhir.h}) as a JNA interface. Internal: not part of
 * pfhir's API, may change in any release; use the classes of {@code dev.pfhir}.
 *
 * <p>Mapping rules: {@code (const uint8_t *, size_t)} is {@code (byte[], SizeT)} (a null array
 * is NULL); {@code pfhir_error *} and handles are {@link Pointer}; {@code bool} results are
 * {@code byte} (C {@code bool} is one byte, JNA's {@code boolean} is four); {@code uint16_t}
 * is {@code short} and {@code uint32_t} is {@code int} (mask them to read them unsigned).
 */
@SuppressWarnings("checkstyle:MethodName")
public interface PfhirLibrary extends Library {
    // version, codes, buffers
    String pfhir_version();

    PfhirStr pfhir_code_name(int code);

    void pfhir_bytes_free(PfhirBytes.ByValue bytes);

    // building
    Pointer pfhir_build_bundle(byte[] patientInputJson, SizeT len, PfhirBytes out);

    // the builder: only what buildBundle's options need (the fields come as whole JSON)
    Pointer pfhir_builder_new(PointerByReference out);

    Pointer pfhir_builder_set_input_json(Pointer b, byte[] json, SizeT len);

    Pointer pfhir_builder_add_accepted_authority(Pointer b, byte[] system, SizeT len);

    Pointer pfhir_builder_set_source_endpoint(Pointer b, byte[] v, SizeT len);

    Pointer pfhir_builder_set_omit_bundle_id(Pointer b, byte omit);

    Pointer pfhir_builder_build(Pointer b, PfhirBytes out);

    void pfhir_builder_free(Pointer b);

    // client configuration
    Pointer pfhir_client_config_new(PointerByReference out);

    Pointer pfhir_client_config_set_base_url(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_api_version(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_content_type(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_uncertain_create(Pointer cfg, int policy, short duplicateStatus);

    Pointer pfhir_client_config_set_org_id(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_client_id(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_client_secret(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_cert_pem(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_key_pem(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_key_password(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_pkcs12(Pointer cfg, byte[] der, SizeT len, byte[] password, SizeT passwordLen);

    Pointer pfhir_client_config_set_ca_pem(Pointer cfg, byte[] v, SizeT len);

    Pointer pfhir_client_config_set_trust_store(Pointer cfg, int store);

    Pointer pfhir_client_config_set_timeouts(Pointer cfg, int connectMs, int requestMs);

    Pointer pfhir_client_config_set_retry(
            Pointer cfg, int maxAttempts, int initialBackoffMs, int maxBackoffMs, int totalTimeoutMs);

    Pointer pfhir_client_config_set_validator_options(Pointer cfg, Pointer opts);

    void pfhir_client_config_free(Pointer cfg);

    // client
    Pointer pfhir_client_new(Pointer cfg, PointerByReference out);

    Pointer pfhir_client_create_with_request_id(
            Pointer c, byte[] bundleJson, SizeT len, byte[] requestId, SizeT requestIdLen,
            PointerByReference out);

    Pointer pfhir_client_resolve_uncertain_create(
            Pointer c, byte[] bundleJson, SizeT len, byte[] requestId, SizeT requestIdLen,
            IntByReference state, PfhirBytes patientId);

    Pointer pfhir_client_update_with_request_id(
            Pointer c, byte[] id, SizeT idLen, byte[] bundleJson, SizeT len, byte[] requestId,
            SizeT requestIdLen, PointerByReference out);

    Pointer pfhir_client_read(Pointer c, byte[] id, SizeT idLen, PointerByReference out);

    long pfhir_client_connection_count(Pointer c);

    void pfhir_client_free(Pointer c);

    // results
    PfhirStr pfhir_create_result_patient_id(Pointer r);

    PfhirStr pfhir_create_result_bundle_id(Pointer r);

    PfhirStr pfhir_create_result_request_id(Pointer r);

    PfhirStr pfhir_create_result_bundle_json(Pointer r);

    short pfhir_create_result_status(Pointer r);

    int pfhir_create_result_attempts(Pointer r);

    void pfhir_create_result_free(Pointer r);

    PfhirStr pfhir_update_result_request_id(Pointer r);

    short pfhir_update_result_status(Pointer r);

    int pfhir_update_result_attempts(Pointer r);

    void pfhir_update_result_free(Pointer r);

    PfhirStr pfhir_read_result_patient_json(Pointer r);

    PfhirStr pfhir_read_result_request_id(Pointer r);

    short pfhir_read_result_status(Pointer r);

    int pfhir_read_result_attempts(Pointer r);

    void pfhir_read_result_free(Pointer r);

    // errors
    int pfhir_error_code(Pointer err);

    PfhirStr pfhir_error_message(Pointer err);

    short pfhir_error_http_status(Pointer err);

    PfhirStr pfhir_error_outcome_json(Pointer err);

    PfhirStr pfhir_error_request_id(Pointer err);

    PfhirStr pfhir_error_body(Pointer err);

    byte pfhir_error_retry_safe(Pointer err);

    byte pfhir_error_may_have_been_processed(Pointer err);

    SizeT pfhir_error_field_count(Pointer err);

    PfhirStr pfhir_error_field_name(Pointer err, SizeT i);

    PfhirStr pfhir_error_field_message(Pointer err, SizeT i);

    void pfhir_error_free(Pointer err);

    // validation
    Pointer pfhir_validator_options_new(PointerByReference out);

    Pointer pfhir_validator_options_set_profile(Pointer opts, int profile);

    Pointer pfhir_validator_options_set_rule(
            Pointer opts, byte[] rule, SizeT ruleLen, byte[] severity, SizeT severityLen);

    Pointer pfhir_validator_options_add_authority(Pointer opts, byte[] system, SizeT len);

    Pointer pfhir_validator_options_set_limits(Pointer opts, SizeT maxBytes, SizeT maxDepth);

    Pointer pfhir_validator_options_set_max_issues(Pointer opts, SizeT maxIssues);

    Pointer pfhir_validator_options_set_include_values(Pointer opts, byte include);

    void pfhir_validator_options_free(Pointer opts);

    Pointer pfhir_validator_new(Pointer opts, PointerByReference out);

    Pointer pfhir_validate(Pointer v, byte[] json, SizeT len, PointerByReference out);

    void pfhir_validator_free(Pointer v);

    byte pfhir_outcome_has_errors(Pointer o);

    SizeT pfhir_outcome_issue_count(Pointer o);

    int pfhir_outcome_issue_severity(Pointer o, SizeT i);

    PfhirStr pfhir_outcome_issue_code(Pointer o, SizeT i);

    PfhirStr pfhir_outcome_issue_message_id(Pointer o, SizeT i);

    PfhirStr pfhir_outcome_issue_key(Pointer o, SizeT i);

    PfhirStr pfhir_outcome_issue_expression(Pointer o, SizeT i);

    int pfhir_outcome_issue_line(Pointer o, SizeT i);

    int pfhir_outcome_issue_column(Pointer o, SizeT i);

    PfhirStr pfhir_outcome_issue_message(Pointer o, SizeT i);

    Pointer pfhir_outcome_to_json(Pointer o, PfhirBytes out);

    void pfhir_outcome_free(Pointer o);
}
