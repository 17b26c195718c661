package dev.pfhir;

import java.util.Objects;

/**
 * One finding about an HL7 v2 message.
 *
 * @param severity fatal (the ACK is AR), error (AE), warning or information
 * @param messageId {@code PFHIR-H0304}, or {@code PFHIR-V....} for the Bundle validator's
 * @param location the HL7 field ({@code PID-7}, {@code PID-3(2).4}), or null
 * @param expression the FHIRPath of the Bundle element, or null
 * @param hl7Code the table 0357 code ERR-3 carries (0 for warnings and notes)
 * @param line 1-based segment line; 0: no position
 * @param column 1-based column, in characters; 0: no position
 * @param message what is wrong; names fields, never values
 */
public record Hl7Issue(
        Severity severity,
        String messageId,
        String location,
        String expression,
        int hl7Code,
        int line,
        int column,
        String message) {
    /** Checks the required parts. */
    public Hl7Issue {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(message, "message");
    }

    /**
     * True for fatal and error findings.
     *
     * @return whether the finding prevents a Bundle
     */
    public boolean isError() {
        return severity == Severity.FATAL || severity == Severity.ERROR;
    }
}
