package dev.chainrule.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a provider under its type id, written here once: {@code @Plugin("swish") public final class
 * SwishProvider extends ActivationProvider.Base}. At compile time the api's annotation processor
 * ({@link dev.chainrule.api.processing.PluginProcessor}, found by javac on the class path with no
 * configuration) writes the {@code META-INF/services} line and {@value dev.chainrule.api.processing.PluginProcessor#INDEX},
 * the jar's api version and {@code kind:type} list that the runner reads without running the jar. At run time
 * {@link ComponentProvider#type()} and the providers' {@code Base} classes answer this id.
 *
 * <p>The kind is the provider interface the class implements; the class must be public, concrete, and have a
 * public no-argument constructor (what {@link java.util.ServiceLoader} needs).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Plugin {
    /** The type id a config names: lower-case words joined by '-', such as {@code softmax-cross-entropy}. */
    String value();
}
