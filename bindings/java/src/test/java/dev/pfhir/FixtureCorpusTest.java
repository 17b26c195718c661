package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the conformance corpus tests/fixtures/validation: for every input, the issues equal
 * its .expected.json and the OperationOutcome JSON equals its .outcome.json byte for byte.
 */
class FixtureCorpusTest {

    static List<Path> inputs() throws IOException {
        try (Stream<Path> files = Files.list(TestSupport.fixtures())) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") && !n.endsWith(".expected.json") && !n.endsWith(".outcome.json");
            }).sorted().collect(Collectors.toList());
        }
    }

    static Path sibling(Path input, String suffix) {
        String n = input.getFileName().toString();
        return input.resolveSibling(n.substring(0, n.length() - ".json".length()) + suffix);
    }

    /** The validator options an .expected.json asks for. */
    static ValidatorOptions optionsOf(Map<String, Object> expected) {
        ValidatorOptions.Builder b = ValidatorOptions.builder()
                .profile("base".equals(expected.get("profile")) ? Profile.BASE : Profile.PARTNER);
        Object o = expected.get("options");
        if (o != null) {
            Map<String, Object> opts = MiniJson.object(o);
            if (opts.get("rules") != null) {
                for (Map.Entry<String, Object> r : MiniJson.object(opts.get("rules")).entrySet()) {
                    b.rule(r.getKey(), RuleSeverity.fromName((String) r.getValue()));
                }
            }
            if (opts.get("authorities") != null) {
                for (Object a : MiniJson.array(opts.get("authorities"))) {
                    b.authority((String) a);
                }
            }
            if (opts.get("maxBytes") != null) {
                b.maxBytes((Long) opts.get("maxBytes"));
            }
            if (opts.get("maxDepth") != null) {
                b.maxDepth(Math.toIntExact((Long) opts.get("maxDepth")));
            }
        }
        return b.build();
    }

    static String describe(Map<String, Object> i) {
        return i.get("severity") + " " + i.get("code") + " " + i.get("id") + " key=" + i.get("key") + " expr="
                + i.get("expression") + " at " + i.get("line") + ":" + i.get("column");
    }

    static String describe(Outcome.Issue i) {
        return i.severity().fhirCode() + " " + i.code() + " " + i.messageId() + " key=" + i.key() + " expr="
                + i.expression() + " at " + i.line() + ":" + i.column();
    }

    @Test
    void corpusIsThere() throws IOException {
        List<Path> files = inputs();
        assertTrue(files.size() >= 40, "the corpus needs at least 40 inputs, found " + files.size());
        for (Path p : files) {
            assertTrue(Files.isRegularFile(sibling(p, ".expected.json")), "no expected file for " + p);
            assertTrue(Files.isRegularFile(sibling(p, ".outcome.json")), "no outcome file for " + p);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFixture() throws IOException {
        return inputs().stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            Map<String, Object> expected = MiniJson.object(MiniJson.parse(
                    Files.readString(sibling(input, ".expected.json"), StandardCharsets.UTF_8)));
            byte[] document = Files.readAllBytes(input);
            Outcome outcome;
            try (Validator v = new Validator(optionsOf(expected))) {
                outcome = v.validate(document);
            }
            List<String> want = new ArrayList<>();
            for (Object i : MiniJson.array(expected.get("issues"))) {
                want.add(describe(MiniJson.object(i)));
            }
            List<String> got = outcome.issues().stream().map(FixtureCorpusTest::describe).collect(Collectors.toList());
            assertEquals(want, got, "issues of " + input.getFileName());
            boolean errors = outcome.issues().stream().anyMatch(i -> i.severity().isError());
            assertEquals(errors, outcome.hasErrors(), "hasErrors");

            byte[] outcomeFile = Files.readAllBytes(sibling(input, ".outcome.json"));
            assertArrayEquals(outcomeFile, outcome.toJsonBytes(), "OperationOutcome bytes of " + input.getFileName());
            assertEquals(new String(outcomeFile, StandardCharsets.UTF_8), outcome.toJson(), "toJson()");
        }));
    }
}
