package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every error code of include/pfhir.h is mapped in the binding, with the same number. */
class ErrorCodeTest {

    /** The PFHIR_CODE_* enumerators of the header, by name (without the prefix). */
    static Map<String, Integer> headerCodes() throws IOException {
        String h = Files.readString(TestSupport.header(), StandardCharsets.UTF_8);
        int start = h.indexOf("enum pfhir_code");
        assertTrue(start >= 0, "no enum pfhir_code in pfhir.h");
        int open = h.indexOf('{', start);
        int close = h.indexOf("};", open);
        String body = h.substring(open + 1, close).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Map<String, Integer> codes = new LinkedHashMap<>();
        Matcher m = Pattern.compile("PFHIR_CODE_([A-Z0-9_]+)\\s*=\\s*(\\d+)\\s*,?").matcher(body);
        while (m.find()) {
            codes.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        // Every enumerator must have been read: count the names, with or without a value.
        Matcher names = Pattern.compile("PFHIR_CODE_[A-Z0-9_]+").matcher(body);
        int count = 0;
        while (names.find()) {
            count++;
        }
        assertEquals(count, codes.size(), "every PFHIR_CODE_* enumerator has an explicit number");
        return codes;
    }

    @Test
    void everyHeaderCodeIsMappedWithItsNumberAndAnExceptionClass() throws IOException {
        Map<String, Integer> codes = headerCodes();
        assertTrue(codes.size() >= 27, "expected the 27 codes of 0.1, found " + codes.size());
        for (Map.Entry<String, Integer> e : codes.entrySet()) {
            ErrorCode c;
            try {
                c = ErrorCode.valueOf(e.getKey());
            } catch (IllegalArgumentException missing) {
                fail("PFHIR_CODE_" + e.getKey() + " = " + e.getValue() + " is not in the Java ErrorCode enum");
                return;
            }
            assertEquals(e.getValue().intValue(), c.number(), "number of " + c);
            assertSame(c, ErrorCode.fromNumber(e.getValue()), "fromNumber(" + e.getValue() + ")");
            assertNotNull(c.exceptionClass(), "exception class of " + c);
            assertEquals(e.getKey().toLowerCase(java.util.Locale.ROOT), c.snakeName(), "snake name of " + c);
            assertEquals(c.snakeName(), Pfhir.codeName(c.number()), "pfhir_code_name(" + c.number() + ")");
            PfhirException ex = PfhirException.of(ErrorInfo.of(c, "test"));
            assertSame(c.exceptionClass(), ex.getClass(), "the exception thrown for " + c);
            assertSame(c, ex.code());
            assertEquals(c.number(), ex.rawCode());
            if (c != ErrorCode.OK) {
                assertTrue(c.exceptionClass() != PfhirException.class, c + " has its own exception class");
            }
        }
        // And nothing in Java that the header does not have (but UNKNOWN).
        for (ErrorCode c : ErrorCode.values()) {
            if (c != ErrorCode.UNKNOWN) {
                assertTrue(codes.containsKey(c.name()), c + " is not in pfhir.h");
            }
        }
    }

    @Test
    void unknownNumbersAreErrorsToo() {
        assertSame(ErrorCode.UNKNOWN, ErrorCode.fromNumber(9999));
        assertSame(ErrorCode.UNKNOWN, ErrorCode.fromNumber(-5));
        assertNull(Pfhir.codeName(9999));
        PfhirException ex = PfhirException.of(new ErrorInfo(9999, "from the future", 0, null, null, null, false, false, List.of(), 0, 0));
        assertSame(PfhirException.class, ex.getClass());
        assertSame(ErrorCode.UNKNOWN, ex.code());
        assertEquals(9999, ex.rawCode());
        assertTrue(ex.toString().contains("9999"));
    }

    @Test
    void serverKinds() {
        Map<ErrorCode, ServerException.Kind> kinds = Map.ofEntries(
                Map.entry(ErrorCode.SERVER_REQUIRED, ServerException.Kind.REQUIRED),
                Map.entry(ErrorCode.SERVER_STRUCTURE, ServerException.Kind.STRUCTURE),
                Map.entry(ErrorCode.SERVER_INVALID, ServerException.Kind.INVALID),
                Map.entry(ErrorCode.SERVER_TOO_LONG, ServerException.Kind.TOO_LONG),
                Map.entry(ErrorCode.SERVER_TIMEOUT, ServerException.Kind.TIMEOUT),
                Map.entry(ErrorCode.SERVER_EXCEPTION, ServerException.Kind.EXCEPTION),
                Map.entry(ErrorCode.FORBIDDEN, ServerException.Kind.FORBIDDEN),
                Map.entry(ErrorCode.NOT_FOUND, ServerException.Kind.NOT_FOUND),
                Map.entry(ErrorCode.NOT_SUPPORTED, ServerException.Kind.NOT_SUPPORTED),
                Map.entry(ErrorCode.RATE_LIMITED, ServerException.Kind.RATE_LIMITED),
                Map.entry(ErrorCode.UNAVAILABLE, ServerException.Kind.UNAVAILABLE),
                Map.entry(ErrorCode.HTTP_STATUS, ServerException.Kind.OTHER));
        for (Map.Entry<ErrorCode, ServerException.Kind> e : kinds.entrySet()) {
            PfhirException ex = PfhirException.of(ErrorInfo.of(e.getKey(), "x"));
            assertTrue(ex instanceof ServerException, e.getKey() + " is a ServerException");
            assertEquals(e.getValue(), ((ServerException) ex).kind(), "kind of " + e.getKey());
        }
        assertEquals(kinds.size(), ServerException.Kind.values().length, "every kind has a code");
        assertFalse(PfhirException.of(ErrorInfo.of(ErrorCode.INVALID_RESPONSE, "x")) instanceof ServerException);
    }

    @Test
    void headerAndLibraryVersionsMatchTheBinding() throws IOException {
        String h = Files.readString(TestSupport.header(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("#define PFHIR_VERSION_STRING \"([^\"]+)\"").matcher(h);
        assertTrue(m.find(), "PFHIR_VERSION_STRING in pfhir.h");
        assertEquals(m.group(1), Pfhir.ABI_VERSION, "the binding's ABI version is the header's");
        assertEquals(m.group(1), Pfhir.version(), "the loaded library is the header's version");
        assertTrue(Ffi.compatible("0.1.7", "0.1.0"));
        assertFalse(Ffi.compatible("0.2.0", "0.1.0"));
        assertTrue(Ffi.compatible("1.4.0", "1.2.0"));
        assertFalse(Ffi.compatible("1.1.0", "1.2.0"));
        assertFalse(Ffi.compatible("2.0.0", "1.0.0"));
    }
}
