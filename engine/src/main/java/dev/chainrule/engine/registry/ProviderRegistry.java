package dev.chainrule.engine.registry;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.ComponentProvider.Kind;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.TransformProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every layer, activation and loss type the runner knows, by type id, each with the source it was loaded
 * from. Built from a list of {@link ProviderSource}s (the class path first, plugin jars after); type ids
 * are unique across all kinds and sources — a duplicate is an error naming both providers, never a silent
 * pick.
 */
public final class ProviderRegistry {

    /**
     * One discovered type. A plugin jar that declares its types in its manifest gives entries whose
     * provider is created only when first asked for ({@link #provider()}), so that a jar no config uses never
     * runs; type, kind and source are known without it.
     */
    public static final class Entry {
        private final String type;
        private final Kind kind;
        private final String source;
        private final java.util.function.Supplier<ComponentProvider> create;
        private ComponentProvider provider;

        /** A provider that exists already (built-in, or from a loaded jar). */
        public Entry(ComponentProvider provider, String source) {
            this.provider = provider;
            this.type = provider.type();
            this.kind = provider.kind();
            this.source = source;
            this.create = null;
        }

        private Entry(String type, Kind kind, String source, java.util.function.Supplier<ComponentProvider> create) {
            this.type = type;
            this.kind = kind;
            this.source = source;
            this.create = create;
        }

        /** A type a jar declares; {@code create} loads the jar and returns the provider (or throws, naming why). */
        public static Entry declared(String type, Kind kind, String source,
                java.util.function.Supplier<ComponentProvider> create) {
            return new Entry(type, kind, source, create);
        }

        /** The provider, created on first use for a declared type. */
        public synchronized ComponentProvider provider() {
            if (provider == null) {
                provider = create.get();
            }
            return provider;
        }

        /** Whether {@link #provider()} runs no plugin code any more. */
        public synchronized boolean created() {
            return provider != null;
        }

        public String type() {
            return type;
        }

        public Kind kind() {
            return kind;
        }

        public String source() {
            return source;
        }

        public String describe() {
            ComponentProvider p;
            synchronized (this) {
                p = provider;
            }
            return p == null ? "the types declared (without running it) by " + source : p.getClass().getName() + " (" + source + ")";
        }
    }

    private Map<String, Entry> byType;
    private List<String> unavailable = List.of();
    private java.util.function.Supplier<ProviderRegistry> pending;
    /** Loads the plugin jars that do not declare their types, once, on the first type not found otherwise. */
    private java.util.function.Supplier<ProviderRegistry> more;

    private ProviderRegistry(Map<String, Entry> byType) {
        this.byType = Collections.unmodifiableMap(byType);
    }

    private ProviderRegistry(java.util.function.Supplier<ProviderRegistry> pending) {
        this.pending = pending;
    }

    /**
     * A registry built on first use by {@code discover}: the plugins folder is only known once the command
     * line (and perhaps the config file) has been read, after the commands were created.
     */
    public static ProviderRegistry lazy(java.util.function.Supplier<ProviderRegistry> discover) {
        return new ProviderRegistry(discover);
    }

    /**
     * This registry with notes about plugin jars that could not be loaded (e.g. {@code plugins/x.jar (not a
     * zip file)}); an unknown type's message mentions them, since one of them might have provided it.
     */
    public ProviderRegistry withUnavailable(List<String> notes) {
        ProviderRegistry r = new ProviderRegistry(map());
        r.unavailable = List.copyOf(notes);
        r.more = more;
        return r;
    }

    /**
     * This registry with a last resort: {@code load} gives the entries of the jars that do not declare their
     * types (and notes on those that failed); it runs once, when a type is not found or every entry is asked for.
     */
    public ProviderRegistry withUndeclared(java.util.function.Supplier<ProviderRegistry> load) {
        ProviderRegistry r = new ProviderRegistry(map());
        r.unavailable = unavailable;
        r.more = load;
        return r;
    }

    private synchronized Map<String, Entry> map() {
        if (byType == null) {
            ProviderRegistry r = pending.get();
            unavailable = r.unavailable;
            more = r.more;
            byType = r.map();
            pending = null;
        }
        return byType;
    }

    /** Loads the undeclared jars (once) and merges their entries; duplicates are an error naming both. */
    private synchronized Map<String, Entry> loadMore() {
        Map<String, Entry> m = map();
        if (more != null) {
            java.util.function.Supplier<ProviderRegistry> load = more;
            more = null;
            ProviderRegistry extra = load.get();
            List<Entry> all = new ArrayList<>(m.values());
            all.addAll(extra.map().values());
            byType = of(all).map();
            List<String> notes = new ArrayList<>(unavailable);
            notes.addAll(extra.unavailable);
            unavailable = List.copyOf(notes);
        }
        return byType;
    }

