package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import dev.pfhir.internal.PfhirBytes;
import dev.pfhir.internal.SizeT;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The result of a validation: every issue in document order, and the same as an STU3
 * OperationOutcome ({@link #toJson()}, byte-identical on every platform and binding).
 * Immutable and thread-safe; it holds no native memory.
 */
public final class Outcome {
    /**
     * One finding.
     *
     * @param severity fatal, error, warning or information
     * @param code the partner issue code: {@code required}, {@code structure}, {@code invalid},
     *     {@code too-long}, {@code too-costly} (the issue cap was reached) or {@code informational}
     * @param messageId the stable message id ({@code PFHIR-V0301}, see docs/messages.md)
     * @param key the invariant key ({@code cpt-2}) or partner rule id ({@code partner-bundle-type}),
     *     or {@code null}
     * @param expression the FHIRPath of the element ({@code Bundle.entry[1].resource.birthDate});
     *     {@code ""} for issues found before the document could be read
     * @param line the 1-based line
     * @param column the 1-based column, in characters (Unicode scalar values)
     * @param message what is wrong and what to do, without patient values unless the options
     *     asked for them
     */
    public record Issue(
            Severity severity,
            String code,
            String messageId,
            String key,
            String expression,
            int line,
            int column,
            String message) {
        /**
         * An issue.
         *
         * @param severity the severity
         * @param code the issue code
         * @param messageId the message id
         * @param key the key, or null
         * @param expression the FHIRPath
         * @param line the line
         * @param column the column
         * @param message the message
         */
        public Issue {
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(message, "message");
        }
    }

    private final List<Issue> issues;
    private final boolean hasErrors;
    private final byte[] json;

    private Outcome(List<Issue> issues, boolean hasErrors, byte[] json) {
        this.issues = List.copyOf(issues);
        this.hasErrors = hasErrors;
        this.json = json;
    }

    /** Copies a native outcome into Java and frees it. */
    static Outcome take(Pointer o) {
        try {
            long n = LIB.pfhir_outcome_issue_count(o).longValue();
            List<Issue> issues = new ArrayList<>((int) Math.min(n, 1 << 16));
            for (long i = 0; i < n; i++) {
                SizeT at = new SizeT(i);
                issues.add(new Issue(
                        Severity.fromNumber(LIB.pfhir_outcome_issue_severity(o, at)),
                        LIB.pfhir_outcome_issue_code(o, at).toStringOrEmpty(),
                        LIB.pfhir_outcome_issue_message_id(o, at).toStringOrEmpty(),
                        LIB.pfhir_outcome_issue_key(o, at).toStringOrNull(),
                        LIB.pfhir_outcome_issue_expression(o, at).toStringOrEmpty(),
                        LIB.pfhir_outcome_issue_line(o, at),
                        LIB.pfhir_outcome_issue_column(o, at),
                        LIB.pfhir_outcome_issue_message(o, at).toStringOrEmpty()));
            }
            boolean hasErrors = LIB.pfhir_outcome_has_errors(o) != 0;
            PfhirBytes out = new PfhirBytes();
            Ffi.check(LIB.pfhir_outcome_to_json(o, out));
            return new Outcome(issues, hasErrors, Ffi.takeBytes(out));
        } finally {
            LIB.pfhir_outcome_free(o);
        }
    }

    /**
     * Every issue, in document order (and layer order for issues at the same position).
     *
     * @return an immutable list, empty for a valid document
     */
    public List<Issue> issues() {
        return issues;
    }

    /**
     * True when some issue is an error or fatal: the platform would refuse the document.
     *
     * @return whether there are errors
     */
    public boolean hasErrors() {
        return hasErrors;
    }

    /**
     * True when there is no issue at all.
     *
     * @return whether the list of issues is empty
     */
    public boolean isEmpty() {
        return issues.isEmpty();
    }

    /**
     * The outcome as STU3 OperationOutcome JSON, byte-identical on every platform.
     *
     * @return the JSON text
     */
    public String toJson() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * The outcome as STU3 OperationOutcome JSON, UTF-8 encoded.
     *
     * @return a fresh copy of the bytes
     */
    public byte[] toJsonBytes() {
        return json.clone();
    }

    @Override
    public String toString() {
        return "Outcome[" + issues.size() + " issue(s), hasErrors=" + hasErrors + "]";
    }
}
