package dev.chainrule.engine.registry;

import dev.chainrule.engine.base.BadInputException;

/** An unknown, misplaced or duplicated type id. */
public class RegistryException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }
}
