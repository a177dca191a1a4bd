package dev.chainrule.engine.plugins;

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
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import dev.chainrule.api.ComponentProvider.Kind;
import dev.chainrule.api.OptionSpec;
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
import dev.chainrule.engine.registry.ProviderRegistry;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and loads plugin jars, in two steps so that a jar's code runs only when one of its types is used.
 *
 * <p>{@link #inspect} runs no plugin code: it refuses anything but a regular file of at most
 * {@value #MAX_JAR_MB} MB (symlinks followed, so a link to {@code /dev/zero} or a FIFO is refused before it is
 * opened), computes the SHA-256, reads {@value #INDEX} (written at the plugin's build by the api's
 * {@code @Plugin} annotation processor: {@code api-version}, checked against {@link ApiVersion}, and
 * {@code types}, the types the jar declares) or, in a jar without it, the same two things from the manifest
 * ({@code Chainrule-Api-Version}, {@value #TYPES_ATTRIBUTE}), and the names of the {@code META-INF/services} files.
 *
 * <p>{@link #load} gives the jar its own {@link URLClassLoader} whose parent is the loader holding the api
 * (so its classes implement the very same SPI interfaces) and runs {@link ServiceLoader} for the three
 * provider kinds over it, keeping only providers whose class the jar itself defines, then asks each
 * provider once for its type, kind, description and options, so that a provider that throws or answers
 * null is named now, as the jar's problem, and not later as an internal error. It runs on a daemon thread
 * of its own with a time limit: a static initializer that never returns leaves that thread behind, and the
 * jar is reported as hanging. A jar that declares its types must provide exactly those.
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
    /** The manifest attribute that declares a jar's types: {@code activation:swish, loss:hinge}. */
    public static final String TYPES_ATTRIBUTE = "Chainrule-Types";
    /**
     * The resource the api's annotation processor writes from the providers' {@code @Plugin} annotations:
     * {@code api-version} and {@code types} (as {@value #TYPES_ATTRIBUTE}); read instead of the manifest entries
     * when present.
     */
    public static final String INDEX = dev.chainrule.api.processing.PluginProcessor.INDEX;
    /** The largest {@value #INDEX} read, in bytes. */
    static final int MAX_INDEX_BYTES = 1 << 16;
    /** Class loaders of plugin jars are named this prefix + the jar as shown; stack frames carry the name. */
    public static final String LOADER_PREFIX = dev.chainrule.engine.registry.ProviderOrigin.LOADER_PREFIX;
    /** Threads that load a jar are named this prefix + the jar as shown. */
    public static final String THREAD_PREFIX = "chainrule-plugin-loading ";
    /** The largest plugin jar read, in MB: a jar is read whole for its SHA-256. */
    public static final int MAX_JAR_MB = 256;
    /** How long loading one jar may take unless {@code CHAINRULE_PLUGIN_TIMEOUT} says otherwise. */
    public static final Duration DEFAULT_LOAD_LIMIT = Duration.ofSeconds(20);
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\..*)?");
    private static final Pattern TYPE_ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final List<Class<? extends ComponentProvider>> SERVICES = ProviderRegistry.SERVICES;

    private PluginJars() {
    }

    /** The loader plugin loaders delegate to: the one that defines the api. */
    public static ClassLoader apiLoader() {
        return ApiVersion.class.getClassLoader();
    }

    /** Inspects and loads {@code jar} (named {@code shown} in messages) over {@code parent}. */
    public static PluginJar open(Path jar, String shown, ClassLoader parent) {
        return load(inspect(jar, shown), parent, DEFAULT_LOAD_LIMIT);
    }

    /** Reads {@code jar} without running any of its code. */
    public static PluginJar inspect(Path jar, String shown) {
        PluginJar none = new PluginJar(jar, shown, null, "unknown", null, null, null, List.of(), null);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(jar, BasicFileAttributes.class);
        } catch (IOException e) {
            return none.withProblem("cannot read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        if (!attrs.isRegularFile()) {
            return none.withProblem("not a regular file (" + (attrs.isDirectory() ? "a folder" : "a device, FIFO or socket")
                    + "); a plugin jar must be a file");
        }
        if (attrs.size() > (long) MAX_JAR_MB << 20) {
            return none.withProblem(attrs.size() + " bytes, more than the " + MAX_JAR_MB + " MB a plugin jar may have");
        }
        String sha;
        try {
            sha = sha256(jar);
        } catch (IOException e) {
            return none.withProblem("cannot read (" + e.getMessage() + ")");
        }
        Manifest manifest;
        String version;
        boolean anyService = false;
        Properties index = null;
        try (JarFile jf = new JarFile(jar.toFile())) {
            manifest = jf.getManifest();
            version = version(jf, manifest);
            for (Class<?> s : SERVICES) {
                anyService |= jf.getJarEntry("META-INF/services/" + s.getName()) != null;
            }
            JarEntry ie = jf.getJarEntry(INDEX);
            if (ie != null) {
                index = new Properties();
                try (InputStream in = jf.getInputStream(ie)) {
                    byte[] bytes = in.readNBytes(MAX_INDEX_BYTES + 1);
                    if (bytes.length > MAX_INDEX_BYTES) {
                        return new PluginJar(jar, shown, sha, version, null, null, null, List.of(),
                                INDEX + " is larger than " + MAX_INDEX_BYTES + " bytes");
                    }
                    index.load(new java.io.StringReader(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException | RuntimeException e) {
            return new PluginJar(jar, shown, sha, "unknown", null, null, null, List.of(), "not a jar ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        // the annotation processor's file when there is one, else the manifest entries (jars built before it)
        String api = index != null ? index.getProperty("api-version")
                : manifest == null ? null : manifest.getMainAttributes().getValue(API_ATTRIBUTE);
        PluginJar j = new PluginJar(jar, shown, sha, version, api, null, null, List.of(), null);
        String apiProblem = index != null && api == null ? INDEX + " has no api-version entry; rebuild the jar against"
                + " the api " + ApiVersion.VERSION + " (its annotation processor writes the file)" : checkApi(api);
        if (apiProblem != null) {
            return j.withProblem(apiProblem);
        }
        if (!anyService) {
            return j.withProblem(NO_PROVIDER);
        }
        String types = index != null ? index.getProperty("types", "") : manifest.getMainAttributes().getValue(TYPES_ATTRIBUTE);
        if (types == null) {
            return j;
        }
        Map<String, Kind> declared = new LinkedHashMap<>();
        for (String item : types.trim().split("[,\\s]+")) {
            int colon = item.indexOf(':');
            Kind kind = colon < 0 ? null : kindOf(item.substring(0, colon));
            String type = colon < 0 ? item : item.substring(colon + 1);
            if (kind == null || !TYPE_ID.matcher(type).matches() || declared.containsKey(type)) {
                return j.withProblem((index != null ? INDEX + " types" : TYPES_ATTRIBUTE) + " entry '" + item + "' is not KIND:TYPE once per type, KIND one of "
                        + kindIds() + " (such as activation:swish)");
            }
            declared.put(type, kind);
        }
        return new PluginJar(jar, shown, sha, version, api, declared, null, List.of(), null);
    }

    private static final String NO_PROVIDER = "declares no provider: add a file META-INF/services/"
            + LayerProvider.class.getName() + " (or ActivationProvider, TransformProvider, LossProvider, OptimizerProvider)"
            + " naming the provider class";

    private static Kind kindOf(String id) {
        for (Kind k : Kind.values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        return null;
    }

    private static String kindIds() {
        List<String> ids = new ArrayList<>();
        for (Kind k : Kind.values()) {
            ids.add(k.id());
        }
        return String.join(", ", ids);
    }

    /**
     * Creates the providers of an inspected jar on a thread of their own, waiting at most {@code limit};
     * returns the jar loaded or broken (a broken or loaded jar is returned as it is).
     */
    public static PluginJar load(PluginJar j, ClassLoader parent, Duration limit) {
        if (j.broken() || j.loaded()) {
            return j;
        }
        AtomicReference<PluginJar> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(loadHere(j, parent)), THREAD_PREFIX + j.shown());
        t.setDaemon(true);
        t.start();
        try {
            t.join(Math.max(1, limit.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return j.withProblem("loading was interrupted");
        }
        if (t.isAlive()) {
            // The thread cannot be stopped; as a daemon it does not keep the runner alive.
            t.interrupt();
            return j.withProblem("did not finish loading within " + seconds(limit) + " (a static initializer or "
                    + "provider constructor that does not return?); if it is only slow, raise the limit with "
                    + PluginSettings.TIMEOUT_ENV + "=SECONDS");
        }
        PluginJar r = result.get();
        return r == null ? j.withProblem("loading ended without a result") : r;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static PluginJar loadHere(PluginJar j, ClassLoader parent) {
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(LOADER_PREFIX + j.shown(), new URL[] {j.path().toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            return j.withProblem("bad path (" + e.getMessage() + ")");
        }
        List<ComponentProvider> providers = new ArrayList<>();
        String problem = null;
        for (Class<? extends ComponentProvider> service : SERVICES) {
            try {
                collect(service, loader, providers);
            } catch (ServiceConfigurationError e) {
                problem = explain(service, e);
            } catch (ExceptionInInitializerError e) {
                problem = initializerThrew(null, e);
            } catch (LinkageError e) {
                problem = incompatible(e);
            } catch (Throwable e) { // a hostile or broken jar: whatever it throws is its problem, not the runner's
                problem = "loading threw " + oneLine(e);
            }
            if (problem != null) {
                close(loader);
                return j.withProblem(problem);
            }
        }
        if (providers.isEmpty()) {
            close(loader);
            return j.withProblem(NO_PROVIDER);
        }
        Map<String, Kind> given = new LinkedHashMap<>();
        for (ComponentProvider p : providers) {
            problem = answers(p);
            if (problem == null && j.declared() != null) {
                given.put(p.type(), p.kind());
            }
            if (problem != null) {
                close(loader);
                return j.withProblem(problem);
            }
        }
        if (j.declared() != null && !given.equals(j.declared())) {
            close(loader);
            if (loader.findResource(INDEX) != null) {
                return j.withProblem("its " + INDEX + " declares " + pairs(j.declared()) + " but its providers give "
                        + pairs(given) + "; give every provider class @Plugin and rebuild the jar");
            }
            return j.withProblem("its manifest declares " + TYPES_ATTRIBUTE + ": " + pairs(j.declared())
                    + " but its providers give " + pairs(given) + "; make them agree");
        }
        return j.withProviders(loader, providers);
    }

    private static String pairs(Map<String, Kind> m) {
        List<String> out = new ArrayList<>();
        m.forEach((t, k) -> out.add(k.id() + ":" + t));
        return out.isEmpty() ? "(none)" : String.join(", ", out);
    }

    /** Null when the provider answers type, kind, description and options sensibly, else what is wrong. */
    private static String answers(ComponentProvider p) {
        String cls = p.getClass().getName();
        String type;
        try {
            type = p.type();
        } catch (Throwable e) {
            return "provider " + cls + ": type() threw " + oneLine(e);
        }
        if (type == null || !TYPE_ID.matcher(type).matches()) {
            return "provider " + cls + ": type() returned " + (type == null ? "null" : "'" + printable(type) + "'")
                    + "; a type id is lower-case words joined by '-', such as softmax-cross-entropy";
        }
        String where = "provider " + cls + " (type '" + type + "')";
        String step = "kind()";
        try {
            if (p.kind() == null) {
                return where + ": kind() returned null";
            }
            step = "description()";
            p.description();
            step = "options()";
            List<OptionSpec> opts = p.options();
            if (opts == null) {
                return where + ": options() returned null; return List.of() when there are none";
            }
            for (OptionSpec o : opts) {
                if (o == null) {
                    return where + ": options() holds a null entry";
                }
            }
        } catch (Throwable e) {
            return where + ": " + step + " threw " + oneLine(e);
        }
        return null;
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String initializerThrew(String provider, ExceptionInInitializerError e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        return (provider == null ? "a class's" : "provider " + provider + ":") + " static initializer threw " + oneLine(c);
    }

    /** Instantiates only the providers whose class {@code loader} defines (not those seen through its parent). */
    private static <S extends ComponentProvider> void collect(Class<S> service, ClassLoader loader,
            List<ComponentProvider> out) {
        ServiceLoader.load(service, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader)
                .forEach(p -> out.add(p.get()));
    }

    /** The plugin jar (as shown) whose class loader defined {@code o}'s class, or null for the runner's own. */
    public static String jarOf(Object o) {
        return dev.chainrule.engine.registry.ProviderOrigin.jarOf(o);
    }

    /** Null when a jar built against {@code api} works with this runner, else why not. */
    static String checkApi(String api) {
        if (api == null) {
            return "its manifest has no " + API_ATTRIBUTE + " entry, so the api it was built against is unknown;"
                    + " add '" + API_ATTRIBUTE + ": " + ApiVersion.VERSION + "' (docs/plugins.md#build-a-jar-and-drop-it-in)";
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
            if (c instanceof ExceptionInInitializerError eie) {
                return initializerThrew(inst.group(1), eie);
            }
            if (c instanceof NoClassDefFoundError nc && String.valueOf(nc.getMessage()).startsWith("Could not initialize")) {
                return "provider " + inst.group(1) + ": its static initializer failed (" + oneLine(nc) + ")";
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
