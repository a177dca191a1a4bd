package dev.chainrule.engine.plugins;

import dev.chainrule.engine.base.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which folder the plugin jars come from. Highest precedence first:
 * <ol>
 *   <li>{@code --plugins DIR} on the command line,
 *   <li>the environment variable {@code CHAINRULE_PLUGINS},
 *   <li>the top-level {@code "plugins": "DIR"} of a config the user passes to {@code train}, {@code gradcheck}
 *       or {@code explain} (relative to the config file),
 *   <li>only with {@code --trust-run-plugins}: the folder a model's or run's record names (its
 *       {@code plugins.json}, or the {@code plugins} of its saved config), and of it only the jars the
 *       record lists, each with its recorded SHA-256,
 *   <li>{@code plugins/} in the working directory.
 * </ol>
 * A folder named by 1-4 must exist; the default may be missing (then there are no plugins).
 *
 * <p>This is the trust boundary (docs/security.md): code runs only from a folder the user named. A model or
 * run folder is data; what it records is read, shown in messages, and never loaded unless asked for.
 */
public final class PluginSettings {
    public static final String ENV = "CHAINRULE_PLUGINS";
    public static final Path DEFAULT = Path.of("plugins");
    /** Seconds loading one plugin jar may take (default {@link PluginJars#DEFAULT_LOAD_LIMIT}). */
    public static final String TIMEOUT_ENV = "CHAINRULE_PLUGIN_TIMEOUT";
    public static final String TRUST_OPTION = "--trust-run-plugins";

    /**
     * The chosen folder, where the choice came from, and whether it was asked for explicitly.
     *
     * @param pinned null when every jar of the folder may load; otherwise the only jars that may (absolute,
     *     normalised path to the SHA-256 a run recorded for it)
     */
    public record Folder(Path path, String origin, boolean explicit, Map<Path, String> pinned) {
        public Folder(Path path, String origin, boolean explicit) {
            this(path, origin, explicit, null);
        }

        public Folder {
            pinned = pinned == null ? null : Map.copyOf(pinned);
        }

        /** {@code plugins (default)}, {@code /x (--plugins)}. */
        public String describe() {
            return path + " (" + origin + ")";
        }

        /**
         * Whether {@code jar} may be loaded: always, unless the folder came from a run's record; then only a
         * recorded jar that still has its recorded SHA-256 (checked here, before any of its code is loaded).
         */
        public boolean admits(Path jar) {
            if (pinned == null) {
                return true;
            }
            String sha = pinned.get(jar.toAbsolutePath().normalize());
            if (sha == null || !Files.isRegularFile(jar)) {
                return false;
            }
            try {
                return sha.equals(PluginJars.sha256(jar));
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** A plugins folder named by a model's or run's record. */
    public record Recorded(Path dir, String origin, Map<Path, String> pinned) {
        public Recorded {
            pinned = pinned == null ? null : Map.copyOf(pinned);
        }
    }

    private final Map<String, String> env;
    private Path option;
    private Path fromConfig;
    private String configOrigin;
    private Recorded recorded;
    private boolean trustRecorded;
    private Folder chosen;

    public PluginSettings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** {@code --plugins DIR}. */
    public synchronized void option(Path dir) {
        this.option = dir;
    }

    /**
     * A folder named by a config file the user passed, used when neither {@code --plugins} nor the
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

    /**
     * A folder a model's or run's record names. Never used unless {@link #trustRecorded()} was called; the
     * first record wins (plugins.json, read before the saved config, also pins the jars).
     *
     * @param pinned the recorded jars and their SHA-256s, or null when the record lists no jars (a saved
     *     config's {@code plugins} alone): then, once trusted, the whole folder
     */
    public synchronized void recorded(Path dir, String origin, Map<Path, String> pinned) {
        if (recorded == null) {
            recorded = new Recorded(dir.toAbsolutePath().normalize(), origin, pinned);
        }
    }

    /** {@value #TRUST_OPTION}: the user opts in to loading the jars a record names. */
    public synchronized void trustRecorded() {
        this.trustRecorded = true;
    }

    public synchronized boolean trustsRecorded() {
        return trustRecorded;
    }

    /** The record's folder, when one was read and the folder in use is another one (for hints), else null. */
    public synchronized Recorded ignoredRecord() {
        Folder f = folder();
        return recorded != null && !recorded.dir().equals(f.path().toAbsolutePath().normalize()) ? recorded : null;
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
            } else if (recorded != null && trustRecorded) {
                chosen = new Folder(recorded.dir(), recorded.origin() + ", " + TRUST_OPTION, true, recorded.pinned());
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
