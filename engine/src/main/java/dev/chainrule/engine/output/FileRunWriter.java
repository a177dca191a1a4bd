package dev.chainrule.engine.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.io.FileWriteException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import dev.chainrule.engine.plugins.RunPlugins;
import dev.chainrule.engine.train.EpochMetrics;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run folder on disk; every file goes through {@link AtomicFiles}. */
public class FileRunWriter implements RunWriter {
    public static final String CONFIG_JSON = "config.json";
    public static final String METRICS_JSONL = "metrics.jsonl";
    public static final String CONFUSION_CSV = "confusion.csv";
    /** Files that mark a folder as holding a run, which prepare() never overwrites. */
    static final List<String> RUN_FILES = List.of(CONFIG_JSON, METRICS_JSONL, ModelFiles.MODEL_JSON,
            ModelFiles.WEIGHTS_BIN, CONFUSION_CSV);

    private final ObjectMapper mapper;
    private final RunPlugins runPlugins;

    public FileRunWriter(ObjectMapper mapper) {
        this(mapper, null);
    }

    /** @param runPlugins writes plugins.json beside config.json (null: not written) */
    @Inject
    public FileRunWriter(ObjectMapper mapper, RunPlugins runPlugins) {
        this.mapper = mapper;
        this.runPlugins = runPlugins;
    }

    @Override
    public Path prepare(RunConfig config, Path out) {
        Path dir = out;
        if (dir == null) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            dir = Path.of("runs", config.name() + "-" + stamp);
            for (int k = 2; Files.exists(dir); k++) {
                dir = Path.of("runs", config.name() + "-" + stamp + "-" + k);
            }
        }
        String shown = out == null ? dir.toString() : "--out " + out;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException(shown + ": exists and is not a folder");
        }
        String held = RunFolderFiles.heldRun(dir);
        if (held != null) {
            throw new BadInputException(shown + ": already holds a run (" + held + "); choose another --out or remove it");
        }
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(shown + ": cannot create the folder, " + e.getFile() + " is a file");
        } catch (IOException | SecurityException e) {
            throw new BadInputException(shown + ": cannot write there (" + reason(e) + ")");
        }
        return dir;
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : ": " + m);
    }

    @Override
    public void writeConfig(Path dir, RunConfig config) {
        io(() -> AtomicFiles.write(dir.resolve(CONFIG_JSON),
                mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(config.toJsonMap())));
        if (runPlugins != null) {
            runPlugins.write(dir, config.types());
        }
    }

    /**
     * One line appended in one write, not forced to disk: metrics.jsonl is rebuilt from the checkpoint at every
     * {@code --resume}, so a line lost or torn by a crash costs nothing, and an epoch of tiny data is not two
     * fsyncs long. A reader skips a last line without its newline. {@link #syncLogs} forces it at the end.
     */
    @Override
    public void appendMetrics(Path dir, EpochMetrics m) {
        Path f = dir.resolve(METRICS_JSONL);
        io(() -> {
            byte[] line = (mapper.writeValueAsString(m.toJsonMap()) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                throw new FileWriteException(f, e);
            }
        });
    }

    @Override
    public void rewriteMetrics(Path dir, List<EpochMetrics> all) {
        StringBuilder sb = new StringBuilder();
        io(() -> {
            for (EpochMetrics m : all) {
                sb.append(mapper.writeValueAsString(m.toJsonMap())).append('\n');
            }
            AtomicFiles.write(dir.resolve(METRICS_JSONL), sb.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    /** metrics.jsonl and steps.jsonl forced to disk, once, when training ends. */
    @Override
    public void syncLogs(Path dir) {
        for (String name : List.of(METRICS_JSONL, StepLog.FILE)) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            io(() -> {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.force(true);
                } catch (IOException e) {
                    throw new FileWriteException(f, e);
                }
            });
        }
    }

    @Override
    public StepLog openSteps(Path dir, boolean fresh, int batchSize,
            java.util.function.IntToDoubleFunction learningRate) {
        return StepLog.open(dir, fresh, batchSize, learningRate);
    }

    @Override
    public void cutBackSteps(Path dir, int epoch, int position) {
        StepLog.cutBack(dir, epoch, position, mapper);
    }

    @Override
    public void writeReport(Path dir, ReportSink report) {
        report.writeInto(dir, mapper);
    }

    @Override
    public void writeModel(Path dir, Network network, RunConfig config, int numClasses) {
        io(() -> ModelFiles.write(dir, network, config, numClasses, mapper));
    }

    @Override
    public void writeConfusion(Path dir, int[][] confusion) {
        writeConfusion(dir, confusion, null);
    }

    @Override
    public void writeConfusion(Path dir, int[][] confusion, java.util.List<String> names) {
        StringBuilder sb = new StringBuilder("true\\predicted");
        for (int j = 0; j < confusion.length; j++) {
            sb.append(',').append(csvName(names, j));
        }
        sb.append('\n');
        for (int i = 0; i < confusion.length; i++) {
            sb.append(csvName(names, i));
            for (int j = 0; j < confusion[i].length; j++) {
                sb.append(',').append(confusion[i][j]);
            }
            sb.append('\n');
        }
        io(() -> AtomicFiles.write(dir.resolve(CONFUSION_CSV), sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A class's name as a CSV field (RFC 4180 quoting when needed), or its number. */
    private static String csvName(java.util.List<String> names, int k) {
        if (names == null || k >= names.size()) {
            return String.valueOf(k);
        }
        String n = names.get(k);
        return n.matches("[^,\"\r\n]*") ? n : "\"" + n.replace("\"", "\"\"") + "\"";
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
