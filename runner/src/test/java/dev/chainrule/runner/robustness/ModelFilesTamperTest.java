package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A model folder from elsewhere: model.json and its weights are confined to the folder and verified. */
class ModelFilesTamperTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path run;

    @BeforeEach
    void train() throws IOException {
        run = Hostile.trained(tmp, "run", Hostile.CONFIG);
    }

    ObjectNode model() throws IOException {
        return (ObjectNode) JSON.readTree(run.resolve("model.json").toFile());
    }

    void save(ObjectNode m) throws IOException {
        Files.write(run.resolve("model.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    String evaluate() {
        return Hostile.bad("evaluate", run.toString());
    }

    @Test
    void theUntouchedModelEvaluates() {
        assertEquals(0, Cli.run(Hostile.blobData(), "evaluate", run.toString()).code());
    }

    @Test
    void weightsFileOutsideTheFolderIsRefused() throws IOException {
        for (String target : new String[] {"../../etc/hostname", "/etc/hostname", "/dev/zero", "..", ""}) {
            ObjectNode m = model();
            ((ObjectNode) m.get("weights")).put("file", target);
            save(m);
            String err = evaluate();
            assertTrue(err.startsWith(run.resolve("model.json") + ": weights.file: '" + target + "' is outside " + run.toAbsolutePath()),
                    target + " -> " + err);
        }
    }

    @Test
    void aWeightsFileThatIsASymlinkToADeviceIsRefused() throws IOException {
        Files.delete(run.resolve("weights.bin"));
        Files.createSymbolicLink(run.resolve("weights.bin"), Path.of("/dev/zero"));
        String err = evaluate();
        assertTrue(err.contains("not a regular file (a character device, /dev/zero)"), err);
    }

    @Test
    void aSymlinkLeadingOutOfTheFolderIsRefused() throws IOException {
        Path outside = Files.copy(run.resolve("weights.bin"), tmp.resolve("elsewhere.bin"));
        Files.delete(run.resolve("weights.bin"));
        Files.createSymbolicLink(run.resolve("weights.bin"), outside);
        String err = evaluate();
        assertTrue(err.contains("weights.file: 'weights.bin' leads to " + outside.toRealPath() + ", outside"), err);
    }

    @Test
    void weightsWithoutTheirSha256AreRefused() throws IOException {
        ObjectNode m = model();
        ((ObjectNode) m.get("weights")).remove("sha256");
        save(m);
        String err = evaluate();
        assertTrue(err.endsWith("model.json: weights.sha256: missing; a model's weights must carry their SHA-256, and this one "
                + "cannot be checked"), err);
    }

    @Test
    void aFlippedByteAndJunkAtTheEndAreRefused() throws IOException {
        byte[] w = Files.readAllBytes(run.resolve("weights.bin"));
        w[17] ^= 1;
        Files.write(run.resolve("weights.bin"), w);
        assertTrue(evaluate().contains("does not match"), "flipped byte");
        byte[] longer = java.util.Arrays.copyOf(w, w.length + 800);
        Files.write(run.resolve("weights.bin"), longer);
        String err = evaluate();
        assertTrue(err.endsWith(w.length + 800 + " bytes, but " + run.resolve("model.json") + " (its parameters and buffers) declares "
                + w.length + " (800 bytes too many)"), err);
    }

    @Test
    void aMisalignedOffsetIsRefused() throws IOException {
        ObjectNode m = model();
        ObjectNode p = (ObjectNode) m.get("parameters").get(1);
        long off = p.get("offset").asLong();
        p.put("offset", off + 4);
        save(m);
        String err = evaluate();
        assertTrue(err.contains("parameters[1]") && err.contains("has offset " + (off + 4)) && err.contains("expected offset " + off),
                err);
    }

    /**
     * Writes {@code value} over entry {@code index} of parameter or buffer entry {@code entry} of model.json
     * ("parameters"/"buffers") in weights.bin, and, like a careful forger, the new SHA-256 into model.json:
     * only the value checks can catch it.
     */
    void forgeValue(Path model, String list, int entry, int index, double value) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(model.resolve("model.json").toFile());
        long off = m.get(list).get(entry).get("offset").asLong() + 8L * index;
        byte[] w = Files.readAllBytes(model.resolve("weights.bin"));
        java.nio.ByteBuffer.wrap(w).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble((int) off, value);
        Files.write(model.resolve("weights.bin"), w);
        ((ObjectNode) m.get("weights")).put("sha256", dev.chainrule.engine.io.Sha256.hex(w));
        Files.write(model.resolve("model.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    @Test
    void aNonFiniteOrNegativeRunningStatisticIsRefusedByFileStageAndBuffer() throws IOException {
        // model.json buffers: [0] running_mean, [1] running_var of layers[1] (batch-norm), 8 values each
        Object[][] cases = {
            {1, 0, Double.NaN, "buffer running_var of stage layers[1] (batch-norm) holds NaN (value 1 of 8)"},
            {1, 2, -4.0, "buffer running_var of stage layers[1] (batch-norm) holds -4.0 (value 3 of 8), but it is a "
                    + "variance and must be ≥ 0"},
            {0, 7, Double.POSITIVE_INFINITY, "buffer running_mean of stage layers[1] (batch-norm) holds Infinity (value 8 of 8)"},
        };
        for (Object[] c : cases) {
            Path norm = Hostile.trained(tmp, "norm" + c[0] + c[1], Hostile.NORM_CONFIG);
            assertEquals(0, Cli.run(Hostile.blobData(), "evaluate", norm.toString()).code());
            forgeValue(norm, "buffers", (Integer) c[0], (Integer) c[1], (Double) c[2]);
            String expected = norm.resolve("weights.bin") + ": " + c[3] + "; every parameter and buffer of a model must "
                    + "be finite (and a variance ≥ 0): the file was edited or written by a run that diverged";
            assertEquals(expected, Hostile.bad("evaluate", norm.toString()));
            Path csv = Hostile.write(tmp.resolve("rows.csv"), "0.1,0.2,0.3,0.4\n");
            assertEquals(expected, Hostile.bad("predict", norm.toString(), csv.toString()));
        }
    }

    @Test
    void aNonFiniteParameterIsRefusedByFileStageAndParameter() throws IOException {
        forgeValue(run, "parameters", 2, 5, Double.NaN);
        assertEquals(run.resolve("weights.bin") + ": parameter W of stage layers[2] (dense) holds NaN (value 6 of 24); "
                + "every parameter and buffer of a model must be finite (and a variance ≥ 0): the file was edited or "
                + "written by a run that diverged", evaluate());
    }

    @Test
    void aBufferShapeThatDoesNotFitTheNetworkIsRefused() throws IOException {
        Path norm = Hostile.trained(tmp, "norm", Hostile.NORM_CONFIG);
        ObjectNode m = (ObjectNode) JSON.readTree(norm.resolve("model.json").toFile());
        ((ObjectNode) m.get("buffers").get(1)).putArray("shape").add(1073741824).add(1073741824);
        Files.write(norm.resolve("model.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        assertEquals(norm.resolve("model.json") + ": buffers[1] is running_var[1073741824, 1073741824] but the network "
                + "built from its config has running_var[8]", Hostile.bad("evaluate", norm.toString()));
    }

    @Test
    void aModelWithoutConfigSaysSo() throws IOException {
        ObjectNode m = model();
        m.remove("config");
        save(m);
        assertTrue(evaluate().endsWith("model.json: config: missing; a model.json holds the config it was trained with"));
    }

    @Test
    void aDuplicateKeyInModelJsonIsRefused() throws IOException {
        String text = Files.readString(run.resolve("model.json")).replaceFirst("\"classes\" : 3", "\"classes\" : 3, \"classes\" : 4");
        Files.writeString(run.resolve("model.json"), text);
        assertTrue(evaluate().contains("Duplicate field 'classes'"));
    }

    @Test
    // reading a FIFO blocks in open(), which no interrupt ends: a separate thread lets the test fail instead
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aModelJsonThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = tmp.resolve("fifo.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        String err = Hostile.bad("evaluate", fifo.toString());
        assertEquals(fifo + ": not a regular file (a FIFO); give a file", err);
    }
}
