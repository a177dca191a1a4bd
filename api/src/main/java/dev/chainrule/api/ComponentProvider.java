package dev.chainrule.api;

import java.util.List;

/**
 * The small stateless thing {@link java.util.ServiceLoader} finds: a type id and a factory. One line in
 * {@code META-INF/services/<the provider interface>} registers it. Type ids are short, lower-case and
 * hyphenated ({@code dense}, {@code softmax-cross-entropy}); a config names them, never a class.
 */
public interface ComponentProvider {

    /** The unique type id. */
    String type();

    /** One line for {@code runner plugins} and {@code runner describe}. */
    String description();

    /** The options an entry of this type accepts; the runner rejects any other key. */
    default List<OptionSpec> options() {
        return List.of();
    }

    /** The kind, from the provider interface implemented. */
    Kind kind();

    /** The three service kinds. */
    enum Kind {
        LAYER, ACTIVATION, LOSS;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
