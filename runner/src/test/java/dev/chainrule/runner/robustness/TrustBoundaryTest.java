package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.plugins.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model or run folder is data: the plugins folder it records is never loaded unless the user passes
 * --trust-run-plugins, and then only the recorded jars with their recorded SHA-256. Each case uses a
 * "canary" plugin whose provider writes a marker file when its code runs.
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class TrustBoundaryTest {
    static final String CANARY_CONFIG = """
            {"name": "canary", "seed": 7, "plugins": "cplugins",
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "canary"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.5}, "batchSize": 4, "epochs": 2}}
            """;

    @TempDir
    Path tmp;
    Path marker;
    Path run;

    /** A run trained with the canary plugin from the folder its config names; the marker then removed. */
    @BeforeEach
    void trainWithTheCanary() throws IOException {
        marker = tmp.resolve("marker");
        TestJars.canary(tmp.resolve("cplugins/canary.jar"), "canary", marker);
        run = Hostile.trained(tmp, "run", CANARY_CONFIG);
        assertTrue(Files.exists(marker), "a config the user passes to train loads its plugins folder");
        Files.delete(marker);
    }

    @Test
    void predictDoesNotRunCodeFromTheFolderAModelNames() throws IOException {
        // the model alone, away from its run folder's plugins.json: config.plugins is all that names the folder
        Path model = Files.createDirectories(tmp.resolve("downloaded"));
        // as the attack: a model.json whose config names the folder (absolute, so it is found from anywhere)
        ObjectMapper m = new ObjectMapper();
        ObjectNode json = (ObjectNode) m.readTree(run.resolve("model.json").toFile());
        ((ObjectNode) json.get("config")).put("plugins", tmp.resolve("cplugins").toString());
        Files.write(model.resolve("model.json"), m.writeValueAsBytes(json));
        Files.copy(run.resolve("weights.bin"), model.resolve("weights.bin"));
        Path img = Hostile.write(tmp.resolve("x.png"), "not read");
        String err = Hostile.bad("predict", model.toString(), img.toString());
        assertTrue(err.contains("unknown type 'canary'") && err.contains("--trust-run-plugins"), err);
        assertFalse(Files.exists(marker), "no plugin code ran");
        String err2 = Hostile.bad("predict", run.toString(), img.toString());
        assertTrue(err2.contains("--trust-run-plugins"), err2);
        assertFalse(Files.exists(marker), "no plugin code ran");
    }

    @Test
    void evaluateDoesNotRunCodeFromTheFolderARunRecords() {
        String err = Hostile.bad("evaluate", run.toString());
        assertTrue(err.contains("the run used type 'canary'") && err.contains("recorded in " + run.resolve("plugins.json"))
                && err.contains("--trust-run-plugins"), err);
        assertFalse(Files.exists(marker), "no plugin code ran");

        Cli.Result ok = Cli.run(Hostile.blobData(), "evaluate", "--trust-run-plugins", run.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.exists(marker), "with the opt-in the recorded jar is loaded");
    }

    @Test
    void resumeOfARunWhoseConfigNamedAPluginsFolderWorksWhenTrusted() throws IOException {
        String saved = Files.readString(run.resolve("config.json"));
        assertTrue(saved.contains("\"plugins\" : \"" + tmp.resolve("cplugins") + "\""), "the saved config keeps it: " + saved);
        String err = Hostile.bad("train", "--resume", run.toString());
        assertTrue(err.contains("--trust-run-plugins"), err);
        assertFalse(Files.exists(marker));
        Cli.Result r = Cli.run(Hostile.blobData(), "train", "--resume", run.toString(), "--trust-run-plugins");
        assertEquals(0, r.code(), r.err());
        Cli.Result p = Cli.run(Hostile.blobData(), "--plugins", tmp.resolve("cplugins").toString(), "train", "--resume",
                run.toString());
        assertEquals(0, p.code(), p.err());
    }

    @Test
    void aRecordedJarWhoseBytesChangedIsNotLoaded() throws IOException {
        Path other = tmp.resolve("other-marker");
        TestJars.canary(tmp.resolve("build/canary.jar"), "canary", other);
        Files.copy(tmp.resolve("build/canary.jar"), tmp.resolve("cplugins/canary.jar"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String err = Hostile.bad("evaluate", "--trust-run-plugins", run.toString());
        assertTrue(err.startsWith(tmp.resolve("cplugins/canary.jar") + ": SHA-256 ") && err.contains("recorded"), err);
        assertFalse(Files.exists(marker) || Files.exists(other), "neither jar ran");
    }

    @Test
    void aJarTheRunDidNotRecordIsNotLoadedEvenWhenTrusted() throws IOException {
        Path stranger = tmp.resolve("stranger-marker");
        TestJars.canary(tmp.resolve("cplugins/stranger.jar"), "stranger", stranger);
        Cli.Result ok = Cli.run(Hostile.blobData(), "evaluate", "--trust-run-plugins", run.toString());
        assertEquals(0, ok.code(), ok.err());
        assertFalse(Files.exists(stranger), "only the recorded jars load");
    }

    @Test
    void aRunRecordPointingElsewhereIsNotFollowed() throws IOException {
        // a hostile plugins.json naming another folder: without the opt-in nothing there runs
        Path evil = tmp.resolve("evil-marker");
        TestJars.canary(tmp.resolve("evil/evil.jar"), "canary", evil);
        ObjectMapper m = new ObjectMapper();
        ObjectNode rec = (ObjectNode) m.readTree(run.resolve("plugins.json").toFile());
        rec.put("folder", tmp.resolve("evil").toString());
        Files.write(run.resolve("plugins.json"), m.writeValueAsBytes(rec));
        Hostile.bad("evaluate", run.toString());
        Hostile.bad("train", "--resume", run.toString());
        assertFalse(Files.exists(evil) || Files.exists(marker), "no plugin code ran");
    }

    @Test
    void aRecordNamingAnImpossiblePathIsOneLine() throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode rec = (ObjectNode) m.readTree(run.resolve("plugins.json").toFile());
        rec.put("folder", "a\u0000b");
        Files.write(run.resolve("plugins.json"), m.writeValueAsBytes(rec));
        assertEquals("'a\\u0000b' is not a usable path here (Nul character not allowed)", Hostile.bad("evaluate", run.toString()));
    }

    @Test
    void trustRunPluginsIsOnlyForReadingARun() throws IOException {
        Path c = Hostile.write(tmp.resolve("c.json"), Hostile.CONFIG);
        assertTrue(Hostile.bad("train", c.toString(), "--trust-run-plugins").startsWith("--trust-run-plugins: only with --resume"));
    }
}
