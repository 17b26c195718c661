package dev.pfhir;

/**
 * The result of {@link Client#update}.
 *
 * @param requestId the {@code x-origin-request-id} sent
 * @param status the HTTP status
 * @param attempts attempts made (1 = no retry)
 */
public record UpdateResult(String requestId, int status, int attempts) {}
