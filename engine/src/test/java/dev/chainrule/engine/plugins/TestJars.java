package dev.chainrule.engine.plugins;

import dev.chainrule.api.ActivationProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Plugin jars for tests outside this package (the builder itself stays package-private). */
public final class TestJars {
    private TestJars() {
    }

    /**
     * A working activation plugin of type {@code type} whose provider, when the jar is loaded, writes
     * {@code marker}: the marker's existence proves the runner ran the jar's code.
     */
    public static Path canary(Path jar, String type, Path marker) throws IOException {
        String pkg = "com.acme.canary" + Integer.toHexString(type.hashCode() & 0xfffffff);
        String ctor = "try { java.nio.file.Files.writeString(java.nio.file.Path.of(\""
                + marker.toAbsolutePath().toString().replace("\\", "\\\\") + "\"), \"ran\"); } "
                + "catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }";
        Files.createDirectories(jar.getParent());
        return new PluginJarBuilder()
                .source(pkg + ".P", TestPlugins.activation(pkg, type, 1.0, ctor, ""))
                .service(ActivationProvider.class, pkg + ".P")
                .build(jar);
    }
}
