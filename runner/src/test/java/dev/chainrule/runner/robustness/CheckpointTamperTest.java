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

    /**
     * Writes {@code value} over entry {@code index} of array {@code array} of checkpoint file {@code key}
     * ("weights", "optimizer"), laid out by {@code sizesKey}, and forges both SHA-256s: only the value checks
     * can catch it.
     */
    void forgeValue(Path run, String key, String sizesKey, int array, int index, double value) throws IOException {
        Path st = run.resolve("checkpoint/state.json");
        ObjectNode s = (ObjectNode) JSON.readTree(st.toFile());
        ArrayNode sizes = (ArrayNode) s.get(sizesKey);
        int at = array < 0 ? sizes.size() + array : array;
        long off = index;
        for (int i = 0; i < at; i++) {
            off += sizes.get(i).asLong();
        }
        ObjectNode ref = (ObjectNode) s.get("files").get(key);
        Path bin = run.resolve("checkpoint").resolve(ref.get("file").asText());
        byte[] w = Files.readAllBytes(bin);
        java.nio.ByteBuffer.wrap(w).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble((int) (8 * off), value);
        Files.write(bin, w);
        ref.put("sha256", dev.chainrule.engine.io.Sha256.hex(w));
        byte[] b = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
        Files.write(st, b);
        Files.writeString(run.resolve("checkpoint/state.json.sha256"), dev.chainrule.engine.io.Sha256.hex(b) + "  state.json\n",
                StandardCharsets.US_ASCII);
    }

    @Test
    void aNonFiniteOrNegativeRunningStatisticIsRefusedByFileStageAndBuffer() throws IOException {
        // the arrays: W, b, gamma, beta, W, b, then running_mean and running_var of layers[1] (batch-norm), 8 values each
        Object[][] cases = {
            {-1, 0, Double.NaN, "buffer running_var of stage layers[1] (batch-norm) holds NaN (value 1 of 8)"},
            {-1, 1, -4.0, "buffer running_var of stage layers[1] (batch-norm) holds -4.0 (value 2 of 8), but it is a "
                    + "variance and must be ≥ 0"},
            {-2, 7, Double.POSITIVE_INFINITY, "buffer running_mean of stage layers[1] (batch-norm) holds Infinity (value 8 of 8)"},
            {0, 0, Double.NaN, "parameter W of stage layers[0] (dense) holds NaN (value 1 of 32)"},
        };
        for (Object[] c : cases) {
            Path norm = Hostile.trained(tmp, "norm" + c[0] + c[1], Hostile.NORM_CONFIG);
            forgeValue(norm, "weights", "parameterSizes", (Integer) c[0], (Integer) c[1], (Double) c[2]);
            assertEquals(norm.resolve("checkpoint/weights.bin") + ": " + c[3] + "; every parameter and buffer of a "
                    + "checkpoint must be finite (and a variance ≥ 0): the checkpoint was edited or is corrupted",
                    Hostile.bad("train", "--resume", norm.toString()));
            assertTrue(Files.readString(norm.resolve("model.json")).contains("running_var"), "the model is left as it was");
        }
    }

    @Test
    void aNonFiniteOptimizerStateIsRefused() throws IOException {
        Path norm = Hostile.trained(tmp, "norm", Hostile.NORM_CONFIG);
        forgeValue(norm, "optimizer", "optimizerStateSizes", -1, 2, Double.NaN);
        String err = Hostile.bad("train", "--resume", norm.toString());
        assertTrue(err.startsWith(norm.resolve("checkpoint/optimizer.bin") + ": state array ") && err.contains(
                " of optimizer 'sgd' holds NaN (value 3 of 3); an optimizer's state must be finite: the checkpoint was "
                        + "edited or is corrupted"), err);
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
