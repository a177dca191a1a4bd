package dev.chainrule.runner.registry;

import dev.chainrule.runner.BadInputException;

/** An unknown, misplaced or duplicated type id. */
public class RegistryException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }
}
