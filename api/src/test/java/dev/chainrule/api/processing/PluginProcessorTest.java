package dev.chainrule.api.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.ApiVersion;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The @Plugin processor as a plugin's build meets it: javac with the api on the class path and nothing else
 * (no -processor: it is found through the api's META-INF/services), under the project's strictest lint,
 * {@code -Xlint:all -Werror} (processing included).
 */
class PluginProcessorTest {
    @TempDir
    Path dir;

    private record Result(int rc, String log) {
    }

    private Result compile(Map<String, String> sources) throws IOException {
        Path src = dir.resolve("src");
        // -proc:full: the processor is found on the class path, as JDK 17 to 22 do by default (23+ need the flag)
        List<String> options = List.of("--release", "17", "-proc:full", "-Xlint:all", "-Werror",
                "-encoding", "UTF-8", "-classpath", apiClasses().toString(), "-d", dir.resolve("classes").toString());
        List<String> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter log = new StringWriter();
        var out = new java.io.PrintWriter(log);
        int rc = javac.getTask(out, null, null, options, null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromStrings(files)).call() ? 0 : 1;
        return new Result(rc, log.toString());
    }

    private static Path apiClasses() {
        try {
            return Path.of(ApiVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String output(String path) throws IOException {
        return Files.readString(dir.resolve("classes").resolve(path));
    }

    private static String activation(String pkg, String cls, String annotation) {
        return "package " + pkg + ";\n"
                + "import dev.chainrule.api.*;\n"
                + annotation + "\n"
                + "public final class " + cls + " extends ActivationProvider.Base {\n"
                + "    public " + cls + "() { super(\"test\", c -> { throw new UnsupportedOperationException(); }); }\n"
                + "}\n";
    }

    @Test
    void writesTheServicesLinesAndTheIndexUnderStrictLint() throws IOException {
        Result r = compile(Map.of(
                "com.acme.Swish", activation("com.acme", "Swish", "@Plugin(\"swish\")"),
                "com.acme.Gelu", activation("com.acme", "Gelu", "@Plugin(Gelu.ID)").replace("public " + "Gelu() {",
                        "public static final String ID = \"gelu\";\n    public Gelu() {"),
                "com.acme.Hinge", "package com.acme;\nimport dev.chainrule.api.*;\n@Plugin(\"hinge\")\n"
                        + "public final class Hinge implements LossProvider {\n"
                        + "    @Override public String description() { return \"hinge\"; }\n"
                        + "    @Override public Loss create(BuildContext c) { throw new UnsupportedOperationException(); }\n"
                        + "}\n"));
        assertEquals(0, r.rc(), r.log());
        assertEquals("", r.log(), "no warning, no note");
        assertEquals("com.acme.Gelu\ncom.acme.Swish\n", output("META-INF/services/dev.chainrule.api.ActivationProvider"));
        assertEquals("com.acme.Hinge\n", output("META-INF/services/dev.chainrule.api.LossProvider"));
        assertEquals("# written by dev.chainrule.api.processing.PluginProcessor from the @Plugin annotations\n"
                + "api-version=" + ApiVersion.VERSION + "\n"
                + "types=activation:gelu, activation:swish, loss:hinge\n", output(PluginProcessor.INDEX));
    }

    @Test
    void aProjectWithoutPluginAnnotationsGetsNothing() throws IOException {
        Result r = compile(Map.of("com.acme.Plain", "package com.acme;\npublic final class Plain { }\n"));
        assertEquals(0, r.rc(), r.log());
        assertFalse(Files.exists(dir.resolve("classes/META-INF")));
    }

    @Test
    void mistakesAreCompileErrorsOnTheClass() throws IOException {
        Result bad = compile(Map.of("com.acme.Bad", activation("com.acme", "Bad", "@Plugin(\"Bad_Id\")")));
        assertEquals(1, bad.rc());
        assertTrue(bad.log().contains("error: @Plugin(\"Bad_Id\"): a type id is lower-case words joined by '-'"),
                bad.log());
        Result twice = compile(Map.of("com.acme.A", activation("com.acme", "A", "@Plugin(\"same\")"),
                "com.acme.B", activation("com.acme", "B", "@Plugin(\"same\")")));
        assertEquals(1, twice.rc());
        assertTrue(twice.log().contains("the type id is also declared by com.acme."), twice.log());
        Result notProvider = compile(Map.of("com.acme.N", "package com.acme;\n@dev.chainrule.api.Plugin(\"n\")\n"
                + "public final class N { }\n"));
        assertEquals(1, notProvider.rc());
        assertTrue(notProvider.log().contains("the class must implement exactly one of dev.chainrule.api.LayerProvider"),
                notProvider.log());
        Result hidden = compile(Map.of("com.acme.H", activation("com.acme", "H", "@Plugin(\"h\")")
                .replace("public H()", "H()")));
        assertEquals(1, hidden.rc());
        assertTrue(hidden.log().contains("a public no-argument constructor"), hidden.log());
    }
}
