package dev.chainrule.engine.config;

import dev.chainrule.api.Options;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code {"type": ..., <options>}} entry of a config (a layer, an activation, a loss): the type id and
 * the provider's own options as plain Java values, {@code type} removed.
 */
public record ComponentSpec(String type, Map<String, Object> options) {
    public ComponentSpec {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public static ComponentSpec of(String type) {
        return new ComponentSpec(type, Map.of());
    }

    public Options asOptions() {
        return new Options(options);
    }

    /** The entry as it appears in JSON: type first, then the options. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.putAll(options);
        return m;
    }
}
