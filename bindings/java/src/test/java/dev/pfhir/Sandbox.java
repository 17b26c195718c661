package dev.pfhir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code pfhir sandbox} on a free port with fresh certificates in a temporary folder; stopped
 * (and the folder removed) by {@link #close()}.
 */
final class Sandbox implements AutoCloseable {
    static final String ORG_ID = "2.16.724.4.2";
    static final String CLIENT_ID = "1234567890";
    static final String CLIENT_SECRET = "sandbox-secret";

    private final Process process;
    private final Path certs;
    private final String baseUrl;
    private final StringBuilder output = new StringBuilder();

    Sandbox() throws IOException, InterruptedException {
        certs = Files.createTempDirectory("pfhir-java-sandbox-");
        ProcessBuilder pb = new ProcessBuilder(TestSupport.pfhirBin().toString(), "sandbox", "--certs",
                certs.toString(), "--port", "0");
        pb.redirectErrorStream(true);
        process = pb.start();
        // Never leave a sandbox behind, even when the test JVM is stopped early.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "pfhir-sandbox-stop"));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    int at = line.indexOf("https://");
                    if (at >= 0 && !url.isDone()) {
                        String rest = line.substring(at);
                        int end = rest.indexOf(' ');
                        url.complete(end < 0 ? rest : rest.substring(0, end));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IOException("the sandbox exited before printing its URL"));
        }, "pfhir-sandbox-output");
        reader.setDaemon(true);
        reader.start();
        try {
            baseUrl = url.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IOException("pfhir sandbox did not start: " + e + "\n" + output(), e);
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    Path certs() {
        return certs;
    }

    /** A configuration that the sandbox accepts. */
    ClientConfig.Builder config() {
        return ClientConfig.builder()
                .baseUrl(baseUrl)
                .orgId(ORG_ID)
                .clientId(CLIENT_ID)
                .clientSecret(CLIENT_SECRET)
                .certPem(certs.resolve("client.pem"))
                .keyPem(certs.resolve("client-key.pem"))
                .caPem(certs.resolve("ca.pem"))
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    /** Queues fault rules (a rule or a JSON array of rules): POST /_sandbox/faults over mTLS. */
    void faults(String rulesJson) throws Exception {
        admin("POST", "/_sandbox/faults", rulesJson);
    }

    /** GET /_sandbox/stats: {@code requests} (its own included), {@code patients}... */
    java.util.Map<String, Object> stats() throws Exception {
        return MiniJson.object(MiniJson.parse(admin("GET", "/_sandbox/stats", null)));
    }

    /** GET /_sandbox/settings: {@code dedup}. */
    java.util.Map<String, Object> settings() throws Exception {
        return MiniJson.object(MiniJson.parse(admin("GET", "/_sandbox/settings", null)));
    }

    /** Turns the sandbox's de-duplication by x-origin-request-id on or off. */
    void dedup(boolean on) throws Exception {
        Object got = MiniJson.object(MiniJson.parse(admin("POST", "/_sandbox/settings", "{\"dedup\":" + on + "}")))
                .get("dedup");
        if (!Boolean.valueOf(on).equals(got)) {
            throw new IOException("the sandbox's dedup is " + got + ", not " + on);
        }
    }

    /** DELETE /_sandbox/faults: removes every queued rule. */
    void clearFaults() throws Exception {
        admin("DELETE", "/_sandbox/faults", null);
    }

    /** A request to the sandbox's /_sandbox/ endpoints over mTLS; its 200 answer's body. */
    private String admin(String method, String path, String json) throws Exception {
        java.net.URI base = java.net.URI.create(baseUrl);
        java.net.URL url = new java.net.URL("https://" + base.getHost() + ":" + base.getPort() + path);
        javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) url.openConnection();
        c.setSSLSocketFactory(sslContext().getSocketFactory());
        c.setRequestMethod(method);
        if (json != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (java.io.OutputStream o = c.getOutputStream()) {
                o.write(json.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        if (status != 200) {
            throw new IOException(method + " " + path + ": HTTP " + status);
        }
        return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** An SSLContext that trusts ca.pem and presents client.pem with client-key.pem (PKCS#8). */
    private javax.net.ssl.SSLContext sslContext() throws Exception {
        java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
        java.security.cert.Certificate ca;
        try (java.io.InputStream in = Files.newInputStream(certs.resolve("ca.pem"))) {
            ca = cf.generateCertificate(in);
        }
        java.util.List<java.security.cert.Certificate> chain = new java.util.ArrayList<>();
        try (java.io.InputStream in = Files.newInputStream(certs.resolve("client.pem"))) {
            chain.addAll(cf.generateCertificates(in));
        }
        String pem = Files.readString(certs.resolve("client-key.pem"), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = java.util.Base64.getDecoder().decode(pem);
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pass = "changeit".toCharArray();
        ks.setKeyEntry("client", key, pass, chain.toArray(new java.security.cert.Certificate[0]));
        ks.setCertificateEntry("ca", ca);
        javax.net.ssl.KeyManagerFactory kmf =
                javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(certs)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary folder
        }
    }
}
