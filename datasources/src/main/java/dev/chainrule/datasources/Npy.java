package dev.chainrule.datasources;

import dev.chainrule.api.data.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A NumPy array read from a {@code .npy} file (format 1.0, 2.0 or 3.0) or from one member of a {@code .npz}
 * (a zip of {@code .npy} files, stored or deflated). Plain dtypes only: {@code u1 u2 u4 u8 i1 i2 i4 i8 f4 f8
 * b1}, either byte order; {@code fortran_order} arrays are transposed to C order.
 */
final class Npy {
    static final List<String> TYPES = List.of("u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8", "f4", "f8", "b1");
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*(\\S)");
    private static final Pattern DESCR_TEXT = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(\\w+)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    final String shown;
    final String type; // u1, f8, ...
    final int itemSize;
    final int[] shape;
    final ByteBuffer data; // C order, in the file's byte order, position 0

    private Npy(String shown, String type, int itemSize, int[] shape, ByteBuffer data) {
        this.shown = shown;
        this.type = type;
        this.itemSize = itemSize;
        this.shape = shape;
        this.data = data;
    }

    /** {@code file.npy}, {@code file.npz:name} (or {@code file.npz} holding exactly one array). */
    static Npy read(Path resolved, String spec) {
        String s = resolved.toString();
        int npz = s.toLowerCase(java.util.Locale.ROOT).lastIndexOf(".npz");
        if (npz >= 0 && (npz + 4 == s.length() || s.charAt(npz + 4) == ':')) {
            Path zip = Path.of(s.substring(0, npz + 4));
            String name = npz + 4 == s.length() ? null : s.substring(npz + 5);
            return fromZip(zip, spec, name);
        }
        try {
            return parse(Files.readAllBytes(resolved), spec);
        } catch (NoSuchFileException e) {
            throw new DataException(spec + ": no such file (" + resolved.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new DataException(spec + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Npy fromZip(Path zip, String spec, String name) {
        String zipShown = spec.contains(".npz:") ? spec.substring(0, spec.indexOf(".npz:") + 4) : spec;
        if (!Files.exists(zip)) {
            throw new DataException(zipShown + ": no such file (" + zip.toAbsolutePath() + ")");
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> names = new ArrayList<>();
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                String n = en.nextElement().getName();
                names.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
            }
            if (name == null) {
                if (names.size() != 1) {
                    throw new DataException(zipShown + ": holds " + names.size() + " arrays (" + String.join(", ", names)
                            + "); name one as " + zipShown + ":NAME");
                }
                name = names.get(0);
            }
            ZipEntry e = z.getEntry(name + ".npy");
            if (e == null) {
                e = z.getEntry(name);
            }
            if (e == null) {
                throw new DataException(zipShown + ": no array '" + name + "'; arrays: " + String.join(", ", names));
            }
            try (InputStream in = z.getInputStream(e)) {
                return parse(in.readAllBytes(), zipShown + ":" + name);
            }
        } catch (IOException e) {
            throw new DataException(zipShown + ": not a readable .npz (zip) file (" + e.getMessage() + ")", e);
        }
    }

    static Npy parse(byte[] b, String shown) {
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        if (b.length < 10 || !java.util.Arrays.equals(b, 0, 6, magic, 0, 6)) {
            throw new DataException(shown + ": byte 0: not a .npy file (it does not start with \\x93NUMPY)");
        }
        int major = b[6] & 0xff;
        int minor = b[7] & 0xff;
        int headerLen;
        int headerStart;
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLen = le.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new DataException(shown + ": byte 8: truncated header length");
            }
            headerLen = le.getInt(8);
            headerStart = 12;
        } else {
            throw new DataException(shown + ": byte 6: format version " + major + "." + minor
                    + " is not 1.0, 2.0 or 3.0");
        }
        if (headerLen < 0 || headerStart + (long) headerLen > b.length) {
            throw new DataException(shown + ": byte 8: header length " + headerLen + " runs past the end of the file ("
                    + b.length + " bytes)");
        }
        String h = new String(b, headerStart, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h);
        if (!d.find()) {
            throw new DataException(shown + ": header at byte " + headerStart + ": no 'descr' key (" + h.strip() + ")");
        }
        if (!d.group(1).equals("'")) {
            throw new DataException(shown + ": header 'descr': a structured dtype; only plain arrays of "
                    + String.join(", ", TYPES) + " are read");
        }
        Matcher dt = DESCR_TEXT.matcher(h);
        dt.find();
        String descr = dt.group(1);
        if (descr.length() < 3 || "<>|=".indexOf(descr.charAt(0)) < 0 || !TYPES.contains(descr.substring(1))) {
            throw new DataException(shown + ": header 'descr': '" + descr + "' is not a supported type; supported: "
                    + String.join(", ", TYPES) + " (little or big endian)");
        }
        String type = descr.substring(1);
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Matcher f = FORTRAN.matcher(h);
        if (!f.find() || !(f.group(1).equals("True") || f.group(1).equals("False"))) {
            throw new DataException(shown + ": header 'fortran_order': missing or not True/False (" + h.strip() + ")");
        }
        boolean fortran = f.group(1).equals("True");
        Matcher sm = SHAPE.matcher(h);
        if (!sm.find()) {
            throw new DataException(shown + ": header 'shape': missing (" + h.strip() + ")");
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : sm.group(1).split(",")) {
            String t = part.strip();
            if (t.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new DataException(shown + ": header 'shape': '" + t + "' is not a dimension (" + sm.group(0) + ")");
            }
        }
        if (dims.isEmpty()) {
            throw new DataException(shown + ": header 'shape': () is a scalar; an array of rows needs a shape (n, ...)");
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int itemSize = type.charAt(1) - '0';
        long count = 1;
        for (int x : shape) {
            count *= x;
        }
        int dataStart = headerStart + headerLen;
        long need = count * itemSize;
        if (need > b.length - dataStart) {
            throw new DataException(shown + ": header 'shape' " + sm.group(0).substring(sm.group(0).indexOf('('))
                    + " of " + descr + " needs " + need + " bytes after byte " + dataStart + "; the file has "
                    + (b.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) need).slice().order(order);
        if (fortran && shape.length > 1) {
            data = toC(data, shape, itemSize).order(order);
        }
        return new Npy(shown, type, itemSize, shape, data);
    }

    /** Reorders a Fortran-order array's elements to C order. */
    private static ByteBuffer toC(ByteBuffer f, int[] shape, int item) {
        int n = f.remaining() / item;
        byte[] out = new byte[n * item];
        int k = shape.length;
        int[] idx = new int[k];
        int[] stride = new int[k]; // Fortran strides in elements
        int s = 1;
        for (int i = 0; i < k; i++) {
            stride[i] = s;
            s *= shape[i];
        }
        for (int c = 0; c < n; c++) {
            int src = 0;
            for (int i = 0; i < k; i++) {
                src += idx[i] * stride[i];
            }
            for (int j = 0; j < item; j++) {
                out[c * item + j] = f.get(src * item + j);
            }
            for (int i = k - 1; i >= 0; i--) { // next C index: last axis fastest
                if (++idx[i] < shape[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return ByteBuffer.wrap(out);
    }

    int rows() {
        return shape[0];
    }

    long count() {
        long c = 1;
        for (int x : shape) {
            c *= x;
        }
        return c;
    }

    boolean isInteger() {
        return type.charAt(0) == 'u' || type.charAt(0) == 'i' || type.charAt(0) == 'b';
    }

    /** Element {@code i} (C order) as a double. */
    double get(int i) {
        int at = i * itemSize;
        return switch (type) {
            case "u1" -> data.get(at) & 0xff;
            case "b1" -> data.get(at) != 0 ? 1 : 0;
            case "i1" -> data.get(at);
            case "u2" -> data.getShort(at) & 0xffff;
            case "i2" -> data.getShort(at);
            case "u4" -> data.getInt(at) & 0xffffffffL;
            case "i4" -> data.getInt(at);
            case "u8" -> {
                long v = data.getLong(at);
                yield v >= 0 ? (double) v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
            case "i8" -> data.getLong(at);
            case "f4" -> data.getFloat(at);
            case "f8" -> data.getDouble(at);
            default -> throw new IllegalStateException(type);
        };
    }

    /** Element {@code i} as a long (integer types). */
    long getLong(int i) {
        int at = i * itemSize;
        return switch (type) {
            case "u1" -> data.get(at) & 0xff;
            case "b1" -> data.get(at) != 0 ? 1 : 0;
            case "i1" -> data.get(at);
            case "u2" -> data.getShort(at) & 0xffff;
            case "i2" -> data.getShort(at);
            case "u4" -> data.getInt(at) & 0xffffffffL;
            case "i4" -> data.getInt(at);
            case "u8", "i8" -> data.getLong(at);
            default -> throw new IllegalStateException(type);
        };
    }

    /** The byte offset of element {@code i} in the array's data, for messages. */
    long offsetOf(int i) {
        return (long) i * itemSize;
    }

    String shapeText() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
