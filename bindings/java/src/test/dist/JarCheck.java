import dev.pfhir.Client;
import dev.pfhir.ClientConfig;
import dev.pfhir.CreateResult;
import dev.pfhir.Outcome;
import dev.pfhir.Pfhir;
import dev.pfhir.ReadResult;
import dev.pfhir.UpdateResult;
import dev.pfhir.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The release jar's own check (scripts/test-dist.d/jar.sh): run from a fresh folder with only
 * the jar and JNA on the class path (or module path), no PFHIR_* or LD_LIBRARY_PATH variable
 * and no jna.library.path. It validates a good and a bad partner Bundle, creates, updates and
 * reads a patient against a pfhir sandbox over mutual TLS, and checks that the library it runs
 * is the one JNA unpacked from the jar into JNA_CACHE. Prints one line per check and
 * "jar_check: N passed, M failed"; exits 1 on any failure.
 *
 * <p>Arguments: VERSION GOOD_BUNDLE BAD_BUNDLE BASE_URL CERTS_DIR JNA_CACHE MODULE|CLASSPATH
 */
public final class JarCheck {
    private static int passed;
    private static int failed;

    private JarCheck() {}

    private static void check(String name, boolean ok, String detail) {
        if (ok) {
            passed++;
            System.out.println("ok: " + name + (detail.isEmpty() ? "" : ": " + detail));
        } else {
            failed++;
            System.out.println("FAILED: " + name + (detail.isEmpty() ? "" : ": " + detail));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: JarCheck VERSION GOOD BAD BASE_URL CERTS_DIR JNA_CACHE MODULE|CLASSPATH");
            System.exit(2);
        }
        String version = args[0];
        Path good = Path.of(args[1]);
        Path bad = Path.of(args[2]);
        String baseUrl = args[3];
        Path certs = Path.of(args[4]);
        Path jnaCache = Path.of(args[5]).toRealPath();
        boolean modulePath = args[6].equals("MODULE");

        List<String> vars = System.getenv().keySet().stream()
                .filter(k -> k.startsWith("PFHIR_") || k.equals("LD_LIBRARY_PATH") || k.startsWith("JAVA_TOOL"))
                .sorted().collect(Collectors.toList());
        check("no PFHIR_*, LD_LIBRARY_PATH or JAVA_TOOL_OPTIONS variable", vars.isEmpty(), String.join(" ", vars));
        check("no jna.library.path, no pfhir.library", System.getProperty("jna.library.path") == null
                && System.getProperty("pfhir.library") == null, "");
        String module = String.valueOf(Pfhir.class.getModule().getName());
        check("dev.pfhir is " + (modulePath ? "the named module dev.pfhir" : "on the class path"),
                modulePath ? module.equals("dev.pfhir") : !Pfhir.class.getModule().isNamed(), module);

        check("Pfhir.version() is " + version, Pfhir.version().equals(version), Pfhir.version());

        // The library in this process: the file JNA unpacked from the jar into its cache.
        List<String> mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.indexOf('/') < 0 ? "" : l.substring(l.indexOf('/')))
                .filter(p -> p.contains("pfhir") || p.startsWith(jnaCache.toString()))
                .distinct().collect(Collectors.toList());
        check("the native library is the jar's, unpacked by JNA into " + jnaCache,
                mapped.size() == 1 && mapped.get(0).startsWith(jnaCache + "/"), String.join(", ", mapped));

        try (Validator validator = new Validator()) {
            Outcome ok = validator.validate(Files.readAllBytes(good));
            check("good-bundle.json is valid", !ok.hasErrors(), ok.issues().size() + " issues");
            Outcome ko = validator.validate(Files.readAllBytes(bad));
            boolean v0304 = ko.issues().stream().anyMatch(i -> i.messageId().equals("PFHIR-V0304"));
            check("065 is invalid with PFHIR-V0304 (code not in the value set)", ko.hasErrors() && v0304,
                    ko.issues().stream().map(i -> i.messageId() + "@" + i.line() + ":" + i.column())
                            .collect(Collectors.joining(" ")));
        }

        ClientConfig config = ClientConfig.builder()
                .baseUrl(baseUrl)
                .orgId("2.16.724.4.2")
                .clientId("1234567890")
                .clientSecret("sandbox-secret")
                .certPem(certs.resolve("client.pem"))
                .keyPem(certs.resolve("client-key.pem"))
                .caPem(certs.resolve("ca.pem"))
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20))
                .build();
        String patient = "JAR-" + (modulePath ? "M" : "C") + "-" + System.nanoTime();
        try (Client client = new Client(config)) {
            CreateResult created = client.create(Pfhir.buildBundle(input(patient, "Jar", "")));
            check("create over mTLS", created.status() / 100 == 2 && !created.patientId().isEmpty(),
                    "HTTP " + created.status() + ", Patient/" + created.patientId());
            UpdateResult updated = client.update(created.patientId(), Pfhir.buildBundle(
                    input(patient, "Jar-Updated", ",\"ids\":{\"patient\":\"" + created.patientId() + "\"}")));
            check("update over mTLS", updated.status() == 200, "HTTP " + updated.status());
            ReadResult read = client.read(created.patientId());
            check("read shows the update", read.status() == 200 && read.patientJson().contains("Jar-Updated"),
                    "HTTP " + read.status());
        }
        System.out.println("jar_check: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static String input(String patientId, String family, String more) {
        return "{\"authority\":\"cip\",\"patientId\":\"" + patientId + "\",\"familyName\":\"" + family + "\","
                + "\"gender\":\"female\",\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\","
                + "\"organizationOid\":\"2.16.724.4.2\"" + more + "}";
    }
}
