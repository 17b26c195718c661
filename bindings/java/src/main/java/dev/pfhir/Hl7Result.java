package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import dev.pfhir.internal.Abi;
import dev.pfhir.internal.PfhirBytes;
import dev.pfhir.internal.SizeT;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of converting one HL7 v2 message: the Bundle (when valid), create or update, the
 * issues with their HL7 locations, and the ACK. Immutable; the native result is copied and
 * freed when this is made, so there is nothing to close.
 */
public final class Hl7Result {
    /** What the message does to the patient. */
    public enum Kind {
        /** A01, A04, A05, A28. */
        CREATE,
        /** A08, A31. */
        UPDATE
    }

    private final String bundle;
    private final Kind kind;
    private final String ackCode;
    private final byte[] ack;
    private final List<Hl7Issue> issues;
    private final String outcomeJson;

    private Hl7Result(String bundle, Kind kind, String ackCode, byte[] ack, List<Hl7Issue> issues,
            String outcomeJson) {
        this.bundle = bundle;
        this.kind = kind;
        this.ackCode = ackCode;
        this.ack = ack;
        this.issues = List.copyOf(issues);
        this.outcomeJson = outcomeJson;
    }

    /** Copies a native result and frees it. */
    static Hl7Result take(Pointer r) {
        try {
            long n = LIB.pfhir_hl7_result_issue_count(r).longValue();
            List<Hl7Issue> issues = new ArrayList<>((int) Math.min(n, 1 << 16));
            for (long i = 0; i < n; i++) {
                SizeT at = new SizeT(i);
                issues.add(new Hl7Issue(
                        Severity.fromNumber(LIB.pfhir_hl7_result_issue_severity(r, at)),
                        LIB.pfhir_hl7_result_issue_message_id(r, at).toStringOrEmpty(),
                        LIB.pfhir_hl7_result_issue_location(r, at).toStringOrNull(),
                        LIB.pfhir_hl7_result_issue_expression(r, at).toStringOrNull(),
                        LIB.pfhir_hl7_result_issue_hl7_code(r, at),
                        LIB.pfhir_hl7_result_issue_line(r, at),
                        LIB.pfhir_hl7_result_issue_column(r, at),
                        LIB.pfhir_hl7_result_issue_message(r, at).toStringOrEmpty()));
            }
            int k = LIB.pfhir_hl7_result_kind(r);
            Kind kind = k == Abi.HL7_KIND_CREATE ? Kind.CREATE : k == Abi.HL7_KIND_UPDATE ? Kind.UPDATE : null;
            PfhirBytes out = new PfhirBytes();
            Ffi.check(LIB.pfhir_hl7_result_ack(r, out));
            return new Hl7Result(
                    LIB.pfhir_hl7_result_bundle(r).toStringOrNull(),
                    kind,
                    LIB.pfhir_hl7_result_ack_code(r).toStringOrEmpty(),
                    Ffi.takeBytes(out),
                    issues,
                    LIB.pfhir_hl7_result_outcome_json(r).toStringOrEmpty());
        } finally {
            LIB.pfhir_hl7_result_free(r);
        }
    }

    /**
     * The partner Bundle as compact JSON, when the message gave a valid one.
     *
     * @return the Bundle, or empty (see {@link #issues()})
     */
    public Optional<String> bundle() {
        return Optional.ofNullable(bundle);
    }

    /**
     * True when a valid Bundle resulted (the ACK says AA).
     *
     * @return whether {@link #bundle()} is present
     */
    public boolean isValid() {
        return bundle != null;
    }

    /**
     * Create or update; empty when the message is not a Patient services event pfhir maps.
     *
     * @return the kind
     */
    public Optional<Kind> kind() {
        return Optional.ofNullable(kind);
    }

    /**
     * MSA-1: {@code AA}, {@code AE} or {@code AR}.
     *
     * @return the ACK code
     */
    public String ackCode() {
        return ackCode;
    }

    /**
     * The ACK: segments ended by {@code \r}, in the message's character set.
     *
     * @return a copy of the ACK bytes
     */
    public byte[] ack() {
        return ack.clone();
    }

    /**
     * Every finding, with its HL7 location.
     *
     * @return the issues
     */
    public List<Hl7Issue> issues() {
        return issues;
    }

    /**
     * The issues as an STU3 OperationOutcome (compact JSON; the HL7 location in
     * {@code location}).
     *
     * @return the JSON text
     */
    public String outcomeJson() {
        return outcomeJson;
    }

    @Override
    public String toString() {
        return "Hl7Result[ack=" + ackCode + ", kind=" + kind + ", " + issues.size() + " issue(s)]";
    }
}
