package dev.chainrule.engine.interop;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a NumPy {@code .npz} ({@code numpy.savez} or {@code savez_compressed}): a zip of {@code NAME.npy} files,
 * each the NPY format (magic {@code \x93NUMPY}, version, a header dict {@code {'descr': '<f8', 'fortran_order':
 * False, 'shape': (3, 4), }}, then the data). Only C-order little-endian float64 ({@code <f8}) and float32
 * ({@code <f4}) arrays carry values; the data must be exactly the header's shape, no more and no less.
 */
public final class Npz {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Npz() {
    }

    /** The arrays in the zip's entry order ({@code numpy.savez}'s argument order), names without {@code .npy}. */
    public static List<NamedTensor> read(Path file, String shown) {
        Path real = SafeFiles.regular(file, shown);
        List<NamedTensor> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(real.toFile())) {
            Enumeration<? extends ZipEntry> es = zip.entries();
            while (es.hasMoreElements()) {
                ZipEntry e = es.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
                        : e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    out.add(npy(in, name, shown + ": " + Text.escape(e.getName())));
                }
            }
        } catch (ZipException e) {
            throw new BadInputException(shown + ": not an .npz (zip) file (" + Text.escape(String.valueOf(e.getMessage()))
                    + ")");
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read (" + Text.escape(String.valueOf(e.getMessage())) + ")");
        }
        return out;
    }

    private static NamedTensor npy(InputStream in, String name, String where) throws IOException {
        byte[] head = in.readNBytes(10);
        if (head.length < 10 || (head[0] & 0xFF) != 0x93 || !new String(head, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new BadInputException(where + ": not an NPY array (no \\x93NUMPY magic)");
        }
        int major = head[6];
        long headerLen;
        if (major == 1) {
            headerLen = (head[8] & 0xFF) | ((head[9] & 0xFF) << 8);
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) {
                throw new BadInputException(where + ": truncated NPY header");
            }
            headerLen = ByteBuffer.wrap(new byte[] {head[8], head[9], more[0], more[1]}).order(ByteOrder.LITTLE_ENDIAN)
                    .getInt() & 0xFFFFFFFFL;
        } else {
            throw new BadInputException(where + ": NPY version " + major + " is not supported (1, 2 and 3 are)");
        }
        if (headerLen > 1 << 20) {
            throw new BadInputException(where + ": NPY header of " + headerLen + " bytes is too large");
        }
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length < headerLen) {
            throw new BadInputException(where + ": the NPY header says " + headerLen + " bytes but the entry ends first");
        }
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new BadInputException(where + ": NPY header without descr, fortran_order and shape: "
                    + Text.escape(header.strip()));
        }
        if (f.group(1).equals("True")) {
            throw new BadInputException(where + ": a Fortran-order array; save it C-order (numpy.ascontiguousarray)");
        }
        List<Long> dims = new ArrayList<>();
        for (String p : s.group(1).split(",")) {
            if (!p.isBlank()) {
                try {
                    dims.add(Long.parseLong(p.strip().replaceAll("L$", "")));
                } catch (NumberFormatException e) {
                    throw new BadInputException(where + ": bad shape (" + Text.escape(s.group(1)) + ")");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        String descr = d.group(1);
        String dtype = switch (descr) {
            case "<f8" -> "F64";
            case "<f4" -> "F32";
            case "<i8" -> "I64";
            case "<i4" -> "I32";
            case ">f8", ">f4" -> "big-endian " + descr;
            default -> descr;
        };
        long count = NamedTensor.count(shape);
        if (count < 0) {
            throw new BadInputException(where + ": shape " + java.util.Arrays.toString(shape) + " is too large");
        }
        if (!dtype.equals("F64") && !dtype.equals("F32")) {
            return new NamedTensor(name, dtype, shape, null);
        }
        int width = dtype.equals("F64") ? 8 : 4;
        if (count * width > MAX_ARRAY) {
            throw new BadInputException(where + ": " + count * width + " bytes is too large to import");
        }
        byte[] data = in.readNBytes((int) (count * width));
        if (data.length < count * width) {
            throw new BadInputException(where + ": shape " + java.util.Arrays.toString(shape) + " of " + descr + " needs "
                    + count * width + " bytes but the array has " + data.length);
        }
        if (in.read() != -1) {
            throw new BadInputException(where + ": more data than shape " + java.util.Arrays.toString(shape) + " of "
                    + descr + " needs (" + count * width + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[(int) count];
        for (int i = 0; i < v.length; i++) {
            v[i] = width == 8 ? b.getDouble(8 * i) : b.getFloat(4 * i);
        }
        return new NamedTensor(name, dtype, shape, v);
    }
}
