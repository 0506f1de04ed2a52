package org.sparkeras.saving;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code flaky:}, behaving like an object store: rename copies,
 * then deletes, refuses an existing destination, and can be told to fail half way through the copy;
 * a write to a file whose name contains {@link #failWritesContaining} fails after half its bytes.
 * Register with {@code fs.flaky.impl} and {@code fs.flaky.impl.disable.cache=true}.
 */
public class FlakyFileSystem extends RawLocalFileSystem {
    static volatile boolean failRenameHalfway;
    static volatile String failWritesContaining;
    static volatile int renames;

    static void reset() {
        failRenameHalfway = false;
        failWritesContaining = null;
        renames = 0;
    }

    @Override
    public URI getUri() {
        return URI.create("flaky:///");
    }

    @Override
    public String getScheme() {
        return "flaky";
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        FSDataOutputStream out = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
        String marker = failWritesContaining;
        if (marker == null || !f.getName().contains(marker)) {
            return out;
        }
        return new FSDataOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len / 2);
                out.flush();
                throw new IOException("injected failure writing " + f);
            }
        }, null);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        renames++;
        if (exists(dst)) {
            return false;
        }
        byte[] data;
        try (InputStream in = open(src)) {
            data = in.readAllBytes();
        }
        try (OutputStream out = super.create(dst, FsPermission.getFileDefault(), false, 4096, (short) 1, 1 << 20,
                null)) {
            if (failRenameHalfway) {
                out.write(data, 0, data.length / 2);
                out.flush();
                throw new IOException("injected failure half way through copying " + src + " to " + dst);
            }
            out.write(data);
        }
        return delete(src, false);
    }
}
