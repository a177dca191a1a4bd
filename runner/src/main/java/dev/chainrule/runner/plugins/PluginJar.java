package dev.chainrule.runner.plugins;

import dev.chainrule.api.ComponentProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * One plugin jar as the runner found it.
 *
 * @param path the jar
 * @param shown how messages name it (the path as found under the plugins folder, or as the user typed it)
 * @param sha256 the file's SHA-256 (hex), or null when it could not be read
 * @param version {@code Implementation-Version} from the manifest, else the version in the jar's
 *     {@code META-INF/maven/.../pom.properties}, else {@code "unknown"}
 * @param apiVersion the manifest's {@code Chainrule-Api-Version}, or null
 * @param loader the jar's own class loader (parent: the loader holding the api), or null when broken
 * @param providers the providers whose classes the jar itself defines
 * @param problem why the jar was skipped (one line, without the jar's name), or null when it loaded
 */
public record PluginJar(Path path, String shown, String sha256, String version, String apiVersion,
        ClassLoader loader, List<ComponentProvider> providers, String problem) {

    public PluginJar {
        providers = List.copyOf(providers);
    }

    public boolean broken() {
        return problem != null;
    }

    /** {@code plugins/x.jar: not a zip file (...)}: the one-line warning or error. */
    public String describeProblem() {
        return shown + ": " + problem;
    }
}
