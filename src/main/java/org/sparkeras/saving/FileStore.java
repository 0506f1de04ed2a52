package org.sparkeras.saving;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * All file I/O of model saving, through Hadoop's {@link FileSystem} and {@link FileContext}, so
 * {@code file:}, {@code hdfs:} and {@code s3a:} paths work; a plain path means the local file system.
 * The local file system is the raw one: no {@code .crc} side files.
 *
 * <p><b>Stores with an atomic rename</b> (local, HDFS; RELIABILITY.md case 16): the bytes go to a
 * temporary sibling {@code .<name>.tmp-<uuid>}, which is then renamed into place through
 * {@link FileContext} (with {@link Options.Rename#OVERWRITE} when overwriting), so the destination holds
 * the old or the new complete file. On failure the temporary file is deleted.
 *
 * <p><b>Stores without an atomic rename</b> (object stores: the schemes {@code s3a s3 s3n gs abfs abfss
 * wasb wasbs oss}; any scheme configured with {@value #ATOMIC_RENAME_KEY}{@code =false} or
 * {@code sparkeras.fs.<scheme>.atomic-rename=false}; any scheme without a {@link FileContext} binding
 * {@code fs.AbstractFileSystem.<scheme>.impl}) use a <em>commit marker</em>:
 * <ol>
 *   <li>the bytes are written completely to the temporary sibling (a crash here leaves the old file and
 *       its marker untouched: the old file stays readable);</li>
 *   <li>the old marker {@code <dest>.committed} is deleted, then the old destination (if overwriting);</li>
 *   <li>the temporary file is renamed (on object stores: copied, then deleted) to the destination and
 *       its length checked;</li>
 *   <li>the marker {@code <dest>.committed} is written last. It is a small text file:
 *       {@code sparkeras-commit 1}, {@code length <bytes>}, {@code sha256 <hex>}, one per line.</li>
 * </ol>
 * {@link #read} on such a store refuses a file whose marker is missing, unreadable, or whose length or
 * SHA-256 does not match the bytes read, naming the path; so a destination is read as the old complete
 * file or the new complete file, never as a partial one (a torn read during a concurrent overwrite is
 * caught by the checksum). A crash between steps 2 and 4 leaves the destination refused as
 * uncommitted until it is written again with overwrite.
 *
 * <p>An existing destination is replaced only when asked (case 17); on marker stores an uncommitted
 * destination counts as existing. Leftover temporary files of crashed writers are never read (readers
 * open only the destination) and are deleted by the next write to the same destination.
 */
public final class FileStore {
    /** Configuration key: {@code false} makes every scheme use commit markers (e.g. in tests). */
    public static final String ATOMIC_RENAME_KEY = "sparkeras.fs.atomic-rename";

    /** Suffix of the commit marker written beside a file on stores without an atomic rename. */
    public static final String COMMIT_SUFFIX = ".committed";

    /** Schemes whose rename is not atomic (object stores). */
    static final Set<String> NON_ATOMIC_SCHEMES =
            Set.of("s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss");

    private static final String MARKER_HEADER = "sparkeras-commit 1";
    private static final long MAX_MARKER_BYTES = 4096;
    private static final Pattern TEMP_NAME =
            Pattern.compile("\\.(.+)\\.tmp-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private FileStore() {}

    /**
     * The default Hadoop configuration, parsed once: a new {@code Configuration} parses its XML
     * resources again (about 12 ms), and copies of a loaded one are cheap.
     */
    private static final Configuration DEFAULTS = loaded(new Configuration());

    private static Configuration loaded(Configuration c) {
        c.size();
        return c;
    }

    private static Configuration conf(Configuration base) {
        Configuration conf = new Configuration(base == null ? DEFAULTS : base);
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        conf.set("fs.AbstractFileSystem.file.impl", "org.apache.hadoop.fs.local.RawLocalFs");
        // The FileSystem cache is keyed by scheme, not by configuration: a cached checksumming local
        // file system created elsewhere would otherwise be returned. Raw local instances are cheap.
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    private static Path path(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("A file path is required, received " + (path == null ? "null" : "\"\""));
        }
        return new Path(path);
    }

    /** The file system and the qualified path of one call, and whether its rename is atomic. */
    private record Target(FileSystem fs, Path path, Configuration conf, boolean atomicRename) {
        FileContext context() throws IOException {
            return FileContext.getFileContext(fs.getUri(), conf);
        }
    }

    private static Target target(String path, Configuration base) throws IOException {
        Path p = path(path);
        Configuration conf = conf(base);
        FileSystem fs = p.getFileSystem(conf);
        Path q = fs.makeQualified(p);
        return new Target(fs, q, conf, atomicRename(fs, conf));
    }

    private static boolean atomicRename(FileSystem fs, Configuration conf) {
        String scheme = fs.getUri().getScheme() == null ? "file" : fs.getUri().getScheme().toLowerCase(Locale.ROOT);
        String perScheme = conf.getTrimmed("sparkeras.fs." + scheme + ".atomic-rename");
        boolean atomic = perScheme != null ? Boolean.parseBoolean(perScheme)
                : conf.getBoolean(ATOMIC_RENAME_KEY, !NON_ATOMIC_SCHEMES.contains(scheme));
        if (atomic) {
            try {
                FileContext.getFileContext(fs.getUri(), conf);
            } catch (UnsupportedFileSystemException e) {
                return false; // no FileContext binding, so no rename-with-overwrite: use commit markers
            }
        }
        return atomic;
    }

    /**
     * Whether {@code path}'s store renames atomically; otherwise writes and reads use commit markers.
     */
    public static boolean hasAtomicRename(String path, Configuration conf) throws IOException {
        return target(path, conf).atomicRename();
    }

    /** Whether {@code fileName} is a temporary file of an unfinished (or crashed) write. */
    public static boolean isTemporaryName(String fileName) {
        return fileName != null && TEMP_NAME.matcher(fileName).matches();
    }

    /** Whether a file or directory exists at {@code path} (on marker stores, committed or not). */
    public static boolean exists(String path) throws IOException {
        return exists(path, null);
    }

    /** {@link #exists(String)} with extra Hadoop configuration (file system bindings, credentials). */
    public static boolean exists(String path, Configuration conf) throws IOException {
        Target t = target(path, conf);
        return t.fs().exists(t.path());
    }

    /** The whole file; refuses a file larger than {@code maxBytes}, naming the path and both sizes. */
    public static byte[] read(String path, long maxBytes) throws IOException {
        return read(path, maxBytes, null);
    }

    /**
     * {@link #read(String, long)} with extra Hadoop configuration. On stores without an atomic rename the
     * file must have a valid commit marker matching its length and SHA-256.
     */
    public static byte[] read(String path, long maxBytes, Configuration conf) throws IOException {
        Target t = target(path, conf);
        if (t.atomicRename()) {
            return readWhole(t.fs(), t.path(), path, maxBytes);
        }
        Path markerPath = marker(t.path());
        Commit commit;
        try {
            commit = Commit.parse(readWhole(t.fs(), markerPath, markerPath.toString(), MAX_MARKER_BYTES), path);
        } catch (FileNotFoundException e) {
            if (!t.fs().exists(t.path())) {
                throw e;
            }
            throw new IOException("File " + path + " is not committed: its commit marker " + markerPath
                    + " is missing (an unfinished or failed write)", e);
        }
        if (commit.length() > Math.min(maxBytes, Integer.MAX_VALUE - 16)) {
            throw new IOException("File " + path + " is " + commit.length() + " bytes, larger than the limit of "
                    + Math.min(maxBytes, Integer.MAX_VALUE - 16) + " bytes");
        }
        byte[] data = readWhole(t.fs(), t.path(), path, maxBytes);
        if (data.length != commit.length() || !sha256(data).equals(commit.sha256())) {
            throw new IOException("File " + path + " is not committed: its " + data.length
                    + " bytes do not match the commit marker " + markerPath + " (" + commit.length()
                    + " bytes, sha256 " + commit.sha256() + "); an unfinished or failed write");
        }
        return data;
    }

    private static byte[] readWhole(FileSystem fs, Path p, String name, long maxBytes) throws IOException {
        FileStatus st = fs.getFileStatus(p);
        if (st.isDirectory()) {
            throw new IOException("Cannot read " + name + ": it is a directory");
        }
        long limit = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        if (st.getLen() > limit) {
            throw new IOException("File " + name + " is " + st.getLen() + " bytes, larger than the limit of " + limit
                    + " bytes");
        }
        byte[] out = new byte[(int) st.getLen()];
        try (InputStream in = fs.open(p)) {
            int n = 0;
            while (n < out.length) {
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    throw new IOException("File " + name + " ended after " + n + " of its " + out.length + " bytes");
                }
                n += r;
            }
            if (in.read() >= 0) {
                throw new IOException("File " + name + " grew while it was read (beyond " + out.length + " bytes)");
            }
        }
        return out;
    }

    /**
     * Writes {@code data} to {@code path} atomically (temporary sibling, then rename; or a commit marker
     * last on stores without an atomic rename). Without {@code overwrite} an existing destination is
     * refused, naming the path, and left untouched.
     */
    public static void write(String path, byte[] data, boolean overwrite) throws IOException {
        write(path, data, overwrite, null);
    }

    /** {@link #write(String, byte[], boolean)} with extra Hadoop configuration. */
    public static void write(String path, byte[] data, boolean overwrite, Configuration conf) throws IOException {
        Target t = target(path, conf);
        Path dest = t.path();
        FileSystem fs = t.fs();
        if (!overwrite && fs.exists(dest)) {
            throw refusal(path, t.atomicRename() ? "" : committed(fs, dest) ? "" : " (an uncommitted file)");
        }
        Path parent = dest.getParent();
        if (parent == null) {
            throw new IOException("Cannot write " + path + ": it has no parent directory");
        }
        cleanLeftovers(fs, parent, dest.getName());
        Path tmp = new Path(parent, "." + dest.getName() + ".tmp-" + UUID.randomUUID());
        try {
            if (t.atomicRename()) {
                writeAtomically(t.context(), tmp, dest, data, overwrite, path);
            } else {
                writeWithMarker(fs, tmp, dest, data, overwrite, path);
            }
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static FileAlreadyExistsException refusal(String path, String detail) {
        return new FileAlreadyExistsException("Refusing to overwrite the existing file " + path + detail
                + "; pass overwrite=true to replace it");
    }

    private static void writeAtomically(FileContext fc, Path tmp, Path dest, byte[] data, boolean overwrite,
            String path) throws IOException {
        try (OutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
            out.write(data);
        }
        try {
            fc.rename(tmp, dest, overwrite ? Options.Rename.OVERWRITE : Options.Rename.NONE);
        } catch (FileAlreadyExistsException e) {
            throw refusal(path, " (it appeared while writing)");
        }
    }

    private static void writeWithMarker(FileSystem fs, Path tmp, Path dest, byte[] data, boolean overwrite,
            String path) throws IOException {
        try (OutputStream out = fs.create(tmp, false)) {
            out.write(data);
        }
        Path markerPath = marker(dest);
        // From here until the new marker is written the destination is refused as uncommitted.
        if (fs.exists(markerPath) && !fs.delete(markerPath, false) && fs.exists(markerPath)) {
            throw new IOException("Cannot write " + path + ": cannot delete its old commit marker " + markerPath);
        }
        if (fs.exists(dest)) {
            if (!overwrite) {
                throw refusal(path, " (it appeared while writing)");
            }
            if (fs.getFileStatus(dest).isDirectory()) {
                throw new IOException("Cannot write " + path + ": it is a directory");
            }
            if (!fs.delete(dest, false) && fs.exists(dest)) {
                throw new IOException("Cannot write " + path + ": cannot delete the old file");
            }
        }
        if (!fs.rename(tmp, dest)) {
            if (!overwrite && fs.exists(dest)) {
                throw refusal(path, " (it appeared while writing)");
            }
            throw new IOException("Cannot write " + path + ": renaming " + tmp + " to it failed");
        }
        long len = fs.getFileStatus(dest).getLen();
        if (len != data.length) {
            throw new IOException("Cannot write " + path + ": it holds " + len + " bytes after the rename instead of "
                    + data.length);
        }
        byte[] marker = (MARKER_HEADER + "\nlength " + data.length + "\nsha256 " + sha256(data) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = fs.create(markerPath, true)) {
            out.write(marker);
        }
    }

    private static boolean committed(FileSystem fs, Path dest) throws IOException {
        return fs.exists(marker(dest));
    }

    private static Path marker(Path dest) {
        return new Path(dest.getParent(), dest.getName() + COMMIT_SUFFIX);
    }

    /** Deletes the temporary siblings {@code .<name>.tmp-<uuid>} left by crashed writes of {@code name}. */
    private static void cleanLeftovers(FileSystem fs, Path parent, String name) throws IOException {
        FileStatus[] siblings;
        try {
            siblings = fs.listStatus(parent);
        } catch (FileNotFoundException e) {
            return;
        }
        for (FileStatus s : siblings) {
            Matcher m = TEMP_NAME.matcher(s.getPath().getName());
            if (s.isFile() && m.matches() && m.group(1).equals(name)) {
                fs.delete(s.getPath(), false);
            }
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A parsed commit marker. */
    private record Commit(long length, String sha256) {
        static Commit parse(byte[] bytes, String path) throws IOException {
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            if (lines.length == 4 && lines[0].equals(MARKER_HEADER) && lines[1].startsWith("length ")
                    && lines[2].startsWith("sha256 ") && lines[3].isEmpty()) {
                String sha = lines[2].substring(7);
                try {
                    long length = Long.parseLong(lines[1].substring(7));
                    if (length >= 0 && sha.matches("[0-9a-f]{64}")) {
                        return new Commit(length, sha);
                    }
                } catch (NumberFormatException e) {
                    // falls through to the refusal below
                }
            }
            throw new IOException("File " + path + " is not committed: its commit marker " + path + COMMIT_SUFFIX
                    + " is damaged (an unfinished or failed write)");
        }
    }
}
