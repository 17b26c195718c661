package dev.pfhir;

/** What a partner rule reports: an error, a warning, or nothing. */
public enum RuleSeverity {
    /** The rule reports errors (the platform refuses the document). */
    ERROR("error"),
    /** The rule reports warnings. */
    WARNING("warning"),
    /** The rule is off. */
    OFF("off");

    private final String wireName;

    RuleSeverity(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name the C ABI takes ({@code error}, {@code warning}, {@code off}).
     *
     * @return the name
     */
    public String wireName() {
        return wireName;
    }

    /**
     * The severity of a name ({@code error}, {@code warning} or {@code off}).
     *
     * @param name the name
     * @return the severity
     * @throws IllegalArgumentException for another name
     */
    public static RuleSeverity fromName(String name) {
        for (RuleSeverity s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown rule severity: " + name + " (error, warning or off)");
    }
}
