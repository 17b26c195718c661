package dev.pfhir;

/** The version of the Partners API a {@link Client} speaks. */
public enum ApiVersion {
    /** v1: patients are addressed by their business id. */
    V1("v1"),
    /** v2 (the default): patients are addressed by the platform's logical id. */
    V2("v2");

    private final String wireName;

    ApiVersion(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name the C ABI takes ({@code v1}, {@code v2}).
     *
     * @return the name
     */
    public String wireName() {
        return wireName;
    }
}
