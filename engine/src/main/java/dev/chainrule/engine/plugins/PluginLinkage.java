package dev.chainrule.engine.plugins;

/**
 * Turns a {@link LinkageError} raised while running plugin code (a {@code NoSuchMethodError},
 * {@code AbstractMethodError} or {@code NoClassDefFoundError} from a jar compiled against another api) into
 * one line naming the jar: the jar's class loader is named {@link PluginJars#LOADER_PREFIX} + the jar, and
 * every stack frame records its class loader's name.
 */
public final class PluginLinkage {
    private PluginLinkage() {
    }

    /** A {@link PluginException} naming the jar, or the error itself when no plugin frame is on its stack. */
    public static Throwable explain(LinkageError e) {
        String jar = null;
        String where = null;
        for (StackTraceElement f : e.getStackTrace()) {
            String loader = f.getClassLoaderName();
            if (loader != null && loader.startsWith(PluginJars.LOADER_PREFIX)) {
                jar = loader.substring(PluginJars.LOADER_PREFIX.length());
                where = f.getClassName() + "." + f.getMethodName();
                break;
            }
        }
        if (jar == null) {
            // AbstractMethodError is thrown in the caller's frame; its message names the plugin's class
            String m = String.valueOf(e.getMessage());
            java.util.regex.Matcher r = java.util.regex.Pattern.compile("[Rr]eceiver class (\\S+)").matcher(m);
            if (r.find()) {
                where = r.group(1);
                jar = "the jar of " + where;
            }
        }
        if (jar == null) {
            return e;
        }
        PluginException p = new PluginException(jar + ": " + PluginJars.incompatible(e) + " in " + where);
        p.initCause(e);
        return p;
    }
}
