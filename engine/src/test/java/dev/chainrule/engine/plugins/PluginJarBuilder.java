package dev.chainrule.engine.plugins;

import dev.chainrule.api.ApiVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars in-process, as the example's pom would: javac (javax.tools) against the api alone, with
 * the api's annotation processor (which writes the {@code META-INF/services} files and
 * {@value PluginJars#INDEX} for {@code @Plugin} classes), then a jar with a manifest ({@code Implementation-Version};
 * {@code Chainrule-Api-Version} too unless it is an example's) and the services files given by hand. No Maven,
 * no network, no local repository.
 */
public final class PluginJarBuilder {
    /** The example plugin's folder, from the runner module's folder (surefire's working directory). */
    public static final Path EXAMPLE = Path.of("..", "examples", "plugin-swish").toAbsolutePath().normalize();

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<Path> sourceRoots = new ArrayList<>();
    private final Map<String, String> services = new LinkedHashMap<>();
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final List<String> leaveOut = new ArrayList<>();

    public PluginJarBuilder() {
        manifest.put("Chainrule-Api-Version", ApiVersion.VERSION);
        manifest.put("Implementation-Version", "0.1.0");
    }

    /** The example optimizer plugin's folder. */
    public static final Path LION = Path.of("..", "examples", "optimizer-lion").toAbsolutePath().normalize();

    /** The example plugin, from its sources and services files. */
    public static PluginJarBuilder example() throws IOException {
        return example(EXAMPLE);
    }

    /** Another example under {@code examples/}, such as {@code plugin-avgpool}. */
    public static PluginJarBuilder example(String folder) throws IOException {
        return example(EXAMPLE.resolveSibling(folder));
    }

    /**
     * An example plugin folder's sources (main only). Its {@code META-INF/services} files and
     * {@value PluginJars#INDEX} come from the api's annotation processor, which javac finds on the class path
     * (the api) as it does in the example's own Maven build; the manifest gets no Chainrule entry.
     */
    public static PluginJarBuilder example(Path folder) throws IOException {
        PluginJarBuilder b = new PluginJarBuilder();
        b.manifest.remove(PluginJars.API_ATTRIBUTE);
        b.sourceRoots.add(folder.resolve("src/main/java"));
        return b;
    }

    /** A class by its fully qualified name. */
    public PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** One line in META-INF/services/{@code service} (appended). */
    public PluginJarBuilder service(Class<?> service, String providerClass) {
        services.merge(service.getName(), providerClass + "\n", String::concat);
        return this;
    }

    public PluginJarBuilder manifest(String key, String value) {
        if (value == null) {
            manifest.remove(key);
        } else {
            manifest.put(key, value);
        }
        return this;
    }

    /** Compiles a class but leaves it out of the jar (it stands for api the runner lacks). */
    public PluginJarBuilder leaveOut(String className) {
        leaveOut.add(className);
        return this;
    }

    public Path build(Path jar) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "javac");
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> files = new ArrayList<>();
        for (Path root : sourceRoots) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toString()));
            }
        }
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // no -processor list: javac finds the api's @Plugin processor on the class path, as a plugin's build does
        // (-proc:full: so it also does on JDK 23+, where that search is off unless asked for)
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:full", "-encoding", "UTF-8",
                "-classpath", apiLocation().toString(), "-d", classes.toString()));
        args.addAll(files);
        StringWriter log = new StringWriter();
        int rc = javac.run(null, new OutputStream() {
            @Override
            public void write(int b) {
                log.write(b);
            }
        }, new OutputStream() {
            @Override
            public void write(int b) {
                log.write(b);
            }
        }, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed: " + log);
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                Stream<Path> s = Files.walk(classes)) {
            Map<String, String> extra = new LinkedHashMap<>(services);
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                String cls = name.replaceFirst("\\.class$", "").replace('/', '.');
                if (leaveOut.contains(cls)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(f);
                String byHand = name.startsWith("META-INF/services/") ? extra.remove(name.substring(18)) : null;
                if (byHand != null) { // the processor's lines, then those given by hand
                    bytes = (new String(bytes, StandardCharsets.UTF_8) + byHand).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new JarEntry(name));
                out.write(bytes);
                out.closeEntry();
            }
            for (var e : extra.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** The api's classes folder or jar, as the runner's tests see it. */
    public static Path apiLocation() {
        try {
            return Path.of(ApiVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
