package dev.chainrule.runner.plugins;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.runner.Terminal;
import dev.chainrule.runner.registry.ProviderRegistry;
import dev.chainrule.runner.registry.ProviderSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the providers: the runner's class path ("built-in") first, then every {@code *.jar} directly in
 * the plugins folder ({@link PluginSettings}), in file-name order. Done once, on first use.
 *
 * <p>A jar that cannot be loaded is skipped with a one-line warning on stderr naming it and the cause; if
 * a config then names a type nobody provides, the error says the skipped jar might have provided it. A
 * type id provided twice (two jars, or a jar and a built-in) is always an error naming both.
 */
public final class PluginDiscovery {
    private final PluginSettings settings;
    private final Terminal terminal;
    private List<PluginJar> jars;
    private ProviderRegistry registry;

    public PluginDiscovery(PluginSettings settings, Terminal terminal) {
        this.settings = settings;
        this.terminal = terminal;
    }

    public PluginSettings.Folder folder() {
        return settings.folder();
    }

    /** Every jar of the folder, loaded or broken, in file-name order. */
    public synchronized List<PluginJar> jars() {
        if (jars == null) {
            jars = scan(settings.folder());
            for (PluginJar j : jars) {
                if (j.broken()) {
                    terminal.err().println("warning: " + j.describeProblem() + " (jar skipped)");
                }
            }
            terminal.err().flush();
        }
        return jars;
    }

    /** The jar a registry entry's source names, or null for a built-in. */
    public PluginJar jar(String source) {
        for (PluginJar j : jars()) {
            if (j.shown().equals(source)) {
                return j;
            }
        }
        return null;
    }

    /** The registry over the class path and the loaded jars. */
    public synchronized ProviderRegistry registry() {
        if (registry == null) {
            List<ProviderRegistry.Entry> entries = new ArrayList<>(
                    ProviderRegistry.load(List.of(ProviderSource.builtIn())).entries());
            List<String> unavailable = new ArrayList<>();
            for (PluginJar j : jars()) {
                if (j.broken()) {
                    unavailable.add(j.shown() + " (" + j.problem() + ")");
                    continue;
                }
                for (ComponentProvider p : j.providers()) {
                    entries.add(new ProviderRegistry.Entry(p, j.shown()));
                }
            }
            registry = ProviderRegistry.of(entries).withUnavailable(unavailable);
        }
        return registry;
    }

    /** Loads the jars of {@code folder}; a missing default folder means none. */
    static List<PluginJar> scan(PluginSettings.Folder folder) {
        Path dir = folder.path();
        if (!Files.exists(dir)) {
            if (folder.explicit()) {
                throw new PluginException("plugins folder " + folder.describe() + " does not exist");
            }
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw new PluginException("plugins folder " + folder.describe() + " is not a folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jar") && !Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new PluginException("plugins folder " + folder.describe() + ": cannot list (" + e.getMessage() + ")");
        }
        List<PluginJar> out = new ArrayList<>();
        for (Path f : files) {
            if (!folder.admits(f)) {
                continue; // a run's record lists the jars it may load (PluginSettings.Folder#admits)
            }
            out.add(PluginJars.open(f, f.toString(), PluginJars.apiLoader()));
        }
        return out;
    }
}
