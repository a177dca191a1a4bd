package dev.chainrule.engine.config;

import dev.chainrule.engine.base.BadInputException;

/** A bad config: {@code configs/x.json: training.epochs: must be at least 1, got 0}. */
public class ConfigException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String source, String path, String message) {
        super(source + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + message);
    }
}
