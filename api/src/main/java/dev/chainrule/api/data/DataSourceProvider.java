package dev.chainrule.api.data;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.DescribedProvider;
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
    abstract class Base extends DescribedProvider implements DataSourceProvider {
        private final Function<DataContext, DataSet> loader;

        /** A provider whose type id is its class's {@link dev.chainrule.api.Plugin} annotation. */
        protected Base(String description, Function<DataContext, DataSet> loader, OptionSpec... options) {
            super(null, description, List.of(options));
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        protected Base(String type, String description, Function<DataContext, DataSet> loader,
                OptionSpec... options) {
            super(Objects.requireNonNull(type, "type"), description, List.of(options));
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        @Override
        public final DataSet load(DataContext context) {
            checkOptions(context.options());
            DataSet d = loader.apply(context.withType(type()));
            if (d == null) {
                throw new IllegalStateException(type() + ": the loader returned null");
            }
            return d;
        }
    }
}
