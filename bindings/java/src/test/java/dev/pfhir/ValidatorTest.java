package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ValidatorTest {

    static byte[] goodBundle() throws IOException {
        return Files.readAllBytes(TestSupport.root().resolve("tests/fixtures/partner/good-bundle.json"));
    }

    @Test
    void goodBundleHasNoErrors() throws IOException {
        try (Validator v = new Validator()) {
            Outcome o = v.validate(goodBundle());
            assertFalse(o.hasErrors(), () -> o.issues().toString());
            assertTrue(o.toJson().startsWith("{\"resourceType\":\"OperationOutcome\""), o.toJson());
            assertSame(Profile.PARTNER, v.options().profile());
            assertEquals(1024 * 1024, v.maxBytes(), "the partner profile's default limit");
        }
        try (Validator small = new Validator(ValidatorOptions.builder().maxBytes(4096).build())) {
            assertEquals(4096, small.maxBytes());
        }
    }

    @Test
    void invalidUtf8IsAFindingNotAnException() {
        byte[] doc = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Mu\u00f1oz\"}]}".getBytes(StandardCharsets.ISO_8859_1);
        try (Validator v = new Validator()) {
            Outcome o = v.validate(doc);
            assertTrue(o.hasErrors());
            assertEquals(1, o.issues().size(), () -> o.issues().toString());
            Outcome.Issue i = o.issues().get(0);
            assertSame(Severity.FATAL, i.severity());
            assertEquals("structure", i.code());
            assertEquals("PFHIR-V0102", i.messageId());
            assertNull(i.key());
            assertEquals("", i.expression());
            assertEquals(1, i.line());
            assertEquals(48, i.column());
            assertFalse(i.message().isEmpty());
            assertTrue(o.toJson().contains("PFHIR-V0102"), o.toJson());
        }
    }

    @Test
    void emptyDocumentIsPassedAsNullZero() {
        try (Validator v = new Validator()) {
            Outcome o = v.validate(new byte[0]);
            assertEquals(1, o.issues().size());
            assertEquals("PFHIR-V0107", o.issues().get(0).messageId());
            assertEquals(o.toJson(), v.validate("").toJson());
        }
    }

    @Test
    void stringAndBytesGiveTheSameOutcome() throws IOException {
        byte[] doc = Files.readAllBytes(TestSupport.fixtures().resolve("065-code-not-in-value-set-gender.json"));
        try (Validator v = new Validator()) {
            Outcome a = v.validate(doc);
            Outcome b = v.validate(new String(doc, StandardCharsets.UTF_8));
            assertEquals(a.issues(), b.issues());
            assertEquals(a.toJson(), b.toJson());
        }
    }

    @Test
    void optionsReachTheNativeValidator() throws IOException {
        byte[] doc = goodBundle();
        try (Validator tiny = Validator.builder().maxBytes(16).build();
                Validator shallow = Validator.builder().maxDepth(2).build();
                Validator base = Validator.builder().profile(Profile.BASE).build()) {
            // Above the limit: (NULL, len) is passed and the library answers too-long unread.
            Outcome o = tiny.validate(doc);
            assertEquals(1, o.issues().size(), () -> o.issues().toString());
            assertEquals("too-long", o.issues().get(0).code());
            assertEquals("too-long", tiny.validate(new byte[1 << 20]).issues().get(0).code());
            Outcome d = shallow.validate(doc);
            assertTrue(d.hasErrors());
            assertSame(Severity.FATAL, d.issues().get(0).severity());
            assertFalse(base.validate(doc).hasErrors());
            assertEquals(16, tiny.options().maxBytes());
        }
    }

    @Test
    void ruleSeveritiesAndAuthorities() throws IOException {
        byte[] off = Files.readAllBytes(TestSupport.fixtures().resolve("108-partner-rule-off.json"));
        try (Validator strict = new Validator();
                Validator relaxed = Validator.builder().rule("partner-meta-profile", RuleSeverity.OFF).build()) {
            assertTrue(strict.validate(off).issues().stream().anyMatch(i -> "partner-meta-profile".equals(i.key())));
            assertTrue(relaxed.validate(off).issues().stream().noneMatch(i -> "partner-meta-profile".equals(i.key())));
        }
        byte[] warn = Files.readAllBytes(TestSupport.fixtures().resolve("109-partner-rule-warning.json"));
        try (Validator v = Validator.builder().rule("partner-bundle-type", RuleSeverity.WARNING).build()) {
            Outcome o = v.validate(warn);
            assertTrue(o.issues().stream().anyMatch(
                    i -> "partner-bundle-type".equals(i.key()) && i.severity() == Severity.WARNING), o.toString());
        }
    }

    @Test
    void includeValuesPutsValuesInMessages() throws IOException {
        byte[] doc = Files.readAllBytes(TestSupport.fixtures().resolve("065-code-not-in-value-set-gender.json"));
        try (Validator quiet = new Validator(); Validator loud = Validator.builder().includeValues(true).build()) {
            String a = quiet.validate(doc).issues().get(0).message();
            String b = loud.validate(doc).issues().get(0).message();
            assertNotEquals(a, b);
            assertTrue(b.contains("M"), b);
            assertTrue(loud.options().includeValues());
        }
    }

    /** 30000 numbers where strings belong: one error per number, in document order. */
    static String manyIssues() {
        return "{\"resourceType\":\"Patient\",\"name\":[{\"given\":["
                + String.join(",", Collections.nCopies(30000, "1")) + "]}]}";
    }

    @Test
    void issueCapListsTheFirstIssuesAndCountsTheRest() {
        try (Validator v = Validator.builder().profile(Profile.BASE).build()) {
            assertTrue(v.options().maxIssues().isEmpty());
            List<Outcome.Issue> issues = v.validate(manyIssues()).issues();
            assertEquals(1001, issues.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals("Patient.name[0].given[" + i + "]", issues.get(i).expression());
                assertEquals("structure", issues.get(i).code());
            }
            Outcome.Issue last = issues.get(1000);
            assertEquals("too-costly", last.code());
            assertEquals("PFHIR-V0108", last.messageId());
            assertSame(Severity.ERROR, last.severity());
            assertTrue(last.message().startsWith("Not reported: 29000 more issues ("), last.message());
        }
    }

    @Test
    void maxIssuesSetsTheCap() {
        try (Validator all = Validator.builder().profile(Profile.BASE).maxIssues(0).build();
                Validator ten = new Validator(ValidatorOptions.builder().profile(Profile.BASE).maxIssues(10).build())) {
            List<Outcome.Issue> every = all.validate(manyIssues()).issues();
            assertEquals(30000, every.size());
            assertTrue(every.stream().noneMatch(i -> "too-costly".equals(i.code())));
            List<Outcome.Issue> first = ten.validate(manyIssues()).issues();
            assertEquals(11, first.size());
            assertEquals("too-costly", first.get(10).code());
            assertSame(Severity.ERROR, first.get(10).severity());
            assertTrue(first.get(10).message().startsWith("Not reported: 29990 more issues ("), first.get(10).message());
            assertEquals(0, all.options().maxIssues().getAsLong());
            assertEquals(10, ten.options().maxIssues().getAsLong());
        }
    }

    @Test
    void maxIssuesOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Validator.builder().maxIssues(-1));
        ArgumentException e = assertThrows(ArgumentException.class,
                () -> Validator.builder().maxIssues(4294967296L).build());
        assertSame(ErrorCode.INVALID_ARGUMENT, e.code());
        try (Validator v = Validator.builder().maxIssues(4294967295L).build()) {
            assertEquals(4294967295L, v.options().maxIssues().getAsLong());
        }
    }

    @Test
    void unknownRuleIsAnArgumentException() {
        ArgumentException e = assertThrows(ArgumentException.class,
                () -> Validator.builder().rule("no-such-rule", RuleSeverity.OFF).build());
        assertSame(ErrorCode.INVALID_ARGUMENT, e.code());
        assertFalse(e.getMessage().isEmpty());
        assertEquals(0, e.httpStatus());
        assertTrue(e.outcomeJson().isEmpty());
        assertThrows(ArgumentException.class, () -> Validator.builder().maxDepth(100000).build());
        assertThrows(IllegalArgumentException.class, () -> RuleSeverity.fromName("fatal"));
    }

    @Test
    void nullAndBadArgumentsNeverReachC() {
        try (Validator v = new Validator()) {
            assertThrows(NullPointerException.class, () -> v.validate((byte[]) null));
            assertThrows(NullPointerException.class, () -> v.validate((String) null));
            assertThrows(IllegalArgumentException.class, () -> v.validate("{\"a\":\"\ud800\"}"));
        }
        assertThrows(NullPointerException.class, () -> new Validator(null));
        assertThrows(NullPointerException.class, () -> Validator.builder().profile(null));
        assertThrows(NullPointerException.class, () -> Validator.builder().rule(null, RuleSeverity.OFF));
        assertThrows(NullPointerException.class, () -> Validator.builder().rule("partner-meta-profile", null));
        assertThrows(NullPointerException.class, () -> Validator.builder().authority(null));
        assertThrows(IllegalArgumentException.class, () -> Validator.builder().maxBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> Validator.builder().maxDepth(-1));
    }

    @Test
    void outcomesAreImmutable() throws IOException {
        try (Validator v = new Validator()) {
            Outcome o = v.validate(Files.readAllBytes(TestSupport.fixtures().resolve("065-code-not-in-value-set-gender.json")));
            assertThrows(UnsupportedOperationException.class, () -> o.issues().clear());
            byte[] json = o.toJsonBytes();
            json[0] = 'X';
            assertArrayEquals(o.toJson().getBytes(StandardCharsets.UTF_8), o.toJsonBytes());
        }
    }

    @Test
    void oneValidatorSharedByFourThreads() throws Exception {
        List<byte[]> docs = new ArrayList<>();
        for (String f : new String[] {"001-syntax-missing-comma.json", "065-code-not-in-value-set-gender.json",
                "110-valid-full-partner-bundle.json", "003-invalid-utf8-latin1-name.json"}) {
            docs.add(Files.readAllBytes(TestSupport.fixtures().resolve(f)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Validator v = new Validator()) {
            List<String> want = new ArrayList<>();
            for (byte[] d : docs) {
                want.add(v.validate(d).toJson());
            }
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 25; round++) {
                        for (int k = 0; k < docs.size(); k++) {
                            if (!want.get(k).equals(v.validate(docs.get(k)).toJson())) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
