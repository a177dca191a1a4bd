package dev.chainrule.datasources;

import java.util.Arrays;

/**
 * One parse of a range of a CSV file's records, by one thread: the numeric cells row-major, the text cells
 * as ids of per-column {@link ByteDict}s, per-column counts, and each row's line. Lines are counted from the
 * range's start ({@code lineBase} is added by the caller); an error is kept, not thrown, until the caller
 * knows whether this range's result is used.
 */
final class CsvChunk {
    static final int SKIP = 0;
    static final int NUM = 1;
    static final int TEXT = 2;

    /** A syntax or field-count error at a line counted from the chunk's start. */
    static final class Syntax extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Syntax(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private final byte[] b;
    private final byte delim;
    private final int ncols;
    private final int[] role;
    private final int[] slot;
    private final int numCols;
    private final int textCols;
    private final String headerNote;
    private final String[] names;

    int rows;
    /** Row {@code r}'s numeric cells start at {@code (rowBase + r) · numCols}; rows up to rowCap fit. */
    double[] num;
    int rowBase;
    int rowCap;
    int[][] text;
    final ByteDict[] dicts;
    int[] lines;
    final int[] ok;
    final int[] bad;
    final int[] firstBad;
    final String[] firstBadValue;
    final int[] firstEmpty;
    int end;
    int linesSeen;
    Syntax error;

    /**
     * @param role per column: SKIP, NUM or TEXT
     * @param slot per column: its index among the NUM columns or among the TEXT columns
     * @param headerNote how the expected field count is explained: {@code header has 5}
     */
    CsvChunk(byte[] b, byte delim, int ncols, int[] role, int[] slot, int numCols, int textCols, String headerNote,
            String[] names, int capacityRows, double[] shared, int rowBase) {
        this.b = b;
        this.delim = delim;
        this.ncols = ncols;
        this.role = role;
        this.slot = slot;
        this.numCols = numCols;
        this.textCols = textCols;
        this.headerNote = headerNote;
        this.names = names;
        int cap = Math.max(16, capacityRows);
        if (shared != null) {
            num = shared;
            this.rowBase = rowBase;
            this.rowCap = capacityRows;
        } else {
            num = new double[cap * numCols];
            this.rowCap = cap;
        }
        text = new int[textCols][cap];
        dicts = new ByteDict[textCols];
        for (int i = 0; i < textCols; i++) {
            dicts[i] = new ByteDict();
        }
        lines = new int[Math.max(cap, 16)];
        ok = new int[ncols];
        bad = new int[ncols];
        firstBad = new int[ncols];
        firstBadValue = new String[ncols];
        firstEmpty = new int[ncols];
        Arrays.fill(firstBad, -1);
        Arrays.fill(firstEmpty, -1);
    }

    /** Parses records from {@code from} until one ends at or after {@code stopAt}, or {@code to}; keeps any error. */
    CsvChunk run(int from, int stopAt, int to) {
        try {
            parse(from, stopAt, to);
        } catch (Syntax e) {
            error = e;
        }
        return this;
    }

    private void growNum() {
        int cap = rowCap + (rowCap >> 1) + 16;
        double[] n = new double[cap * numCols];
        System.arraycopy(num, rowBase * numCols, n, 0, rows * numCols);
        num = n;
        rowBase = 0;
        rowCap = cap;
    }

    private void grow() {
        int cap = lines.length + (lines.length >> 1) + 16;
        for (int i = 0; i < textCols; i++) {
            text[i] = Arrays.copyOf(text[i], cap);
        }
        lines = Arrays.copyOf(lines, cap);
    }

    private void parse(int from, int stopAt, int to) {
        final byte[] b = this.b;
        final byte delim = this.delim;
        int pos = from;
        int line = linesSeen;
        byte[] scratch = new byte[64];
        while (pos < to) {
            if (pos >= stopAt) {
                break;
            }
            byte c0 = b[pos];
            if (c0 == '\n') {
                pos++;
                line++;
                continue;
            }
            if (c0 == '\r' && pos + 1 < to && b[pos + 1] == '\n') {
                pos += 2;
                line++;
                continue;
            }
            if (c0 == '\r' && pos + 1 == to) {
                pos++;
                continue;
            }
            int recordLine = line;
            if (rows == lines.length) {
                grow();
            }
            if (rows == rowCap) {
                growNum();
            }
            int row = rows;
            int numBase = (rowBase + row) * numCols;
            int col = 0;
            while (true) {
                if (col < ncols && role[col] == NUM) {
                    int e = fastNum(pos, to);
                    if (e >= 0) {
                        num[numBase + slot[col]] = val;
                        ok[col]++;
                        col++;
                        pos = e;
                        if (pos < to) {
                            byte ch = b[pos];
                            if (ch == delim) {
                                pos++;
                                continue;
                            }
                            pos += ch == '\r' ? 2 : 1;
                            line++;
                        }
                        break;
                    }
                }
                int fs;
                int fe;
                boolean escaped = false;
                boolean quoted = false;
                if (pos < to && b[pos] == '"') {
                    quoted = true;
                    int p = pos + 1;
                    fs = p;
                    while (true) {
                        if (p >= to) {
                            throw new Syntax(recordLine, "unterminated quote: the field in column "
                                    + colName(col) + " never closes");
                        }
                        byte ch = b[p];
                        if (ch == '"') {
                            if (p + 1 < to && b[p + 1] == '"') {
                                escaped = true;
                                p += 2;
                                continue;
                            }
                            break;
                        }
                        if (ch == '\n') {
                            line++;
                        }
                        p++;
                    }
                    fe = p;
                    pos = p + 1;
                    if (pos < to && b[pos] == '\r' && (pos + 1 == to || b[pos + 1] == '\n')) {
                        pos++;
                    }
                    if (pos < to && b[pos] != delim && b[pos] != '\n') {
                        throw new Syntax(recordLine, "text after the closing quote in column " + colName(col));
                    }
                } else {
                    fs = pos;
                    while (pos < to) {
                        byte ch = b[pos];
                        if (ch == delim || ch == '\n') {
                            break;
                        }
                        pos++;
                    }
                    fe = pos;
                    if (fe > fs && b[fe - 1] == '\r') {
                        fe--;
                    }
                }
                if (col < ncols) {
                    int r = role[col];
                    if (r == NUM) {
                        int s = fs;
                        int e = fe;
                        if (!quoted) {
                            while (s < e && (b[s] == ' ' || b[s] == '\t')) {
                                s++;
                            }
                            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                                e--;
                            }
                        }
                        double v;
                        if (s == e) {
                            v = Double.NaN;
                            if (firstEmpty[col] < 0) {
                                firstEmpty[col] = recordLine;
                            }
                        } else {
                            v = escaped ? Double.NaN : FastDouble.parse(b, s, e);
                            if (v != v) {
                                if (bad[col]++ == 0) {
                                    firstBad[col] = recordLine;
                                    firstBadValue[col] = text(b, fs, fe, escaped);
                                }
                            } else {
                                ok[col]++;
                            }
                        }
                        num[numBase + slot[col]] = v;
                    } else if (r == TEXT) {
                        int id;
                        if (escaped) {
                            int n = 0;
                            for (int p = fs; p < fe; p++) {
                                if (n == scratch.length) {
                                    scratch = Arrays.copyOf(scratch, n * 2);
                                }
                                scratch[n++] = b[p];
                                if (b[p] == '"') {
                                    p++;
                                }
                            }
                            id = dicts[slot[col]].id(scratch, 0, n);
                        } else {
                            id = dicts[slot[col]].id(b, fs, fe);
                        }
                        if (fs == fe && firstEmpty[col] < 0) {
                            firstEmpty[col] = recordLine;
                        }
                        text[slot[col]][row] = id;
                    }
                }
                col++;
                if (pos < to && b[pos] == delim) {
                    pos++;
                    continue;
                }
                if (pos < to) {
                    pos++; // the newline
                    line++;
                }
                break;
            }
            if (col != ncols) {
                throw new Syntax(recordLine, col + (col == 1 ? " field" : " fields") + ", expected " + ncols + " ("
                        + headerNote + ")");
            }
            lines[row] = recordLine;
            rows++;
        }
        end = Math.min(pos, to);
        linesSeen = line;
    }

