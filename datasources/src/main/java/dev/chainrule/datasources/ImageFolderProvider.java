package dev.chainrule.datasources;

import dev.chainrule.api.data.DataSourceProvider;

/** Placeholder. */
public final class ImageFolderProvider extends DataSourceProvider.Base {
    public ImageFolderProvider() {
        super("image-folder", "todo", c -> {
            throw new UnsupportedOperationException();
        });
    }
}
