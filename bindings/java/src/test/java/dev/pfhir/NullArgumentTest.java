package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A null argument (typically an environment variable that is not set) fails at the call that
 * got it, with a NullPointerException whose message names the argument: never later, deep in
 * the binding or in the native library.
 */
class NullArgumentTest {
    private static final String SUFFIX = ": the value is null (pfhir takes no null arguments; "
            + "leave an optional setting unset instead)";

    private static void assertNamed(String what, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(what + SUFFIX, e.getMessage());
        // Thrown by the public method itself (through Ffi.notNull), not from inside JNA.
        StackTraceElement top = e.getStackTrace()[0];
        assertEquals("dev.pfhir.Ffi", top.getClassName());
        assertEquals("notNull", top.getMethodName());
    }

    @Test
    void anUnsetEnvironmentVariableIsNamed() {
        String unset = System.getenv("PFHIR_JAVA_TEST_SURELY_UNSET");
        assertEquals(null, unset);
        assertNamed("ClientConfig.Builder.clientSecret", () -> ClientConfig.builder().clientSecret(unset));
        assertNamed("ClientConfig.Builder.baseUrl", () -> ClientConfig.builder().baseUrl(unset));
        assertNamed("ClientConfig.Builder.orgId", () -> ClientConfig.builder().orgId(unset));
        assertNamed("ClientConfig.Builder.clientId", () -> ClientConfig.builder().clientId(unset));
        assertNamed("ClientConfig.Builder.certPem", () -> ClientConfig.builder().certPem(unset));
        assertNamed("ClientConfig.Builder.keyPem", () -> ClientConfig.builder().keyPem(unset));
        assertNamed("ClientConfig.Builder.caPem", () -> ClientConfig.builder().caPem(unset));
    }

    @Test
    void everyNullOfTheConfigAndBuilderIsNamed() {
        assertNamed("ClientConfig.Builder.certPem", () -> ClientConfig.builder().certPem((Path) null));
        assertNamed("ClientConfig.Builder.keyPem", () -> ClientConfig.builder().keyPem((Path) null));
        assertNamed("ClientConfig.Builder.caPem", () -> ClientConfig.builder().caPem((Path) null));
        assertNamed("ClientConfig.Builder.apiVersion", () -> ClientConfig.builder().apiVersion(null));
        assertNamed("ClientConfig.Builder.contentType", () -> ClientConfig.builder().contentType(null));
        assertNamed("ClientConfig.Builder.uncertainCreate", () -> ClientConfig.builder().uncertainCreate(null));
        assertNamed("ClientConfig.Builder.validatorOptions", () -> ClientConfig.builder().validatorOptions(null));
        assertNamed("Client: config", () -> new Client(null));
        assertNamed("Pfhir.buildBundle: patientInputJson", () -> Pfhir.buildBundle((String) null));
        assertNamed("Pfhir.buildBundle: patientInputJson", () -> Pfhir.buildBundle((byte[]) null));
        assertNamed("Pfhir.buildBundle: options",
                () -> Pfhir.buildBundle(TestSupport.patientInput("J-N", "Test"), null));
    }

    @Test
    void aConfigWithoutASecretIsAClearConfigErrorWhenTheClientIsMade() {
        // Never setting the secret (rather than setting null) is the native library's check.
        ClientConfig config = ClientConfig.builder().baseUrl("https://127.0.0.1:9/partners/fhir/stu3/api/")
                .orgId("2.16.724.4.2").clientId("1234567890").build();
        PfhirException e = assertThrows(PfhirException.class, () -> new Client(config).close());
        assertTrue(e.getMessage().contains("secret") || e.getMessage().contains("client_secret"),
                e.getMessage());
    }
}
