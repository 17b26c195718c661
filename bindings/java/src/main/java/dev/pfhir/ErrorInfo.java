package dev.pfhir;

import java.util.List;

/** What a {@code pfhir_error} carries, copied into Java before the error is freed. */
record ErrorInfo(
        int rawCode,
        String message,
        int httpStatus,
        String outcomeJson,
        String requestId,
        String body,
        boolean retrySafe,
        boolean mayHaveBeenProcessed,
        List<FieldError> fields,
        int tlsCause,
        long retryAfterMs) implements java.io.Serializable {

    ErrorInfo {
        fields = List.copyOf(fields);
    }

    /** An error with a code and a message only. */
    static ErrorInfo of(ErrorCode code, String message) {
        return new ErrorInfo(code.number(), message, 0, null, null, null, false, false, List.of(), 0, 0);
    }
}
