package org.sparkeras.saving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * All file I/O of model saving, through Hadoop's {@link FileContext}, so {@code file:}, {@code hdfs:}
 * and {@code s3a:} paths work; a plain path means the local file system. The local file system is the
 * raw one: no {@code .crc} side files.
 *
 * <p>Writes are atomic on file systems with an atomic rename (local, HDFS; RELIABILITY.md case 16):
 * the bytes go to a temporary sibling {@code .<name>.tmp-<uuid>}, which is then renamed into place, so
 * the destination holds the old or the new complete file. On failure the temporary file is deleted.
 * An existing destination is replaced only when asked (case 17).
 */
public final class FileStore {
    private FileStore() {}

    private static Configuration conf() {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        conf.set("fs.AbstractFileSystem.file.impl", "org.apache.hadoop.fs.local.RawLocalFs");
        return conf;
    }

    private static Path path(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("A file path is required, received " + (path == null ? "null" : "\"\""));
        }
        return new Path(path);
    }

    private static FileContext context(Path p) throws IOException {
        Configuration conf = conf();
        return FileContext.getFileContext(p.getFileSystem(conf).getUri(), conf);
    }

    /** Whether a file or directory exists at {@code path}. */
    public static boolean exists(String path) throws IOException {
        Path p = path(path);
        return context(p).util().exists(p);
    }

    /** The whole file; refuses a file larger than {@code maxBytes}, naming the path and both sizes. */
    public static byte[] read(String path, long maxBytes) throws IOException {
        Path p = path(path);
        FileContext fc = context(p);
        FileStatus st = fc.getFileStatus(p);
        if (st.isDirectory()) {
            throw new IOException("Cannot read " + path + ": it is a directory");
        }
        long limit = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        if (st.getLen() > limit) {
            throw new IOException("File " + path + " is " + st.getLen() + " bytes, larger than the limit of " + limit
                    + " bytes");
        }
        byte[] out = new byte[(int) st.getLen()];
        try (InputStream in = fc.open(p)) {
            int n = 0;
            while (n < out.length) {
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    throw new IOException("File " + path + " ended after " + n + " of its " + out.length + " bytes");
                }
                n += r;
            }
            if (in.read() >= 0) {
                throw new IOException("File " + path + " grew while it was read (beyond " + out.length + " bytes)");
            }
        }
        return out;
    }

    /**
     * Writes {@code data} to {@code path} atomically (temporary sibling, then rename). Without
     * {@code overwrite} an existing destination is refused, naming the path, and left untouched.
     */
    public static void write(String path, byte[] data, boolean overwrite) throws IOException {
        Path dest = path(path);
        FileContext fc = context(dest);
        if (!overwrite && fc.util().exists(dest)) {
            throw new FileAlreadyExistsException("Refusing to overwrite the existing file " + path
                    + "; pass overwrite=true to replace it");
        }
        Path parent = dest.getParent();
        if (parent == null) {
            throw new IOException("Cannot write " + path + ": it has no parent directory");
        }
        Path tmp = new Path(parent, "." + dest.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (OutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
                out.write(data);
            }
            try {
                fc.rename(tmp, dest, overwrite ? Options.Rename.OVERWRITE : Options.Rename.NONE);
            } catch (FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException("Refusing to overwrite the existing file " + path
                        + " (it appeared while writing); pass overwrite=true to replace it");
            }
        } catch (IOException | RuntimeException e) {
            try {
                fc.delete(tmp, false);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
