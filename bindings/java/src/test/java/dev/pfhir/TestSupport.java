package dev.pfhir;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository, the fixtures and the pfhir binary are. */
final class TestSupport {
    private TestSupport() {}

    /** The repository root: {@code -Dpfhir.root}, else the first parent with include/pfhir.h. */
    static Path root() {
        String prop = System.getProperty("pfhir.root");
        if (prop != null && !prop.isEmpty()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("include/pfhir.h"))) {
                return p;
            }
        }
        return fail("cannot find the repository root (set -Dpfhir.root)");
    }

    static Path header() {
        return root().resolve("include/pfhir.h");
    }

    static Path fixtures() {
        return root().resolve("tests/fixtures/validation");
    }

    /** The pfhir CLI: $PFHIR_BIN, else ${CARGO_TARGET_DIR:-ROOT/target}/debug/pfhir. */
    static Path pfhirBin() {
        String env = System.getenv("PFHIR_BIN");
        Path bin;
        if (env != null && !env.isEmpty()) {
            bin = Path.of(env);
        } else {
            String target = System.getenv("CARGO_TARGET_DIR");
            bin = (target != null && !target.isEmpty() ? Path.of(target) : root().resolve("target"))
                    .resolve("debug/pfhir");
        }
        if (!Files.isExecutable(bin)) {
            fail("the pfhir CLI is not at " + bin + " (cargo build -p pfhir-cli, or set PFHIR_BIN)");
        }
        return bin;
    }

    static final String PATIENT_TEMPLATE = "{\"authority\":\"cip\",\"patientId\":\"%s\",\"familyName\":\"%s\","
            + "\"givenNames\":[\"Ana\"],\"gender\":\"female\",\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\","
            + "\"organizationOid\":\"2.16.724.4.2\"%s}";

    /** A PatientInput JSON with a business id and family name (and extra members). */
    static String patientInput(String patientId, String familyName, String extra) {
        return String.format(PATIENT_TEMPLATE, patientId, familyName, extra == null ? "" : extra);
    }

    static String patientInput(String patientId, String familyName) {
        return patientInput(patientId, familyName, null);
    }
}