    /**
     * Every entry with its provider created: loads every plugin jar (for listings). A jar that fails is
     * left out here; its problem is in {@link #unavailable()} or thrown by its entry's provider().
     */
    public List<Entry> loadAll() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : loadMore().values()) {
            try {
                e.provider();
                out.add(e);
            } catch (RuntimeException ex) {
                // a declared jar that fails to load: the caller lists jars and their problems itself
            }
        }
        return out;
    }

    /** The notes on jars that could not be loaded. */
    public synchronized List<String> unavailable() {
        map();
        return unavailable;
    }

    /** The provider interfaces {@link ServiceLoader} is run for, one per {@link Kind}. */
    public static final List<Class<? extends ComponentProvider>> SERVICES = List.of(LayerProvider.class,
            ActivationProvider.class, TransformProvider.class, LossProvider.class, OptimizerProvider.class,
            dev.chainrule.api.data.DataSourceProvider.class, dev.chainrule.api.MergeProvider.class);

    /** Runs {@link ServiceLoader} for every provider kind over each source, in order. */
    public static ProviderRegistry load(List<ProviderSource> sources) {
        List<Entry> entries = new ArrayList<>();
        for (ProviderSource s : sources) {
            for (Class<? extends ComponentProvider> service : SERVICES) {
                try {
                    for (ComponentProvider p : ServiceLoader.load(service, s.loader())) {
                        if (s.ownOnly() && p.getClass().getClassLoader() != s.loader()) {
                            continue;
                        }
                        entries.add(new Entry(p, s.description()));
                    }
                } catch (ServiceConfigurationError e) {
                    throw new RegistryException(s.description() + ": cannot load a " + service.getSimpleName()
                            + ": " + e.getMessage());
                }
            }
        }
        return of(entries);
    }

    /** The class path alone. */
    public static ProviderRegistry builtIn() {
        return load(List.of(ProviderSource.builtIn()));
    }

    /** A registry of the given entries; rejects duplicate or malformed type ids. */
    public static ProviderRegistry of(List<Entry> entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry e : entries) {
            String t = e.type();
            if (t == null || !t.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
                throw new RegistryException(e.describe() + ": bad type id '" + t
                        + "'; a type id is lower-case words joined by '-', such as softmax-cross-entropy");
            }
            Entry prev = map.get(t);
            if (prev != null) {
                if (prev == e || prev.source().equals(e.source()) && prev.created() && e.created()
                        && prev.provider().getClass() == e.provider().getClass()) {
                    continue;
                }
                throw new RegistryException("type '" + t + "' is provided twice: by " + prev.describe()
                        + " and by " + e.describe() + "; remove one of them");
            }
            map.put(t, e);
        }
        return new ProviderRegistry(map);
    }

    /** Every entry known without running plugin code (not yet those of jars that do not declare their types). */
    public List<Entry> entries() {
        return List.copyOf(map().values());
    }

    /** The type ids of the given kinds, sorted. */
    public Set<String> types(Set<Kind> kinds) {
        Set<String> out = new TreeSet<>();
        for (Entry e : map().values()) {
            if (kinds.contains(e.kind())) {
                out.add(e.type());
            }
        }
        return out;
    }

    /** The entry for a type id, or null; a type not found otherwise loads the jars that do not declare theirs. */
    public Entry find(String type) {
        Entry e = map().get(type);
        return e != null ? e : loadMore().get(type);
    }

    /**
     * The provider of a network stage (a layer, an activation or a transform).
     *
     * @throws RegistryException naming the known stage types and the nearest match
     */
    public ComponentProvider stage(String type) {
        return lookup(type, EnumSet.of(Kind.LAYER, Kind.ACTIVATION, Kind.TRANSFORM, Kind.MERGE),
                "a layer, activation, transform or merge");
    }

    public LossProvider loss(String type) {
        return (LossProvider) lookup(type, EnumSet.of(Kind.LOSS), "a loss");
    }

    public OptimizerProvider optimizer(String type) {
        return (OptimizerProvider) lookup(type, EnumSet.of(Kind.OPTIMIZER), "an optimizer");
    }

    public dev.chainrule.api.data.DataSourceProvider dataSource(String type) {
        return (dev.chainrule.api.data.DataSourceProvider) lookup(type, EnumSet.of(Kind.DATA_SOURCE), "a data source");
    }

    private ComponentProvider lookup(String type, Set<Kind> kinds, String what) {
        Entry e = find(type);
        Set<String> known = types(kinds);
        if (e == null) {
            String skipped = "";
            if (!unavailable.isEmpty()) {
                skipped = "; " + String.join(", ", unavailable) + (unavailable.size() == 1 ? " was" : " were")
                        + " skipped and might provide it";
            }
            throw new RegistryException("unknown type '" + type + "'; known: " + String.join(", ", known)
                    + Levenshtein.hint(type, known) + skipped);
        }
        if (!kinds.contains(e.kind())) {
            throw new RegistryException("'" + type + "' is a " + e.kind().id() + ", not " + what + "; known: "
                    + String.join(", ", known));
        }
        return e.provider();
    }
}
