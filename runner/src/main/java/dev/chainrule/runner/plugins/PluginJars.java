package dev.chainrule.runner.plugins;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.ApiVersion;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.LossProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import dev.chainrule.runner.registry.ProviderRegistry;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens one plugin jar: checks it is a jar, checks its {@code Chainrule-Api-Version} against
 * {@link ApiVersion}, gives it its own {@link URLClassLoader} whose parent is the loader holding the api
 * (so its classes implement the very same SPI interfaces), and runs {@link ServiceLoader} for the three
 * provider kinds over it, keeping only providers whose class the jar itself defines.
 *
 * <p>Api compatibility: a jar built against api {@code M.m} loads in a runner with api {@code M'.m'} when
 * {@code M == M'} and {@code m <= m'} (minor versions only add). Anything else, or no such manifest entry,
 * marks the jar broken with the reason.
 *
 * <p>Nothing here throws for a bad jar: the result is a {@link PluginJar} with a {@link PluginJar#problem()}
 * naming the cause in one line, so the caller decides whether that is a warning or an error.
 */
public final class PluginJars {
    /** The manifest attribute that records the api a plugin was built against. */
    public static final String API_ATTRIBUTE = "Chainrule-Api-Version";
    /** Class loaders of plugin jars are named this prefix + the jar as shown; stack frames carry the name. */
    public static final String LOADER_PREFIX = "chainrule-plugin ";
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\..*)?");
    private static final List<Class<? extends ComponentProvider>> SERVICES = ProviderRegistry.SERVICES;

    private PluginJars() {
    }

    /** The loader plugin loaders delegate to: the one that defines the api. */
    public static ClassLoader apiLoader() {
        return ApiVersion.class.getClassLoader();
    }

    /** Opens {@code jar} (named {@code shown} in messages) over {@code parent}. */
    public static PluginJar open(Path jar, String shown, ClassLoader parent) {
        String sha;
        try {
            sha = sha256(jar);
        } catch (IOException e) {
            return broken(jar, shown, null, "unknown", null, "cannot read (" + e.getMessage() + ")");
        }
        Manifest manifest;
        String version;
        try (JarFile jf = new JarFile(jar.toFile())) {
            manifest = jf.getManifest();
            version = version(jf, manifest);
        } catch (IOException e) {
            return broken(jar, shown, sha, "unknown", null, "not a jar (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        String api = manifest == null ? null : manifest.getMainAttributes().getValue(API_ATTRIBUTE);
        String apiProblem = checkApi(api);
        if (apiProblem != null) {
            return broken(jar, shown, sha, version, api, apiProblem);
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(LOADER_PREFIX + shown, new URL[] {jar.toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            return broken(jar, shown, sha, version, api, "bad path (" + e.getMessage() + ")");
        }
        List<ComponentProvider> providers = new ArrayList<>();
        for (Class<? extends ComponentProvider> service : SERVICES) {
            try {
                collect(service, loader, providers);
            } catch (ServiceConfigurationError e) {
                close(loader);
                return broken(jar, shown, sha, version, api, explain(service, e));
            } catch (LinkageError e) {
                close(loader);
                return broken(jar, shown, sha, version, api, incompatible(e));
            }
        }
        if (providers.isEmpty()) {
            close(loader);
            return broken(jar, shown, sha, version, api, "declares no provider: add a file META-INF/services/"
                    + LayerProvider.class.getName() + " (or ActivationProvider, TransformProvider, LossProvider, OptimizerProvider) naming the provider class");
        }
        return new PluginJar(jar, shown, sha, version, api, loader, providers, null);
    }

    /** Instantiates only the providers whose class {@code loader} defines (not those seen through its parent). */
    private static <S extends ComponentProvider> void collect(Class<S> service, ClassLoader loader,
            List<ComponentProvider> out) {
        ServiceLoader.load(service, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader)
                .forEach(p -> out.add(p.get()));
    }

    /** Null when a jar built against {@code api} works with this runner, else why not. */
    static String checkApi(String api) {
        if (api == null) {
            return "its manifest has no " + API_ATTRIBUTE + " entry, so the api it was built against is unknown;"
                    + " add '" + API_ATTRIBUTE + ": " + ApiVersion.VERSION + "' (README.md, Write a plugin)";
        }
        Matcher m = VERSION.matcher(api.trim());
        if (!m.matches()) {
            return API_ATTRIBUTE + " '" + api + "' is not a version such as " + ApiVersion.VERSION;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major != ApiVersion.MAJOR) {
            return "built for chainrule api " + api.trim() + " but this runner has api " + ApiVersion.VERSION
                    + " (major versions differ); rebuild the plugin against api " + ApiVersion.MAJOR + ".x"
                    + (major < ApiVersion.MAJOR ? ", see docs/plugins.md#migrating-from-api-" + major : "");
        }
        if (minor > ApiVersion.MINOR) {
            return "built for chainrule api " + api.trim() + ", newer than this runner's api " + ApiVersion.VERSION
                    + "; use a newer runner or rebuild the plugin against api " + ApiVersion.VERSION;
        }
        return null;
    }

    private static String explain(Class<?> service, ServiceConfigurationError e) {
        String file = "META-INF/services/" + service.getName();
        Throwable cause = e.getCause();
        String msg = String.valueOf(e.getMessage());
        Matcher notFound = Pattern.compile("Provider (\\S+) not found").matcher(msg);
        if (notFound.find()) {
            return file + " names class " + notFound.group(1) + ", which is not in the jar";
        }
        Matcher notSub = Pattern.compile("Provider (\\S+) not a subtype").matcher(msg);
        if (notSub.find()) {
            return "class " + notSub.group(1) + " in " + file + " does not implement " + service.getName()
                    + " of this runner's api (is a copy of the api inside the jar? depend on it with scope provided)";
        }
        Matcher inst = Pattern.compile("Provider (\\S+) could not be instantiated").matcher(msg);
        if (inst.find()) {
            Throwable c = cause;
            if (c instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null) {
                c = ite.getCause();
            }
            if (c instanceof LinkageError le) {
                return "provider " + inst.group(1) + ": " + incompatible(le);
            }
            return "provider " + inst.group(1) + " could not be created: its constructor threw " + oneLine(c);
        }
        if (cause instanceof LinkageError le) {
            return incompatible(le);
        }
        return file + ": " + msg.replaceFirst("^" + Pattern.quote(service.getName()) + ": ", "")
                + (cause == null ? "" : " (" + oneLine(cause) + ")");
    }

    /** The one-line cause for a class compiled against something this runner lacks. */
    public static String incompatible(LinkageError e) {
        String hint = e instanceof UnsupportedClassVersionError
                ? "compiled for a newer Java than this runner's " + Runtime.version().feature()
                : "incompatible with this runner's api " + ApiVersion.VERSION + "; rebuild the plugin against it";
        return hint + " (" + oneLine(e) + ")";
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static PluginJar broken(Path jar, String shown, String sha, String version, String api, String problem) {
        return new PluginJar(jar, shown, sha, version, api, null, List.of(), problem);
    }

    private static void close(URLClassLoader l) {
        try {
            l.close();
        } catch (IOException ignored) {
            // only releases the file handle; the jar is already reported broken
        }
    }

    private static String version(JarFile jf, Manifest manifest) throws IOException {
        if (manifest != null) {
            String v = manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        Enumeration<JarEntry> es = jf.entries();
        while (es.hasMoreElements()) {
            JarEntry e = es.nextElement();
            if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                Properties p = new Properties();
                try (InputStream in = jf.getInputStream(e)) {
                    p.load(in);
                }
                if (p.getProperty("version") != null) {
                    return p.getProperty("version");
                }
            }
        }
        return "unknown";
    }

    /** The hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
