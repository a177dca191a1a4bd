package dev.chainrule.runner;

import dev.chainrule.engine.base.BadInputException;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules the package-info.java files describe, checked on the compiled classes so
 * that a change which breaks them fails the build. ArchUnit fails a rule that matches no class, so none of
 * these passes because a package was renamed away.
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class ArchitectureTest {
    private static final String ENGINE = "dev.chainrule.engine";

    /**
     * Each engine package and the engine packages it may use (its own, the JDK and libraries are always
     * allowed). Read top-down this is the run: the pipeline and the output side, then config, plugins and
     * training, then the registry, data and files at the bottom; {@code base} holds the exceptions that decide
     * exit codes and the terminal.
     */
    static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            Map.entry("base", Set.of()),
            Map.entry("network", Set.of()), // the chain and reverse mode, over the api alone
            Map.entry("io", Set.of("base")), // SafeFiles refuses with BadInputException
            Map.entry("data", Set.of("base", "io")),
            Map.entry("registry", Set.of("base")),
            Map.entry("plugins", Set.of("base", "io", "registry")),
            Map.entry("config", Set.of("base", "io", "network", "registry")),
            Map.entry("pipeline", Set.of("config", "plugins", "registry")),
            Map.entry("train", Set.of("base", "config", "data", "io", "network", "registry")),
            Map.entry("timing", Set.of("config", "network", "registry", "train")),
            Map.entry("output", Set.of("base", "config", "network", "plugins", "train", "io")),
            Map.entry("report", Set.of("network", "train", "io", "output")),
            Map.entry("predict", Set.of("base", "config", "io", "output", "plugins", "report")),
            Map.entry("explain", Set.of("base", "config", "network", "pipeline", "train")),
            Map.entry("interop", Set.of("base", "config", "io", "network", "output", "plugins", "registry")),
            Map.entry("cluster", Set.of("base", "sweep", "train")), // the spark module's seam (ServiceLoader)
            Map.entry("sweep", Set.of("", "base", "config", "io", "train")), // runner sweep: each variant a facade run
            Map.entry("run", Set.of("base", "config", "io", "network", "output", "pipeline", "plugins", "registry",
                    "report", "train")),
            // the facade: a Java program's way in
            Map.entry("", Set.of("base", "config", "network", "output", "pipeline", "plugins", "predict", "registry",
                    "report", "run", "train"))));

    /** Main classes only: not test classes, nor the engine's test-jar of shared test helpers. */
    private static final ImportOption MAIN_ONLY = location -> ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location)
            && !location.contains("-tests.jar");

    private static JavaClasses all;
    private static JavaClasses engine;

    @BeforeAll
    static void importClasses() {
        all = new ClassFileImporter().withImportOption(MAIN_ONLY)
                .importPackages("dev.chainrule");
        engine = new ClassFileImporter().withImportOption(MAIN_ONLY)
                .importPackages(ENGINE);
    }

    /** No cycle among any of the project's packages, in any module. */
    @Test
    void noPackageCycleAnywhere() {
        slices().assignedFrom(new PackageSlices()).should().beFreeOfCycles().check(all);
    }

    @Test
    void eachEnginePackageUsesOnlyTheEnginePackagesItIsAllowedTo() {
        Set<String> seen = new TreeSet<>();
        for (JavaClass c : engine) {
            seen.add(sub(c.getPackageName()));
        }
        assertEquals(ALLOWED.keySet(), seen, "every engine package has a row in ALLOWED, and every row a package");
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            String pkg = full(e.getKey());
            List<String> ok = new ArrayList<>(List.of("java..", "javax..", "jdk..", "com.fasterxml..", "com.google..",
                    "org.knowm..", "jakarta..", "dev.chainrule.api..", "dev.chainrule.kernels..",
                    "dev.chainrule.testkit..", pkg));
            for (String a : e.getValue()) {
                ok.add(full(a));
            }
            classes().that().resideInAPackage(pkg)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(ok.toArray(String[]::new))
                    .because("package " + pkg + " may use only " + e.getValue() + " of the engine")
                    .check(engine);
        }
    }

    /** The engine is a library: no command line, no server, no knowledge of its front ends. */
    @Test
    void theEngineNeverSeesTheCommandLineOrTheServer() {
        noClasses().that().resideInAPackage(ENGINE + "..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "com.sun.net.httpserver..",
                        "dev.chainrule.runner..", "dev.chainrule.serve..")
                .check(all);
    }

    /** The run page's server uses the engine, never the command line. */
    @Test
    void theServerNeverSeesTheCommandLine() {
        noClasses().that().resideInAPackage("dev.chainrule.serve..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "dev.chainrule.runner..")
                .check(all);
    }

    /** The command line's packages: commands over the engine and the server; the entry point and wiring over them. */
    @Test
    void theRunnerIsAFrontEnd() {
        classes().that().resideInAPackage("dev.chainrule.runner.cli")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "com..", "jakarta..",
                        "picocli..", "dev.chainrule.api..", "dev.chainrule.kernels..", "dev.chainrule.testkit..", "dev.chainrule.engine..",
                        "dev.chainrule.serve..", "dev.chainrule.runner.cli..")
                .check(all);
        noClasses().that().resideInAnyPackage("dev.chainrule.engine..", "dev.chainrule.serve..", "dev.chainrule.runner.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.chainrule.runner.app..")
                .check(all);
    }

    @Test
    void theApiDependsOnTheJdkOnly() {
        JavaClasses api = new ClassFileImporter().withImportOption(MAIN_ONLY)
                .importPackages("dev.chainrule.api");
        classes().that().resideOutsideOfPackage("dev.chainrule.api.processing..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.imageio..", "dev.chainrule.api..")
                .check(api);
        // the @Plugin processor, run by javac only: the JDK's compiler api (module java.compiler) besides
        classes().that().resideInAPackage("dev.chainrule.api.processing..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.annotation.processing..",
                        "javax.lang.model..", "javax.tools..", "dev.chainrule.api..")
                .check(api);
        noClasses().that().resideOutsideOfPackage("dev.chainrule.api.processing..")
                .should().dependOnClassesThat().resideInAPackage("dev.chainrule.api.processing..")
                .because("the api's runtime classes must not need the compiler api")
                .check(api);
    }

    /** The SPI is the api package alone: its helpers build on it, never the reverse, and it holds no training. */
    @Test
    void theSpiNeverUsesItsSupportPackage() {
        JavaClasses api = new ClassFileImporter().withImportOption(MAIN_ONLY)
                .importPackages("dev.chainrule.api");
        noClasses().that().resideInAPackage("dev.chainrule.api")
                .should().dependOnClassesThat().resideInAPackage("dev.chainrule.api.support..")
                .check(api);
        noClasses().that().resideInAPackage("dev.chainrule.api..")
                .should().haveSimpleName("Network").orShould().haveSimpleName("Sgd")
                .because("training code belongs to the engine and optimizers, not the plugin api")
                .check(api);
    }

    @Test
    void theKernelsDependOnTheJdkOnly() {
        JavaClasses kernels = new ClassFileImporter().withImportOption(MAIN_ONLY)
                .importPackages("dev.chainrule.kernels");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "jdk.incubator.vector..",
                "dev.chainrule.kernels..").check(kernels);
    }

    @Test
    void pluginModulesDoNotDependOnTheRunner() {
        JavaClasses plugins = new ClassFileImporter().withImportOption(MAIN_ONLY)
                .importPackages(PLUGIN_PACKAGES);
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.chainrule.runner..", "dev.chainrule.engine..",
                        "dev.chainrule.serve..")
                .because("a plugin module is built like a third-party jar, against the api and the kernels only")
                .check(plugins);
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        Stream.concat(Stream.of("java..", "javax.imageio..", "dev.chainrule.api..", "dev.chainrule.kernels.."),
                                Arrays.stream(PLUGIN_PACKAGES).map(p -> p + "..")).toArray(String[]::new))
                .check(plugins);
    }

    /** The built-in plugin modules' packages (optimizers: when that module exists). */
    private static final String[] PLUGIN_PACKAGES = {"dev.chainrule.layers", "dev.chainrule.losses",
            "dev.chainrule.vision", "dev.chainrule.optimizers", "dev.chainrule.datasources"};

    /**
     * A package lives in one module: the sources of every module of the build (benchmarks and examples
     * included, built or not), and the class path's jars and class folders, which would also catch a
     * plugin jar that reuses a built-in's package.
     */
    @Test
    void noPackageIsSplitAcrossModules() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("api")),
                "the build's root is the runner's parent folder: " + root);
        Map<String, Set<String>> owners = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> s = Files.find(root, 5, (p, a) -> a.isDirectory() && p.endsWith(Path.of("src", "main", "java"))
                && !p.toString().contains("/target/"))) {
            sources = s.toList();
        }
        assertTrue(sources.size() >= 6, "found the modules' sources: " + sources);
        for (Path src : sources) {
            String module = root.relativize(src.getParent().getParent().getParent()).toString();
            try (Stream<Path> files = Files.walk(src)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> owners
                        .computeIfAbsent(src.relativize(f.getParent()).toString().replace('/', '.'), k -> new TreeSet<>())
                        .add(module));
            }
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.contains("chainrule") || entry.contains("test-classes")) {
                continue;
            }
            for (String pkg : ClassPathPackages.of(p)) {
                if (pkg.startsWith("dev.chainrule.")) {
                    owners.computeIfAbsent(pkg, k -> new TreeSet<>()).add(moduleOf(p));
                }
            }
        }
        Map<String, Set<String>> split = new TreeMap<>();
        owners.forEach((pkg, modules) -> {
            if (modules.size() > 1) {
                split.put(pkg, modules);
            }
        });
        assertTrue(owners.containsKey("dev.chainrule.api") && owners.containsKey("dev.chainrule.layers"),
                "the scan saw the modules' packages: " + owners.keySet());
        assertEquals(Map.of(), split, "packages found in more than one module");
    }

    /** A class path entry's module: {@code layers-basic} for .../layers-basic/target/classes or layers-basic-0.1.0.jar. */
    private static String moduleOf(Path p) {
        if (Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))) {
            return p.getParent().getParent().getFileName().toString();
        }
        return p.getFileName().toString().replaceFirst("-\\d.*\\.jar$", "");
    }

    /** The packages with classes in a jar or a class folder. */
    static final class ClassPathPackages {
        static Set<String> of(Path entry) {
            Set<String> packages = new TreeSet<>();
            try {
                if (Files.isDirectory(entry)) {
                    try (Stream<Path> s = Files.walk(entry)) {
                        s.filter(f -> f.toString().endsWith(".class") && !f.endsWith("package-info.class"))
                                .forEach(f -> packages.add(entry.relativize(f.getParent()).toString().replace('/', '.')));
                    }
                } else if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
                    try (var jar = new java.util.jar.JarFile(entry.toFile())) {
                        jar.stream().map(java.util.jar.JarEntry::getName)
                                .filter(n -> n.endsWith(".class") && n.contains("/") && !n.startsWith("META-INF/"))
                                .forEach(n -> packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return packages;
        }
    }

    private static String sub(String pkg) {
        return pkg.equals(ENGINE) ? "" : pkg.substring(ENGINE.length() + 1);
    }

    private static String full(String sub) {
        return sub.isEmpty() ? ENGINE : ENGINE + "." + sub;
    }

    /** One slice per package of the project, every module's. */
    static final class PackageSlices implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (!p.startsWith("dev.chainrule.")) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(p);
        }

        @Override
        public String getDescription() {
            return "the project's packages";
        }
    }
}
