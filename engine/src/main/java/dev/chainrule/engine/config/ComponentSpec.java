package dev.chainrule.engine.config;

import dev.chainrule.api.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code {"type": ..., <options>}} entry of a config (a layer, an activation, a loss): the type id and
 * the provider's own options as plain Java values, {@code type} removed. A network stage may also carry a
 * {@code name} and {@code inputs} (the names it reads; null: the previous stage), docs/graphs.md; both are
 * null for a sequential config, whose JSON is then what it always was. {@code origin} is where the entry
 * came from for messages ({@code network.layers[3]}, or inside a block's use), never written.
 */
public record ComponentSpec(String type, Map<String, Object> options, String name, List<String> inputs, String origin) {
    public ComponentSpec {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        inputs = inputs == null ? null : List.copyOf(inputs);
    }

    public ComponentSpec(String type, Map<String, Object> options) {
        this(type, options, null, null, null);
    }

    public static ComponentSpec of(String type) {
        return new ComponentSpec(type, Map.of());
    }

    /** This entry with other options, its name, inputs and origin kept. */
    public ComponentSpec withOptions(Map<String, Object> opts) {
        return new ComponentSpec(type, opts, name, inputs, origin);
    }

    public Options asOptions() {
        return new Options(options);
    }

    /** The entry as it appears in JSON: name, type and inputs first (when given), then the options. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (name != null) {
            m.put("name", name);
        }
        m.put("type", type);
        if (inputs != null) {
            m.put("inputs", inputs);
        }
        m.putAll(options);
        return m;
    }
}
