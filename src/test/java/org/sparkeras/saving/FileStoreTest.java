package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void reset() {
        FlakyFileSystem.reset();
    }

    private static Configuration flaky() {
        Configuration conf = new Configuration(false);
        conf.set("fs.flaky.impl", FlakyFileSystem.class.getName());
        conf.setBoolean("fs.flaky.impl.disable.cache", true);
        conf.setBoolean(FileStore.ATOMIC_RENAME_KEY, false);
        return conf;
    }

    private String local(String name) {
        return dir.resolve(name).toString();
    }

    private String flaky(String name) {
        return "flaky://" + dir.resolve(name).toUri().getPath();
    }

    private List<String> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void localWritesReadAndRefuseToOverwrite() throws IOException {
        String path = local("sub/m.bin");
        assertTrue(FileStore.hasAtomicRename(path, null));
        assertFalse(FileStore.exists(path));
        FileStore.write(path, bytes(1000, 1), false);
        assertTrue(FileStore.exists(path));
        assertArrayEquals(bytes(1000, 1), FileStore.read(path, 1000));
        IOException e = assertThrows(IOException.class, () -> FileStore.write(path, bytes(3, 2), false));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("overwrite"), e.getMessage());
        assertArrayEquals(bytes(1000, 1), FileStore.read(path, 1000));
        FileStore.write(path, bytes(3, 2), true);
        assertArrayEquals(bytes(3, 2), FileStore.read(path, 3));
        // Atomic rename: no marker, no temporary file, no .crc files.
        assertEquals(List.of("m.bin"), Files.list(dir.resolve("sub")).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void leftoverTemporaryFilesAreIgnoredAndCleanedByTheNextWrite() throws IOException {
        Files.write(dir.resolve(".m.bin.tmp-" + UUID.randomUUID()), bytes(10, 9));
        Files.write(dir.resolve(".m.bin.tmp-" + UUID.randomUUID()), bytes(5, 9));
        Files.write(dir.resolve(".other.bin.tmp-" + UUID.randomUUID()), bytes(5, 9));
        assertTrue(FileStore.isTemporaryName(".m.bin.tmp-" + UUID.randomUUID()));
        assertFalse(FileStore.isTemporaryName("m.bin"));
        assertFalse(FileStore.exists(local("m.bin")));
        assertThrows(FileNotFoundException.class, () -> FileStore.read(local("m.bin"), 100));
        FileStore.write(local("m.bin"), bytes(4, 4), false);
        assertArrayEquals(bytes(4, 4), FileStore.read(local("m.bin"), 100));
        List<String> names = listing();
        assertEquals(2, names.size(), names.toString());
        assertEquals("m.bin", names.get(1));
        assertTrue(names.get(0).startsWith(".other.bin.tmp-"), names.toString()); // another destination's
    }

    @Test
    void aSchemeWithoutAFileContextBindingUsesCommitMarkers() throws IOException {
        Configuration conf = flaky();
        conf.unset(FileStore.ATOMIC_RENAME_KEY);
        assertFalse(FileStore.hasAtomicRename(flaky("m.bin"), conf));
        Configuration local = new Configuration(false);
        local.setBoolean(FileStore.ATOMIC_RENAME_KEY, false);
        assertFalse(FileStore.hasAtomicRename(local("m.bin"), local));
        local.setBoolean("sparkeras.fs.file.atomic-rename", true);
        assertTrue(FileStore.hasAtomicRename(local("m.bin"), local));
        assertTrue(FileStore.NON_ATOMIC_SCHEMES.containsAll(List.of("s3a", "gs", "abfs", "wasb", "oss")));
    }

    @Test
    void markerStoreWritesCommitAndRefusesToOverwrite() throws IOException {
        Configuration conf = flaky();
        String path = flaky("m.bin");
        FileStore.write(path, bytes(1000, 1), false, conf);
        assertEquals(List.of("m.bin", "m.bin.committed"), listing());
        String marker = Files.readString(dir.resolve("m.bin.committed"));
        assertTrue(marker.startsWith("sparkeras-commit 1\nlength 1000\nsha256 "), marker);
        assertArrayEquals(bytes(1000, 1), FileStore.read(path, 1000, conf));
        IOException e = assertThrows(IOException.class, () -> FileStore.write(path, bytes(3, 2), false, conf));
        assertTrue(e.getMessage().contains(path), e.getMessage());
        assertArrayEquals(bytes(1000, 1), FileStore.read(path, 1000, conf));
        FileStore.write(path, bytes(3, 2), true, conf);
        assertArrayEquals(bytes(3, 2), FileStore.read(path, 1000, conf));
        assertEquals(List.of("m.bin", "m.bin.committed"), listing());
        assertTrue(FlakyFileSystem.renames >= 2);
        IOException big = assertThrows(IOException.class, () -> FileStore.read(path, 2, conf));
        assertTrue(big.getMessage().contains(path) && big.getMessage().contains("3"), big.getMessage());
    }

    @Test
    void aRenameFailingHalfWayLeavesTheDestinationRefusedAsUncommitted() throws IOException {
        Configuration conf = flaky();
        String path = flaky("m.bin");
        FileStore.write(path, bytes(1000, 1), false, conf);
        FlakyFileSystem.failRenameHalfway = true;
        assertThrows(IOException.class, () -> FileStore.write(path, bytes(800, 2), true, conf));
        // The half copy is at the destination but the marker is gone: never read as a model.
        assertEquals(400, Files.size(dir.resolve("m.bin")));
        assertEquals(List.of("m.bin"), listing());
        IOException e = assertThrows(IOException.class, () -> FileStore.read(path, 1000, conf));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("not committed"), e.getMessage());
        // Without overwrite the uncommitted file is still refused; with it, the write completes.
        IOException refused = assertThrows(IOException.class, () -> FileStore.write(path, bytes(8, 3), false, conf));
        assertTrue(refused.getMessage().contains("uncommitted"), refused.getMessage());
        FlakyFileSystem.failRenameHalfway = false;
        FileStore.write(path, bytes(800, 2), true, conf);
        assertArrayEquals(bytes(800, 2), FileStore.read(path, 1000, conf));
        assertEquals(List.of("m.bin", "m.bin.committed"), listing());
    }

    @Test
    void aFailedTemporaryWriteLeavesTheOldCommittedFile() throws IOException {
        Configuration conf = flaky();
        String path = flaky("m.bin");
        FileStore.write(path, bytes(1000, 1), false, conf);
        FlakyFileSystem.failWritesContaining = ".tmp-";
        assertThrows(IOException.class, () -> FileStore.write(path, bytes(800, 2), true, conf));
        assertArrayEquals(bytes(1000, 1), FileStore.read(path, 1000, conf));
        assertEquals(List.of("m.bin", "m.bin.committed"), listing());
    }

    @Test
    void aFailedMarkerWriteLeavesTheDestinationRefused() throws IOException {
        Configuration conf = flaky();
        String path = flaky("m.bin");
        FileStore.write(path, bytes(1000, 1), false, conf);
        FlakyFileSystem.failWritesContaining = FileStore.COMMIT_SUFFIX;
        assertThrows(IOException.class, () -> FileStore.write(path, bytes(800, 2), true, conf));
        IOException e = assertThrows(IOException.class, () -> FileStore.read(path, 1000, conf));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("not committed"), e.getMessage());
    }

    @Test
    void leftoverTemporaryFilesOnAMarkerStoreAreIgnoredAndCleaned() throws IOException {
        Configuration conf = flaky();
        String path = flaky("m.bin");
        Files.write(dir.resolve(".m.bin.tmp-" + UUID.randomUUID()), bytes(10, 9));
        assertThrows(FileNotFoundException.class, () -> FileStore.read(path, 100, conf));
        FileStore.write(path, bytes(6, 6), false, conf);
        assertEquals(List.of("m.bin", "m.bin.committed"), listing());
        assertArrayEquals(bytes(6, 6), FileStore.read(path, 100, conf));
    }

    @Test
    void aDamagedOrMismatchedMarkerIsRefused() throws IOException {
        Configuration conf = flaky();
        String path = flaky("m.bin");
        FileStore.write(path, bytes(100, 1), false, conf);
        Files.write(dir.resolve("m.bin"), bytes(100, 2)); // same length, other bytes
        IOException e = assertThrows(IOException.class, () -> FileStore.read(path, 1000, conf));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("sha256"), e.getMessage());
        Files.writeString(dir.resolve("m.bin.committed"), "sparkeras-commit 1\nlength 1", StandardCharsets.UTF_8);
        IOException damaged = assertThrows(IOException.class, () -> FileStore.read(path, 1000, conf));
        assertTrue(damaged.getMessage().contains(path) && damaged.getMessage().contains("damaged"),
                damaged.getMessage());
    }
}
