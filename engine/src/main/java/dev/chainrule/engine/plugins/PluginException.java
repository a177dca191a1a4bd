package dev.chainrule.engine.plugins;

import dev.chainrule.engine.base.BadInputException;

/** A plugin folder or jar the runner cannot use; the message names the folder or jar and the cause. */
public class PluginException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }
}
