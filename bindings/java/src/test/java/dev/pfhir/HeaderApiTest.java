package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfhir.internal.Abi;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hand-written enums hold exactly the constants of include/pfhir.h (generated into
 * {@code internal/Abi}), name for name and number for number. That the binding calls every
 * function of the header is {@code cargo xtask check}'s rule, the same for every binding.
 */
class HeaderApiTest {
    /** The constants of {@link Abi} whose name starts with {@code prefix}, prefix removed. */
    static Map<String, Integer> abi(String prefix) throws IllegalAccessException {
        Map<String, Integer> found = new TreeMap<>();
        for (Field f : Abi.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class
                    && f.getName().startsWith(prefix)) {
                found.put(f.getName().substring(prefix.length()), f.getInt(null));
            }
        }
        assertFalse(found.isEmpty(), "Abi has no " + prefix + "* constants");
        return found;
    }

    static <E extends Enum<E>> Map<String, Integer> of(E[] values, ToIntFunction<E> number) {
        return Arrays.stream(values).collect(Collectors.toMap(Enum::name, number::applyAsInt, (a, b) -> a,
                TreeMap::new));
    }

    @Test
    void everyValueTypeEnumMirrorsTheHeader() throws IllegalAccessException {
        assertEquals(abi("UNCERTAIN_"), of(UncertainCreatePolicy.Kind.values(), UncertainCreatePolicy.Kind::number));
        assertEquals(abi("CREATE_"), of(CreateState.values(), CreateState::number));
        assertEquals(abi("TLS_CAUSE_"), of(TlsCause.values(), TlsCause::number));
        assertEquals(abi("SEVERITY_"), of(Severity.values(), Severity::number));
        assertEquals(abi("PROFILE_"), of(Profile.values(), Profile::number));
        assertEquals(abi("TRUST_"), of(TrustStore.values(), TrustStore::number));
        assertEquals(null, CreateState.fromNumber(0));
        assertEquals(TlsCause.OTHER, TlsCause.fromNumber(999));
    }

    @Test
    void everyCodeHasAnExceptionClassAndTheVersionIsTheLibrarys() {
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(PfhirException.class.isAssignableFrom(c.exceptionClass()), c.name());
            assertFalse(c.description().isEmpty(), c.name());
        }
        assertEquals(Abi.VERSION, Pfhir.version());
    }
}
