package dev.pfhir;

/**
 * The result of {@link Client#create}.
 *
 * @param patientId the platform's Patient id (v2: the logical id to update and read with;
 *     v1: the business id)
 * @param bundleId the platform's Bundle id
 * @param requestId the {@code x-origin-request-id} sent
 * @param status the HTTP status
 * @param attempts attempts made (1 = no retry)
 * @param bundleJson the Bundle the platform answered with, as JSON
 */
public record CreateResult(
        String patientId, String bundleId, String requestId, int status, int attempts, String bundleJson) {}
