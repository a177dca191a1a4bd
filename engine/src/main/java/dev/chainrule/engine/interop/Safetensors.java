package dev.chainrule.engine.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F64", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}, then the
 * data, offsets counted from its start. Nothing is trusted: the header must fit the file, every tensor's byte range
 * must lie in the data and be exactly its shape's size in its dtype, and no two ranges may overlap.
 */
public final class Safetensors {
    /** The largest header read (the format's own reference implementation allows 100 MB). */
    static final long MAX_HEADER = 100L << 20;
    /** The largest weights file read into memory. */
    static final long MAX_FILE = Integer.MAX_VALUE - 8;
    private static final Map<String, Integer> SIZES = Map.ofEntries(Map.entry("F64", 8), Map.entry("F32", 4),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I64", 8), Map.entry("I32", 4), Map.entry("I16", 2),
            Map.entry("I8", 1), Map.entry("U64", 8), Map.entry("U32", 4), Map.entry("U16", 2), Map.entry("U8", 1),
            Map.entry("BOOL", 1), Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1));

    private Safetensors() {
    }

    /** The tensors in the order of their data in the file. */
    public static List<NamedTensor> read(Path file, String shown, ObjectMapper mapper) {
        Path real = SafeFiles.regular(file, shown);
        byte[] all;
        try (SeekableByteChannel ch = Files.newByteChannel(real, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new BadInputException(shown + ": not a safetensors file (" + size
                        + " bytes; it starts with an 8-byte header length)");
            }
            if (size > MAX_FILE) {
                throw new BadInputException(shown + ": " + size + " bytes is too large to import");
            }
            all = SafeFiles.readExactly(real, shown, size, "its size");
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read (" + Text.escape(String.valueOf(e.getMessage())) + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        if (n < 2 || n > all.length - 8L || n > MAX_HEADER) {
            throw new BadInputException(shown + ": the header says it is " + Long.toUnsignedString(n)
                    + " bytes but the file has " + (all.length - 8) + " bytes after the length"
                    + (n > MAX_HEADER && n <= all.length - 8L ? " (at most " + MAX_HEADER + " are read)" : ""));
        }
        long dataStart = 8 + n;
        long dataLen = all.length - dataStart;
        JsonNode root;
        try {
            root = mapper.readTree(all, 8, (int) n);
        } catch (IOException e) {
            throw new BadInputException(shown + ": the header is not JSON (" + Text.escape(String.valueOf(
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                            : e.getMessage()).split("\n")[0]) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(shown + ": the header is not a JSON object");
        }
        List<long[]> ranges = new ArrayList<>();
        List<NamedTensor> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            String where = shown + ": tensor " + Text.escape(name);
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText("");
            Integer width = SIZES.get(dtype);
            if (width == null) {
                throw new BadInputException(where + ": unknown dtype " + Text.escape(t.path("dtype").toString()));
            }
            JsonNode sh = t.path("shape");
            JsonNode off = t.path("data_offsets");
            if (!sh.isArray() || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong()
                    || !off.get(1).canConvertToLong()) {
                throw new BadInputException(where + ": needs a shape array and data_offsets [begin, end]");
            }
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                    throw new BadInputException(where + ": shape " + sh + " has a bad dimension");
                }
                shape[i] = sh.get(i).asLong();
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw new BadInputException(where + ": data_offsets [" + begin + ", " + end
                        + "] lie outside the data (" + dataLen + " bytes)");
            }
            long count = NamedTensor.count(shape);
            if (count < 0 || count * width != end - begin) {
                throw new BadInputException(where + ": shape " + sh + " of " + dtype + " needs "
                        + (count < 0 ? "too many" : String.valueOf(count * width)) + " bytes but data_offsets give "
                        + (end - begin));
            }
            ranges.add(new long[] {begin, end, out.size()});
            double[] values = null;
            if (dtype.equals("F64") || dtype.equals("F32")) {
                values = new double[(int) count];
                int base = (int) (dataStart + begin);
                for (int i = 0; i < values.length; i++) {
                    values[i] = width == 8 ? b.getDouble(base + 8 * i) : b.getFloat(base + 4 * i);
                }
            }
            out.add(new NamedTensor(name, dtype, shape, values));
        }
        ranges.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
        List<NamedTensor> ordered = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            if (i > 0 && ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new BadInputException(shown + ": tensors " + Text.escape(out.get((int) ranges.get(i - 1)[2]).name())
                        + " and " + Text.escape(out.get((int) ranges.get(i)[2]).name()) + " overlap in the data");
            }
            ordered.add(out.get((int) ranges.get(i)[2]));
        }
        return ordered;
    }
}
