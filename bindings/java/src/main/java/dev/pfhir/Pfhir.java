package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.pfhir.internal.PfhirBytes;
import java.nio.charset.StandardCharsets;

/**
 * Entry points that need no handle: the library version and building a partner message
 * Bundle from a PatientInput.
 *
 * <p>The native library is loaded by JNA on first use: from the pfhir jar, which carries it
 * for Linux x86_64 and arm64 and Windows x64 at JNA's resource paths ({@code linux-x86-64/},
 * {@code linux-aarch64/}, {@code win32-x86-64/}), with no setting. {@code -Dpfhir.library=PATH}
 * (a file) or {@code -Djna.library.path=FOLDER} load another build instead; JNA also looks in
 * the system's library path before the class path.
 */
public final class Pfhir {
    /** The C ABI version this binding was written for ({@code PFHIR_VERSION_STRING}). */
    public static final String ABI_VERSION = Ffi.ABI_VERSION;

    private Pfhir() {}

    /**
     * The version of the loaded native library ({@code 0.1.0}).
     *
     * @return the version
     */
    public static String version() {
        return LIB.pfhir_version();
    }

    /**
     * Builds the partner message Bundle (MessageHeader + Patient + Condition) from the JSON
     * form of a PatientInput (docs/patient-input.md), for example
     * {@code {"authority":"cip","patientId":"J123","familyName":"Test","gender":"female",
     * "birthDate":"1980-01-02","diabetes":"type1","organizationOid":"2.16.724.4.2"}}.
     * For an update (API v2), give the platform's logical id as {@code "ids": {"patient": "..."}}.
     *
     * <p>Beside those it takes what an EMR sends: {@code identifiers} ({@code system},
     * {@code value}, {@code use}, {@code type}, {@code assigner}), {@code fathersFamily} /
     * {@code mothersFamily}, {@code deceased}, {@code maritalStatus}, {@code language} /
     * {@code communication}, {@code emails}, {@code addresses} (or {@code address}),
     * {@code managingOrganization}, {@code verificationStatus}, {@code conditions} (each with
     * {@code codings}) and {@code ids.conditions}. A wrong or unknown member is named in
     * {@link InputException#fields()} ({@code identifiers[1].type}), never with its value.
     * Deployment options: {@link #buildBundle(String, BuildOptions)}.
     *
     * @param patientInputJson the PatientInput JSON
     * @return the Bundle JSON
     * @throws InputException when fields are wrong ({@link InputException#fields()} names each)
     * @throws IllegalArgumentException when the text has an unpaired surrogate
     */
    public static String buildBundle(String patientInputJson) {
        byte[] json = buildBundle(Ffi.utf8(patientInputJson, "Pfhir.buildBundle: patientInputJson"));
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * Builds the partner message Bundle from PatientInput JSON given as UTF-8 bytes.
     *
     * @param patientInputJson the PatientInput JSON
     * @return the Bundle JSON, UTF-8
     * @throws InputException when fields are wrong
     */
    public static byte[] buildBundle(byte[] patientInputJson) {
        Ffi.notNull(patientInputJson, "Pfhir.buildBundle: patientInputJson");
        PfhirBytes out = new PfhirBytes();
        Ffi.check(LIB.pfhir_build_bundle(Ffi.ptr(patientInputJson), Ffi.len(patientInputJson), out));
        return Ffi.takeBytes(out);
    }

    /**
     * Builds the partner message Bundle from PatientInput JSON with deployment options: extra
     * accepted authorities, the exact {@code MessageHeader.source.endpoint}, no
     * {@code Bundle.id} ({@link BuildOptions}). The JSON goes through a native builder
     * ({@code pfhir_builder_set_input_json}), which reads the whole PatientInput first: with
     * options other than the defaults, a member of the wrong JSON type is reported before the
     * values are checked.
     *
     * @param patientInputJson the PatientInput JSON
     * @param options the options ({@link BuildOptions#defaults()} for none)
     * @return the Bundle JSON
     * @throws InputException when fields are wrong ({@code sourceEndpoint} for a bad endpoint)
     * @throws ArgumentException when an accepted authority is not a URI
     * @throws IllegalArgumentException when a text has an unpaired surrogate
     */
    public static String buildBundle(String patientInputJson, BuildOptions options) {
        byte[] json = buildBundle(Ffi.utf8(patientInputJson, "Pfhir.buildBundle: patientInputJson"), options);
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * Builds the partner message Bundle from PatientInput JSON given as UTF-8 bytes, with
     * deployment options (see {@link #buildBundle(String, BuildOptions)}).
     *
     * @param patientInputJson the PatientInput JSON
     * @param options the options
     * @return the Bundle JSON, UTF-8
     * @throws InputException when fields are wrong
     * @throws ArgumentException when an accepted authority is not a URI
     */
    public static byte[] buildBundle(byte[] patientInputJson, BuildOptions options) {
        Ffi.notNull(patientInputJson, "Pfhir.buildBundle: patientInputJson");
        Ffi.notNull(options, "Pfhir.buildBundle: options");
        if (options.isDefault()) {
            return buildBundle(patientInputJson);
        }
        java.util.List<byte[]> systems = new java.util.ArrayList<>();
        for (String system : options.acceptedAuthorities()) {
            systems.add(Ffi.utf8(system, "acceptedAuthority"));
        }
        byte[] endpoint = options.sourceEndpoint().map(e -> Ffi.utf8(e, "sourceEndpoint")).orElse(null);
        PointerByReference ref = new PointerByReference();
        Ffi.check(LIB.pfhir_builder_new(ref));
        Pointer b = ref.getValue();
        try {
            Ffi.check(LIB.pfhir_builder_set_input_json(b, Ffi.ptr(patientInputJson), Ffi.len(patientInputJson)));
            for (byte[] system : systems) {
                Ffi.check(LIB.pfhir_builder_add_accepted_authority(b, Ffi.ptr(system), Ffi.len(system)));
            }
            if (endpoint != null) {
                Ffi.check(LIB.pfhir_builder_set_source_endpoint(b, Ffi.ptr(endpoint), Ffi.len(endpoint)));
            }
            if (options.omitBundleId()) {
                Ffi.check(LIB.pfhir_builder_set_omit_bundle_id(b, (byte) 1));
            }
            PfhirBytes out = new PfhirBytes();
            Ffi.check(LIB.pfhir_builder_build(b, out));
            return Ffi.takeBytes(out);
        } finally {
            LIB.pfhir_builder_free(b);
        }
    }

    /**
     * The snake-case name the native library gives an error code number.
     *
     * @param code a {@code pfhir_code} number
     * @return the name ({@code not_found}), or null for a number the library does not know
     */
    public static String codeName(int code) {
        return LIB.pfhir_code_name(code).toStringOrNull();
    }
}
