package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint is validated and checksummed before training resumes from it; each fault is one line. */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class CheckpointTamperTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path run;
    Path state;

    @BeforeEach
    void train() throws IOException {
        run = Hostile.trained(tmp, "run", Hostile.CONFIG);
        state = run.resolve("checkpoint/state.json");
    }

    ObjectNode state() throws IOException {
        return (ObjectNode) JSON.readTree(state.toFile());
    }

    /** Rewrites state.json and, like a careful forger, its checksum: only the field checks can catch it. */
    void forge(ObjectNode s) throws IOException {
        byte[] b = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
        Files.write(state, b);
        Files.writeString(run.resolve("checkpoint/state.json.sha256"), dev.chainrule.engine.io.Sha256.hex(b) + "  state.json\n",
                StandardCharsets.US_ASCII);
    }

    String resume() {
        return Hostile.bad("train", "--resume", run.toString());
    }

    @Test
    void anIntactCheckpointResumes() {
        assertEquals(0, Cli.run(Hostile.blobData(), "train", "--resume", run.toString()).code());
    }

    @Test
    void anEditedStateJsonFailsItsChecksum() throws IOException {
        Files.writeString(state, Files.readString(state).replace("\"epoch\" : 3", "\"epoch\" : -5"));
        String err = resume();
        assertTrue(err.startsWith(state + ": SHA-256 ") && err.endsWith("the checkpoint was edited or is corrupted"), err);
    }

    @Test
    void aNegativeEpochIsRefused() throws IOException {
        ObjectNode s = state();
        s.put("epoch", -5);
        forge(s);
        assertEquals(state + ": epoch: must be an integer from 1 to 2147483647, got -5", resume());
    }

    @Test
    void anEpochBeyondTheRunIsRefused() throws IOException {
        ObjectNode s = state();
        s.put("epoch", 9);
        forge(s);
        assertTrue(resume().contains("holds 2 finished epochs but says it stopped in epoch 9"));
    }

    @Test
    void wrongParameterSizesAreRefusedBeforeAllocating() throws IOException {
        ObjectNode s = state();
        ((ArrayNode) s.get("parameterSizes")).set(0, 1_000_000_000);
        forge(s);
        String err = resume();
        assertTrue(err.contains("checkpoint/weights.bin: ") && err.contains("(truncated)"), err);
    }

    @Test
    void parameterSizesThatDoNotFitTheNetworkAreRefused() throws IOException {
        ObjectNode s = state();
        ArrayNode sizes = (ArrayNode) s.get("parameterSizes");
        int a = sizes.get(0).asInt();
        int b = sizes.get(1).asInt();
        sizes.set(0, b);
        sizes.set(1, a);
        forge(s);
        String err = resume();
        assertTrue(err.startsWith(state + ": parameterSizes [" + b + ", " + a) && err.endsWith("the checkpoint does not belong to this config"),
                err);
    }

    @Test
    void anEditedConfigJsonIsRefused() throws IOException {
        Path cfg = run.resolve("config.json");
        String original = Files.readString(cfg);
        // a change of the network: named by the sizes that no longer fit
        Files.writeString(cfg, original.replace("\"units\" : 8", "\"units\" : 9"));
        String err = resume();
        assertTrue(err.startsWith(state + ": parameterSizes [32, 8, 24, 3] but the network " + cfg + " describes has [36, 9, "),
                err);
        // a change the sizes cannot see: the recorded fingerprint of config.json
        Files.writeString(cfg, original.replace("\"learningRate\" : 0.5", "\"learningRate\" : 0.25"));
        assertEquals(cfg + ": changed since the checkpoint was written (only training.epochs may be raised, to extend a "
                + "run); put the original back or start a new run", resume());
    }

    @Test
    void raisingTheEpochsExtendsTheRun() throws IOException {
        Path cfg = run.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"epochs\" : 2", "\"epochs\" : 3"));
        Cli.Result r = Cli.run(Hostile.blobData(), "train", "--resume", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("after 3 epochs"), r.out());
    }

    @Test
    void aMissingChecksumIsRefused() throws IOException {
        Files.delete(run.resolve("checkpoint/state.json.sha256"));
        assertTrue(resume().contains("no state.json.sha256 beside it"));
    }

    @Test
    void aCheckpointArrayOutsideTheFolderIsRefused() throws IOException {
        ObjectNode s = state();
        ((ObjectNode) s.get("files").get("weights")).put("file", "../weights.bin");
        forge(s);
        assertTrue(resume().contains("files.weights.file: '../weights.bin' is outside"));
    }
}
