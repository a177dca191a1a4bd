package dev.chainrule.engine.registry;

/**
 * Which plugin jar a class came from, by its class loader's name: the runner names each jar's loader
 * {@link #LOADER_PREFIX} + the jar as shown, and every stack frame records its loader's name, so a provider,
 * a stage or a frame of a stack trace can be traced to its jar without holding on to the jar itself.
 */
public final class ProviderOrigin {
    /** Class loaders of plugin jars are named this prefix + the jar as shown. */
    public static final String LOADER_PREFIX = "chainrule-plugin ";

    private ProviderOrigin() {
    }

    /** The plugin jar (as shown) whose class loader defined {@code o}'s class, or null for the runner's own. */
    public static String jarOf(Object o) {
        ClassLoader l = o == null ? null : o.getClass().getClassLoader();
        return jarOfLoader(l == null ? null : l.getName());
    }

    /** The plugin jar a stack frame's class came from, or null. */
    public static String jarOf(StackTraceElement frame) {
        return jarOfLoader(frame.getClassLoaderName());
    }

    private static String jarOfLoader(String name) {
        return name != null && name.startsWith(LOADER_PREFIX) ? name.substring(LOADER_PREFIX.length()) : null;
    }
}
