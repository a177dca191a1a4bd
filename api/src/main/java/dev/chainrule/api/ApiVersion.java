package dev.chainrule.api;

/**
 * The SPI's version. A plugin jar built against this api records it in its manifest as
 * {@code Chainrule-Api-Version}; the runner refuses a jar whose major version differs.
 */
public final class ApiVersion {
    public static final int MAJOR = 1;
    public static final int MINOR = 0;
    public static final String VERSION = MAJOR + "." + MINOR;

    private ApiVersion() {
    }
}
