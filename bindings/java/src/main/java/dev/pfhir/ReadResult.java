package dev.pfhir;

/**
 * The result of {@link Client#read}.
 *
 * @param patientJson the Patient as the platform sent it (JSON)
 * @param requestId the {@code x-origin-request-id} sent
 * @param status the HTTP status
 * @param attempts attempts made (1 = no retry)
 */
public record ReadResult(String patientJson, String requestId, int status, int attempts) {}
