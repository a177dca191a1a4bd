package dev.chainrule.runner.plugins;

import dev.chainrule.runner.BadInputException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which folder the plugin jars come from. Highest precedence first:
 * <ol>
 *   <li>{@code --plugins DIR} on the command line,
 *   <li>the environment variable {@code CHAINRULE_PLUGINS},
 *   <li>the config's top-level {@code "plugins": "DIR"} (relative to the config file), or for
 *       {@code evaluate} the folder a run recorded in its plugins.json,
 *   <li>{@code plugins/} in the working directory.
 * </ol>
 * A folder named by 1-3 must exist; the default may be missing (then there are no plugins).
 */
public final class PluginSettings {
    public static final String ENV = "CHAINRULE_PLUGINS";
    public static final Path DEFAULT = Path.of("plugins");
    /** Seconds loading one plugin jar may take (default {@link PluginJars#DEFAULT_LOAD_LIMIT}). */
    public static final String TIMEOUT_ENV = "CHAINRULE_PLUGIN_TIMEOUT";

    /** The chosen folder, where the choice came from, and whether it was asked for explicitly. */
    public record Folder(Path path, String origin, boolean explicit) {
        /** {@code plugins (default)}, {@code /x (--plugins)}. */
        public String describe() {
            return path + " (" + origin + ")";
        }
    }

    private final Map<String, String> env;
    private Path option;
    private Path fromConfig;
    private String configOrigin;
    private Folder chosen;

    public PluginSettings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** {@code --plugins DIR}. */
    public synchronized void option(Path dir) {
        this.option = dir;
    }

    /**
     * A folder named by a config file or a run's record, used when neither {@code --plugins} nor the
     * environment variable is given. Must come before the folder is first {@link #folder() chosen}.
     */
    public synchronized void fromConfig(Path dir, String origin) {
        if (chosen != null && option == null && blank(env.get(ENV)) && !dir.equals(chosen.path())) {
            throw new BadInputException(origin + ": plugins folder " + dir + " asked for after plugins were already"
                    + " loaded from " + chosen.describe() + "; pass --plugins " + dir);
        }
        this.fromConfig = dir;
        this.configOrigin = origin;
    }

    /** The folder by the precedence above; fixed from the first call on. */
    public synchronized Folder folder() {
        if (chosen == null) {
            if (option != null) {
                chosen = new Folder(option, "--plugins", true);
            } else if (!blank(env.get(ENV))) {
                chosen = new Folder(Path.of(env.get(ENV)), ENV, true);
            } else if (fromConfig != null) {
                chosen = new Folder(fromConfig, configOrigin, true);
            } else {
                chosen = new Folder(DEFAULT, "default", false);
            }
        }
        return chosen;
    }

    /** How long loading one jar may take: {@value #TIMEOUT_ENV} seconds (a decimal number), else the default. */
    public java.time.Duration loadLimit() {
        String v = env.get(TIMEOUT_ENV);
        if (blank(v)) {
            return PluginJars.DEFAULT_LOAD_LIMIT;
        }
        double s;
        try {
            s = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s > 0) || s > 3600) {
            throw new BadInputException(TIMEOUT_ENV + "=" + v + ": must be a number of seconds from 0 to 3600");
        }
        return java.time.Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
