package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue #12 items 5 and 6 in Java, against the sandbox over mutual TLS: creates with a PKCS#12
 * identity (OpenSSL 3's AES default and the legacy 3DES/RC2 form) and an encrypted PKCS#8 key;
 * a wrong password is a {@link WrongPasswordException} that never shows it; without a CA PEM
 * the sandbox's CA is unknown to the system store (the default) and to the Mozilla roots. The
 * files are made from the sandbox's client certificate with the {@code openssl} command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityTest {
    private static final String PASSWORD = "java-test-pw-1618";
    private static final String WRONG = "java-wrong-pw-0577";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Sandbox sandbox;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        sandbox = new Sandbox();
        dir = Files.createTempDirectory("pfhir-java-identity-");
        Path c = sandbox.certs();
        String pem = " -in " + c.resolve("client.pem") + " -inkey " + c.resolve("client-key.pem");
        openssl("pkcs12 -export" + pem + " -certfile " + c.resolve("ca.pem") + " -out " + dir.resolve("id.p12"));
        openssl("pkcs12 -export -legacy" + pem + " -out " + dir.resolve("id-legacy.p12"));
        openssl("pkcs8 -topk8 -v2 aes-256-cbc -in " + c.resolve("client-key.pem") + " -out " + dir.resolve("id-key.pem"));
    }

    @AfterAll
    void stop() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
        if (dir != null) {
            for (String f : List.of("id.p12", "id-legacy.p12", "id-key.pem")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void openssl(String args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args.split(" ")));
        cmd.addAll(List.of("-passout", "pass:" + PASSWORD));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the openssl command is needed to make the PKCS#12 files", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), "openssl " + args + ": " + out);
    }

    /** The sandbox's settings with no client identity and no CA. */
    private ClientConfig.Builder bare() {
        String url = sandbox.config().build().baseUrl();
        return ClientConfig.builder().baseUrl(url).orgId(Sandbox.ORG_ID).clientId(Sandbox.CLIENT_ID)
                .clientSecret(Sandbox.CLIENT_SECRET).retry(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    private ClientConfig.Builder withCa() {
        return bare().caPem(sandbox.certs().resolve("ca.pem"));
    }

    private static void creates(ClientConfig config) {
        try (Client client = new Client(config)) {
            String id = "JAVA-ID-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
            CreateResult r = client.create(Pfhir.buildBundle(TestSupport.patientInput(id, "Identity")));
            assertTrue(r.status() >= 200 && r.status() < 300, r.toString());
            assertFalse(r.patientId().isEmpty());
        }
    }

    private static void wrongPassword(ClientConfig config, String says) {
        WrongPasswordException e = assertThrows(WrongPasswordException.class, () -> new Client(config).close());
        assertInstanceOf(ConfigException.class, e);
        assertEquals(ErrorCode.WRONG_PASSWORD, e.code());
        assertTrue(e.getMessage().contains(says), e.getMessage());
        assertFalse(e.getMessage().contains(WRONG), e.getMessage());
        assertFalse(e.toString().contains(WRONG), e.toString());
        assertFalse(config.toString().contains(WRONG), config.toString());
    }

    @Test
    void pkcs12FilesCreate() throws Exception {
        creates(withCa().pkcs12(dir.resolve("id.p12"), PASSWORD).build());
        // the PEM identity set first is replaced
        creates(withCa().certPem(sandbox.certs().resolve("client.pem"))
                .pkcs12(Files.readAllBytes(dir.resolve("id-legacy.p12")), PASSWORD).build());
    }

    @Test
    void encryptedKeyCreates() {
        creates(withCa().certPem(sandbox.certs().resolve("client.pem")).keyPem(dir.resolve("id-key.pem"))
                .keyPassword(PASSWORD).build());
    }

    @Test
    void wrongPasswordsAreWrongPasswordExceptions() {
        wrongPassword(withCa().pkcs12(dir.resolve("id.p12"), WRONG).build(), "pkcs12 password");
        wrongPassword(withCa().pkcs12(dir.resolve("id-legacy.p12"), WRONG).build(), "pkcs12 password");
        wrongPassword(withCa().certPem(sandbox.certs().resolve("client.pem")).keyPem(dir.resolve("id-key.pem"))
                .keyPassword(WRONG).build(), "key_password");
        // an encrypted key without its password: a configuration error, not a wrong password
        ConfigException e = assertThrows(ConfigException.class, () -> new Client(withCa()
                .certPem(sandbox.certs().resolve("client.pem")).keyPem(dir.resolve("id-key.pem")).build()).close());
        assertEquals(ErrorCode.CONFIG, e.code());
        assertTrue(e.getMessage().contains("key_password"), e.getMessage());
        assertThrows(NullPointerException.class, () -> withCa().pkcs12((byte[]) null, "x"));
        assertThrows(ArgumentException.class, () -> new Client(withCa().pkcs12(new byte[0], "x").build()));
    }

    @Test
    void withoutCaPemTheSandboxCaIsUnknown() {
        for (TrustStore store : new TrustStore[] {null, TrustStore.SYSTEM, TrustStore.MOZILLA}) {
            ClientConfig.Builder b = bare().certPem(sandbox.certs().resolve("client.pem"))
                    .keyPem(sandbox.certs().resolve("client-key.pem"));
            if (store != null) {
                b.trustStore(store);
            }
            ClientConfig config = b.build();
            assertEquals(store == null ? TrustStore.SYSTEM : store, config.trustStore());
            try (Client client = new Client(config)) {
                TlsException e = assertThrows(TlsException.class, () -> client.read("no-such-patient"));
                assertTrue(e.getMessage().contains("not signed by a trusted CA"), e.getMessage());
            }
        }
        // the CA PEM wins over the trust store
        creates(withCa().certPem(sandbox.certs().resolve("client.pem")).keyPem(sandbox.certs().resolve("client-key.pem"))
                .trustStore(TrustStore.MOZILLA).build());
    }

    @Test
    void trustStoreMirrorsTheHeader() throws Exception {
        String h = Files.readString(TestSupport.header(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("#define\\s+PFHIR_TRUST_([A-Z]+)\\s+(\\d+)").matcher(h);
        int n = 0;
        while (m.find()) {
            assertEquals(Integer.parseInt(m.group(2)), TrustStore.valueOf(m.group(1)).number(), m.group(1));
            n++;
        }
        assertEquals(TrustStore.values().length, n);
    }
}
