package dev.chainrule.engine.plugins;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.ComponentProvider.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One plugin jar as the runner found it: first only inspected (its bytes read, no code run), later perhaps
 * loaded (its providers created), or broken at either step.
 *
 * @param path the jar
 * @param shown how messages name it (the path as found under the plugins folder, or as the user typed it)
 * @param sha256 the file's SHA-256 (hex), or null when it could not be read
 * @param version {@code Implementation-Version} from the manifest, else the version in the jar's
 *     {@code META-INF/maven/.../pom.properties}, else {@code "unknown"}
 * @param apiVersion the api version of its {@value PluginJars#INDEX}, else of its manifest's
 *     {@code Chainrule-Api-Version}, or null
 * @param declared the types that file (else its manifest's {@value PluginJars#TYPES_ATTRIBUTE}) declares, in order, or null
 *     when it declares none (then only loading the jar tells its types)
 * @param loader the jar's own class loader (parent: the loader holding the api), or null when not loaded
 * @param providers the providers whose classes the jar itself defines (empty until loaded)
 * @param problem why the jar was skipped (one line, without the jar's name), or null
 */
public record PluginJar(Path path, String shown, String sha256, String version, String apiVersion,
        Map<String, Kind> declared, ClassLoader loader, List<ComponentProvider> providers, String problem) {

    public PluginJar {
        providers = List.copyOf(providers);
        declared = declared == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(declared));
    }

    public boolean broken() {
        return problem != null;
    }

    /** Its providers exist (its code has run). */
    public boolean loaded() {
        return loader != null && problem == null;
    }

    /** {@code plugins/x.jar: not a zip file (...)}: the one-line warning or error. */
    public String describeProblem() {
        return shown + ": " + problem;
    }

    PluginJar withProblem(String why) {
        return new PluginJar(path, shown, sha256, version, apiVersion, declared, null, List.of(), why);
    }

    PluginJar withProviders(ClassLoader l, List<ComponentProvider> ps) {
        return new PluginJar(path, shown, sha256, version, apiVersion, declared, l, ps, null);
    }
}
