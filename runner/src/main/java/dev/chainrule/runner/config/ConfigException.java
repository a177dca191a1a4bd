package dev.chainrule.runner.config;

import dev.chainrule.runner.BadInputException;

/** A bad config: {@code configs/x.json: training.epochs: must be at least 1, got 0}. */
public class ConfigException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String source, String path, String message) {
        super(source + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + message);
    }
}
