package dev.chainrule.engine.registry;

/**
 * Where providers come from: a class loader to run {@link java.util.ServiceLoader} on and how to name
 * it to the user ({@code "built-in"} for the class path, a jar path for a plugin).
 *
 * @param ownOnly when true, only providers whose class this loader defines itself count (a plugin jar's
 *     URLClassLoader also sees its parent's services, which belong to the parent's source)
 */
public record ProviderSource(ClassLoader loader, String description, boolean ownOnly) {
    public static final String BUILT_IN = "built-in";

    /** The runner's own class path. */
    public static ProviderSource builtIn() {
        return new ProviderSource(ProviderSource.class.getClassLoader(), BUILT_IN, false);
    }

    /** A plugin class loader (e.g. a URLClassLoader over one jar). */
    public static ProviderSource plugin(ClassLoader loader, String description) {
        return new ProviderSource(loader, description, true);
    }
}
