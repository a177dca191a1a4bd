package dev.chainrule.datasources;

import dev.chainrule.api.data.DataSourceProvider;

/** Placeholder. */
public final class NpyProvider extends DataSourceProvider.Base {
    public NpyProvider() {
        super("npy", "todo", c -> {
            throw new UnsupportedOperationException();
        });
    }
}
