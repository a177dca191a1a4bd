package dev.chainrule.runner.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.BadInputException;
import dev.chainrule.runner.io.AtomicFiles;
import dev.chainrule.runner.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoints of a run folder, in {@code checkpoint/}: {@code state.json} (format, position, metrics so far,
 * early-stopping state, the optimizer's type id and state sizes, each file's SHA-256), {@code weights.bin}
 * and, with early stopping, {@code best.bin} — every parameter row-major, then every network buffer, as
 * little-endian float64, one after the other, as in the model's weights.bin — and {@code optimizer.bin},
 * the optimizer's state buffers ({@code Optimizer.state}: moments, velocities, its step counter) in its
 * order, as little-endian float64.
 *
 * <p>Atomic as a whole: the new checkpoint is written into a fresh temporary folder, the old one renamed to
 * {@code checkpoint.old}, the new one renamed into place, the old one deleted. A crash at any moment leaves
 * either {@code checkpoint/} or {@code checkpoint.old/} complete, and {@link #load()} takes whichever is.
 */
public final class CheckpointStore {
    private static final String TMP_PREFIX = ".checkpoint.";
    public static final String FORMAT = "chainrule-checkpoint";
    /** 2: any optimizer's state (version 1 held SGD momentum only). */
    public static final int FORMAT_VERSION = 2;
    public static final String DIR = "checkpoint";
    public static final String OLD = "checkpoint.old";
    public static final String STATE = "state.json";

    private final Path runDir;
    private final ObjectMapper mapper;

    public CheckpointStore(Path runDir, ObjectMapper mapper) {
        this.runDir = runDir;
        this.mapper = mapper;
    }

    public Path dir() {
        return runDir.resolve(DIR);
    }

    public void save(Checkpoint c) {
        try {
            deleteLeftovers();
            Path tmp = runDir.resolve(TMP_PREFIX + Long.toHexString(System.nanoTime()) + ".tmp");
            Files.createDirectory(tmp);
            Map<String, Object> files = new LinkedHashMap<>();
            files.put("weights", write(tmp, "weights.bin", c.weights()));
            files.put("optimizer", write(tmp, "optimizer.bin", c.optimizerState()));
            if (c.best() != null) {
                files.put("best", write(tmp, "best.bin", c.best()));
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("format", FORMAT);
            s.put("formatVersion", FORMAT_VERSION);
            s.put("epoch", c.epoch());
            s.put("position", c.position());
            s.put("lossSum", c.lossSum());
            s.put("correct", c.correct());
            s.put("bestValidationLoss", Double.isFinite(c.bestValidationLoss()) ? c.bestValidationLoss() : null);
            s.put("bestEpoch", c.bestEpoch());
            s.put("badEpochs", c.badEpochs());
            s.put("stopped", c.stopped());
            List<Integer> sizes = new ArrayList<>();
            for (double[] w : c.weights()) {
                sizes.add(w.length);
            }
            s.put("parameterSizes", sizes);
            s.put("optimizer", c.optimizer());
            List<Integer> stateSizes = new ArrayList<>();
            for (double[] a : c.optimizerState()) {
                stateSizes.add(a.length);
            }
            s.put("optimizerStateSizes", stateSizes);
            s.put("files", files);
            List<Object> ms = new ArrayList<>();
            for (EpochMetrics m : c.metrics()) {
                ms.add(m.toJsonMap());
            }
            s.put("metrics", ms);
            AtomicFiles.writeSynced(tmp.resolve(STATE), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
            AtomicFiles.syncDirectory(tmp);
            Path cur = runDir.resolve(DIR);
            Path old = runDir.resolve(OLD);
            // At every moment checkpoint/ or checkpoint.old/ is complete: the old one goes only once the new
            // one is in place (after a crash between the renames, checkpoint.old/ is the only one, so keep it).
            if (Files.exists(cur)) {
                deleteTree(old);
                Files.move(cur, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, cur, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(runDir);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> write(Path dir, String name, double[][] arrays) throws IOException {
        int total = 0;
        for (double[] a : arrays) {
            total += a.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] a : arrays) {
            for (double v : a) {
                buf.putDouble(v);
            }
        }
        AtomicFiles.writeSynced(dir.resolve(name), buf.array());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("file", name);
        f.put("sha256", Sha256.hex(buf.array()));
        return f;
    }

    /**
     * The newest complete checkpoint, or null when the run has none: {@code checkpoint/}, or
     * {@code checkpoint.old/} when the first is missing or fails its checks (a crash between the renames).
     */
    public Checkpoint load() {
        Path cur = runDir.resolve(DIR);
        Path old = runDir.resolve(OLD);
        boolean hasOld = Files.isRegularFile(old.resolve(STATE));
        if (!Files.isRegularFile(cur.resolve(STATE))) {
            return hasOld ? load(old) : null;
        }
        try {
            return load(cur);
        } catch (BadInputException e) {
            if (hasOld) {
                return load(old);
            }
            throw e;
        }
    }

    private void deleteLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(runDir)) {
            for (Path p : s.filter(q -> q.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                deleteTree(p);
            }
        }
    }

    private Checkpoint load(Path d) {
        String shown = d + "/" + STATE;
        try {
            JsonNode s = mapper.readTree(Files.readAllBytes(d.resolve(STATE)));
            if (!FORMAT.equals(s.path("format").asText()) || s.path("formatVersion").asInt() != FORMAT_VERSION) {
                throw new BadInputException(shown + ": not a " + FORMAT + " version " + FORMAT_VERSION + " file"
                        + (s.path("formatVersion").asInt() == 1 ? " (version 1, from before optimizers were "
                        + "plugins; restart the run)" : ""));
            }
            int[] sizes = new int[s.path("parameterSizes").size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = s.path("parameterSizes").get(i).asInt();
            }
            double[][] w = read(d, s.path("files").path("weights"), sizes, shown);
            int[] stateSizes = new int[s.path("optimizerStateSizes").size()];
            for (int i = 0; i < stateSizes.length; i++) {
                stateSizes[i] = s.path("optimizerStateSizes").get(i).asInt();
            }
            double[][] v = read(d, s.path("files").path("optimizer"), stateSizes, shown);
            double[][] best = s.path("files").has("best") ? read(d, s.path("files").path("best"), sizes, shown) : null;
            List<EpochMetrics> ms = new ArrayList<>();
            for (JsonNode m : s.path("metrics")) {
                ms.add(EpochMetrics.fromJson(m));
            }
            double bestLoss = s.hasNonNull("bestValidationLoss") ? s.get("bestValidationLoss").asDouble()
                    : Double.POSITIVE_INFINITY;
            return Checkpoint.builder()
                    .at(s.path("epoch").asInt(), s.path("position").asInt())
                    .runningSums(s.path("lossSum").asDouble(), s.path("correct").asLong())
                    .metrics(ms)
                    .earlyStopping(bestLoss, s.path("bestEpoch").asInt(), s.path("badEpochs").asInt(),
                            s.path("stopped").asBoolean())
                    .weights(w)
                    .optimizer(s.path("optimizer").asText(), v)
                    .best(best)
                    .build();
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read: " + e.getMessage());
        }
    }

    private static double[][] read(Path d, JsonNode f, int[] sizes, String shown) throws IOException {
        byte[] bytes = Files.readAllBytes(d.resolve(f.path("file").asText()));
        if (!Sha256.hex(bytes).equals(f.path("sha256").asText())) {
            throw new BadInputException(d.resolve(f.path("file").asText()) + ": SHA-256 does not match " + shown
                    + "; the checkpoint is corrupted");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[][] out = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = new double[sizes[i]];
            for (int k = 0; k < sizes[i]; k++) {
                out[i][k] = buf.getDouble();
            }
        }
        return out;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
