package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;

/** FileStore and model saving against a real HDFS: a one-datanode MiniDFSCluster on 127.0.0.1. */
class HdfsTest {
    @TempDir
    static Path base;

    private static MiniDFSCluster cluster;
    private static String root;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.setInt("dfs.replication", 1);
        conf.setInt("dfs.namenode.handler.count", 2);
        conf.setInt("dfs.namenode.service.handler.count", 2);
        conf.setInt("dfs.datanode.handler.count", 2);
        conf.setLong("dfs.heartbeat.interval", 1);
        conf.setInt("dfs.namenode.safemode.extension", 0);
        conf.setBoolean("dfs.permissions.enabled", false);
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile())
                .numDataNodes(1)
                .nameNodePort(0)
                .format(true)
                .checkDataNodeHostConfig(true)
                .build();
        cluster.waitActive();
        root = "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/sparkeras";
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(5);
    }

    private static FileStatus[] listing(String dir) throws IOException {
        FileSystem fs = cluster.getFileSystem();
        return fs.listStatus(new org.apache.hadoop.fs.Path(dir));
    }

    @Test
    void writesReadsAndRefusesToOverwriteOnHdfs() throws IOException {
        String path = root + "/files/data.bin";
        byte[] data = new byte[3000];
        Arrays.fill(data, (byte) 7);
        assertFalse(FileStore.exists(path));
        FileStore.write(path, data, false);
        assertTrue(FileStore.exists(path));
        assertArrayEquals(data, FileStore.read(path, 3000));

        IOException refused = assertThrows(IOException.class, () -> FileStore.write(path, new byte[] {1}, false));
        assertTrue(refused.getMessage().contains(path), refused.getMessage());
        assertArrayEquals(data, FileStore.read(path, 3000));

        FileStore.write(path, new byte[] {1, 2, 3}, true);
        assertArrayEquals(new byte[] {1, 2, 3}, FileStore.read(path, 10));
        // HDFS renames atomically: no commit marker, no temporary file left.
        FileStatus[] files = listing(root + "/files");
        assertEquals(1, files.length, Arrays.toString(files));
        assertEquals("data.bin", files[0].getPath().getName());
    }

    @Test
    void leftoverTemporaryFilesAreIgnoredAndCleanedOnHdfs() throws IOException {
        String dir = root + "/leftover";
        FileSystem fs = cluster.getFileSystem();
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir, ".m.bin.tmp-" + java.util.UUID.randomUUID());
        try (var out = fs.create(tmp)) {
            out.write(new byte[] {9, 9});
        }
        assertFalse(FileStore.exists(dir + "/m.bin"));
        assertThrows(IOException.class, () -> FileStore.read(dir + "/m.bin", 10));
        FileStore.write(dir + "/m.bin", new byte[] {4}, false);
        FileStatus[] files = listing(dir);
        assertEquals(1, files.length, Arrays.toString(files));
        assertArrayEquals(new byte[] {4}, FileStore.read(dir + "/m.bin", 10));
    }

    @Test
    void savesAndLoadsASequentialModelOnHdfs() {
        Sequential m = new Sequential(new Dense(5, "relu").inputShape(3), new Dense(2, "softmax"));
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
        String path = root + "/models/m.zip";
        m.save(path);
        Model copy = Model.load(path);
        assertEquals(m.predict(x), copy.predict(x));
        assertTrue(copy.isCompiled());
        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> m.save(path));
        assertTrue(refused.getMessage().contains("m.zip"), refused.getMessage());
        m.save(path, true);
        assertEquals(m.predict(x), Model.load(path).predict(x));
    }
}
