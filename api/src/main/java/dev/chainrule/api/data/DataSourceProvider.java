package dev.chainrule.api.data;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.OptionSpec;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Service interface for data sources (kind {@code data-source}): a type id such as {@code csv} and a loader.
 * Registered in {@code META-INF/services/dev.chainrule.api.data.DataSourceProvider}.
 */
public interface DataSourceProvider extends ComponentProvider {

    /**
     * Loads the data the options describe.
     *
     * @throws dev.chainrule.api.OptionException for a bad option
     * @throws DataException for bad data (one line naming the file, the place and the value)
     */
    DataSet load(DataContext context);

    @Override
    default Kind kind() {
        return Kind.DATA_SOURCE;
    }

    /**
     * A provider whose type id, description and options are given once, to this constructor. {@link #load}
     * rejects unknown option keys, validates every typed spec, then calls the loader with a context carrying
     * the type id.
     */
    abstract class Base implements DataSourceProvider {
        private final String type;
        private final String description;
        private final Function<DataContext, DataSet> loader;
        private final List<OptionSpec> options;

        /** A provider whose type id is its class's {@link dev.chainrule.api.Plugin} annotation. */
        protected Base(String description, Function<DataContext, DataSet> loader, OptionSpec... options) {
            this.type = ComponentProvider.annotatedType(getClass());
            this.description = Objects.requireNonNull(description, "description");
            this.loader = Objects.requireNonNull(loader, "loader");
            this.options = List.of(options);
        }

        protected Base(String type, String description, Function<DataContext, DataSet> loader,
                OptionSpec... options) {
            this.type = Objects.requireNonNull(type, "type");
            this.description = Objects.requireNonNull(description, "description");
            this.loader = Objects.requireNonNull(loader, "loader");
            this.options = List.of(options);
        }

        @Override
        public final String type() {
            return type;
        }

        @Override
        public final String description() {
            return description;
        }

        @Override
        public final List<OptionSpec> options() {
            return options;
        }

        @Override
        public final DataSet load(DataContext context) {
            context.options().requireKnown(options);
            for (OptionSpec s : options) {
                s.validate(context.options());
            }
            DataSet d = loader.apply(context.withType(type));
            if (d == null) {
                throw new IllegalStateException(type + ": the loader returned null");
            }
            return d;
        }
    }
}
