package dev.chainrule.engine.plugins;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.registry.ProviderSource;
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
 * <p>No plugin code runs until a type is used (docs/plugins-loading.md): every jar is only
 * {@link PluginJars#inspect inspected}; a jar that declares its types in its manifest is loaded when one of
 * them is first used; jars that declare none are loaded, all at once, only when a type is not found among the
 * built-ins and the declared ones (or for a listing). Loading runs with the time limit of
 * {@link PluginSettings#loadLimit()}.
 *
 * <p>A jar that cannot be read, or an undeclared jar that cannot be loaded, is skipped with a one-line
 * warning on stderr naming it and the cause; if a config then names a type nobody provides, the error says
 * the skipped jar might have provided it. A used type whose jar fails to load is an error naming the jar,
 * the type and the cause. A type id provided twice (two jars, or a jar and a built-in) is always an error
 * naming both.
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

    /** Every jar of the folder in file-name order, as it stands now (inspected, loaded or broken). */
    public synchronized List<PluginJar> jars() {
        if (jars == null) {
            jars = new ArrayList<>(scan(settings.folder()));
            for (PluginJar j : jars) {
                if (j.broken()) {
                    warn(j);
                }
            }
        }
        return List.copyOf(jars);
    }

    private void warn(PluginJar j) {
        terminal.err().println("warning: " + j.describeProblem() + " (jar skipped)");
        terminal.err().flush();
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

    /** Loads the jar shown as {@code source} if it is not yet (with the time limit), and records the result. */
    private synchronized PluginJar load(String source) {
        for (int i = 0; i < jars.size(); i++) {
            PluginJar j = jars.get(i);
            if (j.shown().equals(source)) {
                PluginJar l = PluginJars.load(j, PluginJars.apiLoader(), settings.loadLimit());
                jars.set(i, l);
                return l;
            }
        }
        throw new IllegalStateException("no jar " + source);
    }

    /** The provider of a type {@code source} declares, loading that jar; a failure names jar, type and cause. */
    private ComponentProvider provide(String source, String type) {
        PluginJar j = load(source);
        if (j.broken()) {
            throw new PluginException(source + ": cannot load type '" + type + "': " + j.problem());
        }
        for (ComponentProvider p : j.providers()) {
            if (type.equals(p.type())) {
                return p;
            }
        }
        throw new PluginException(source + ": declares type '" + type + "' but provides no such type");
    }

    /** The registry over the class path and the jars: declared types now, the rest when first needed. */
    public synchronized ProviderRegistry registry() {
        if (registry == null) {
            List<ProviderRegistry.Entry> entries = new ArrayList<>(
                    ProviderRegistry.load(List.of(ProviderSource.builtIn())).entries());
            List<String> unavailable = new ArrayList<>();
            for (PluginJar j : jars()) {
                if (j.broken()) {
                    unavailable.add(j.shown() + " (" + j.problem() + ")");
                } else if (j.declared() != null) {
                    j.declared().forEach((type, kind) -> entries.add(
                            ProviderRegistry.Entry.declared(type, kind, j.shown(), () -> provide(j.shown(), type))));
                }
            }
            registry = ProviderRegistry.of(entries).withUnavailable(unavailable).withUndeclared(this::loadUndeclared);
        }
        return registry;
    }

    /** Loads every jar that does not declare its types; those that fail are warned about and noted. */
    private ProviderRegistry loadUndeclared() {
        List<ProviderRegistry.Entry> entries = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (PluginJar j : jars()) {
            if (j.broken() || j.declared() != null) {
                continue;
            }
            PluginJar l = load(j.shown());
            if (l.broken()) {
                warn(l);
                unavailable.add(l.shown() + " (" + l.problem() + ")");
                continue;
            }
            for (ComponentProvider p : l.providers()) {
                entries.add(new ProviderRegistry.Entry(p, l.shown()));
            }
        }
        return ProviderRegistry.of(entries).withUnavailable(unavailable);
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
            // isDirectory only reads attributes: a FIFO or device named *.jar is listed here and refused by inspect
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
            out.add(PluginJars.inspect(f, f.toString()));
        }
        return out;
    }
}
