package dev.pfhir;

import dev.pfhir.internal.Abi;

/** The severity of a validation {@link Outcome.Issue} ({@code PFHIR_SEVERITY_*}). */
public enum Severity {
    /** The document could not be processed (size, UTF-8, JSON syntax, depth). */
    FATAL(Abi.SEVERITY_FATAL, "fatal"),
    /** The content is invalid: the platform would refuse it. */
    ERROR(Abi.SEVERITY_ERROR, "error"),
    /** Suspicious, or a partner rule set to warn. */
    WARNING(Abi.SEVERITY_WARNING, "warning"),
    /** A note. */
    INFORMATION(Abi.SEVERITY_INFORMATION, "information");

    private final int number;
    private final String fhirCode;

    Severity(int number, String fhirCode) {
        this.number = number;
        this.fhirCode = fhirCode;
    }

    /**
     * The number in {@code pfhir.h} ({@code PFHIR_SEVERITY_*}).
     *
     * @return the number
     */
    public int number() {
        return number;
    }

    /**
     * The FHIR {@code issue.severity} code ({@code fatal}, {@code error}...).
     *
     * @return the code
     */
    public String fhirCode() {
        return fhirCode;
    }

    /**
     * True for {@link #FATAL} and {@link #ERROR}.
     *
     * @return whether the platform would refuse the document
     */
    public boolean isError() {
        return this == FATAL || this == ERROR;
    }

    static Severity fromNumber(int n) {
        for (Severity s : values()) {
            if (s.number == n) {
                return s;
            }
        }
        // A newer library may add severities; an unknown one is not a reason to lose the issue.
        return ERROR;
    }
}
