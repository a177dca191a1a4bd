package dev.chainrule.testkit;

import dev.chainrule.api.Options;

/**
 * Options a provider must reject with an {@code OptionException} whose key is {@code key} and whose message
 * contains {@code messageFragment}.
 */
public record BadOption(Options options, String key, String messageFragment) {
}
