package dev.chainrule.runner.registry;

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

    /** One discovered type. */
    public record Entry(ComponentProvider provider, String source) {
        public String type() {
            return provider.type();
        }

        public Kind kind() {
            return provider.kind();
        }

        public String describe() {
            return provider.getClass().getName() + " (" + source + ")";
        }
    }

    private Map<String, Entry> byType;
    private List<String> unavailable = List.of();
    private java.util.function.Supplier<ProviderRegistry> pending;

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
        return r;
    }

    private synchronized Map<String, Entry> map() {
        if (byType == null) {
            ProviderRegistry r = pending.get();
            unavailable = r.unavailable;
            byType = r.map();
            pending = null;
        }
        return byType;
    }

    /** The provider interfaces {@link ServiceLoader} is run for, one per {@link Kind}. */
    public static final List<Class<? extends ComponentProvider>> SERVICES = List.of(LayerProvider.class,
            ActivationProvider.class, TransformProvider.class, LossProvider.class, OptimizerProvider.class);

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
            String t = e.provider().type();
            if (t == null || !t.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
                throw new RegistryException(e.describe() + ": bad type id '" + t
                        + "'; a type id is lower-case words joined by '-', such as softmax-cross-entropy");
            }
            Entry prev = map.get(t);
            if (prev != null) {
                if (prev.provider().getClass() == e.provider().getClass() && prev.source().equals(e.source())) {
                    continue;
                }
                throw new RegistryException("type '" + t + "' is provided twice: by " + prev.describe()
                        + " and by " + e.describe() + "; remove one of them");
            }
            map.put(t, e);
        }
        return new ProviderRegistry(map);
    }

    /** Every entry, in discovery order. */
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

    /** The entry for a type id, or null. */
    public Entry find(String type) {
        return map().get(type);
    }

    /**
     * The provider of a network stage (a layer, an activation or a transform).
     *
     * @throws RegistryException naming the known stage types and the nearest match
     */
    public ComponentProvider stage(String type) {
        return lookup(type, EnumSet.of(Kind.LAYER, Kind.ACTIVATION, Kind.TRANSFORM),
                "a layer, activation or transform");
    }

    public LossProvider loss(String type) {
        return (LossProvider) lookup(type, EnumSet.of(Kind.LOSS), "a loss");
    }

    public OptimizerProvider optimizer(String type) {
        return (OptimizerProvider) lookup(type, EnumSet.of(Kind.OPTIMIZER), "an optimizer");
    }

    private ComponentProvider lookup(String type, Set<Kind> kinds, String what) {
        Entry e = map().get(type);
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