    /** The value {@link #fastNum} parsed. */
    private double val;

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15};

    /**
     * The common cell in one pass: an unquoted plain decimal ({@code -12.345}, at most 15 digits, no exponent)
     * followed by the delimiter, a line break or the end. Sets {@link #val} (exactly Double.parseDouble's
     * value: an integer below 2^53 divided by an exact power of ten) and returns the position after the
     * number; −1 for anything else, which the general path then handles.
     */
    private int fastNum(int pos, int to) {
        final byte[] b = this.b;
        int i = pos;
        boolean neg = false;
        if (i < to && b[i] == '-') {
            neg = true;
            i++;
        }
        long m = 0;
        int start = i;
        while (i < to) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            m = m * 10 + d;
            i++;
        }
        int intDigits = i - start;
        int frac = 0;
        if (i < to && b[i] == '.') {
            i++;
            int fs = i;
            while (i < to) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                m = m * 10 + d;
                i++;
            }
            frac = i - fs;
        }
        int digits = intDigits + frac;
        if (digits == 0 || digits > 18) {
            return -1;
        }
        if (i < to) {
            byte c = b[i];
            if (c != delim && c != '\n' && !(c == '\r' && (i + 1 == to || b[i + 1] == '\n'))) {
                return -1;
            }
        }
        double v;
        if (frac == 0) {
            v = m; // below 10^18: converted correctly rounded
        } else if (frac <= 15 && m < (1L << 53)) {
            v = m / POW10[frac]; // both exact: one correctly rounded division
        } else {
            v = FastDouble.eiselLemire(m, -frac); // NaN for zero or when undecided
            if (v != v) {
                return -1;
            }
        }
        val = neg ? -v : v;
        return i;
    }

    private String colName(int col) {
        return col < names.length ? "'" + names[col] + "'" : String.valueOf(col);
    }

    static String text(byte[] b, int s, int e, boolean escaped) {
        String t = new String(b, s, e - s, java.nio.charset.StandardCharsets.UTF_8);
        return escaped ? t.replace("\"\"", "\"") : t;
    }
}
