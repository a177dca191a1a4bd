package dev.chainrule.api;

import java.util.List;

/**
 * The small stateless thing {@link java.util.ServiceLoader} finds: a type id and a factory. One line in
 * {@code META-INF/services/<the provider interface>} registers it; {@link Plugin @Plugin("id")} on the class has
 * the api's annotation processor write that line. Type ids are short, lower-case and
 * hyphenated ({@code dense}, {@code softmax-cross-entropy}); a config names them, never a class. The
 * {@code Base} class nested in each provider interface lets a plugin write its type id once.
 */
public interface ComponentProvider {

    /** The unique type id; by default the class's {@link Plugin} annotation. */
    default String type() {
        return annotatedType(getClass());
    }

    /** The id of {@code c}'s {@link Plugin} annotation; throws when it has none. */
    static String annotatedType(Class<?> c) {
        Plugin p = c.getAnnotation(Plugin.class);
        if (p == null) {
            throw new IllegalStateException(c.getName() + " has no @Plugin(\"type-id\") annotation and does not override type()");
        }
        return p.value();
    }

    /** One line for {@code runner plugins} and {@code runner describe}. */
    String description();

    /** The options an entry of this type accepts, typed; the runner rejects any other key. */
    default List<OptionSpec> options() {
        return List.of();
    }

    /**
     * Cases the checks should cover besides their defaults (options and input shapes that matter, such as
     * a stride or several channels). Stages whose input must have a certain rank declare at least one.
     */
    default List<CheckCase> checkCases() {
        return List.of();
    }

    /** The kind, from the provider interface implemented. */
    Kind kind();

    /**
     * The service kinds. {@link #DATA_SOURCE} is the provider interface
     * {@code dev.chainrule.api.data.DataSourceProvider}: it reads the samples a run trains on. {@link #MERGE}
     * (api 3.1, {@link MergeProvider}) joins several stages' outputs into one (add, concat, multiply).
     */
    enum Kind {
        LAYER, ACTIVATION, TRANSFORM, LOSS, OPTIMIZER, DATA_SOURCE, MERGE;

        /** The id used in manifests and listings: lower case, hyphenated ({@code layer}, {@code data-source}). */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** Whether this kind makes a {@link Stage} of the network. */
        public boolean isStage() {
            return this == LAYER || this == ACTIVATION || this == TRANSFORM || this == MERGE;
        }
    }
}
