package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.sparkeras.training.LocalTrainer;
import scala.reflect.ClassTag$;

/** The registrator's serializers round-trip every shipped class with registration required. */
class KryoRegistratorTest {
    @SuppressWarnings("unchecked")
    static <T> T roundTrip(SerializerInstance ser, T value) {
        ByteBuffer bytes = ser.serialize(value, ClassTag$.MODULE$.AnyRef());
        return (T) ser.deserialize(bytes, ClassTag$.MODULE$.AnyRef());
    }

    @Test
    void blocksSamplesRoundStatesAndResultsRoundTrip() {
        SparkConf conf = new SparkConf().set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.registrator", SparkerasKryoRegistrator.class.getName());
        SerializerInstance ser = new KryoSerializer(conf).newInstance();
        float[] big = new float[40_000]; // several 16K-float chunks
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i) * 1e3f;
        }
        big[7] = Float.NaN;
        big[9] = Float.NEGATIVE_INFINITY;
        Block b = roundTrip(ser, new Block(2, new float[][] {big, {1, 2}}, new float[][] {{3f, 4f}}, new double[] {0.5, 2}));
        assertEquals(2, b.rows);
        assertArrayEquals(big, b.x[0]);
        assertArrayEquals(new float[] {1, 2}, b.x[1]);
        assertArrayEquals(new double[] {0.5, 2}, b.weights);
        Sample s = roundTrip(ser, new Sample(new float[][] {{1, 2, 3}}, new float[][] {{4}}, 0.25));
        assertArrayEquals(new float[] {1, 2, 3}, s.x()[0]);
        assertEquals(0.25, s.weight());
        RoundState r = roundTrip(ser, new RoundState(3, 4, big, new float[][] {big.clone(), {5}}, 99, 1e-3));
        assertEquals(3, r.epoch);
        assertEquals(4, r.round);
        assertArrayEquals(big, r.params);
        assertArrayEquals(new float[] {5}, r.optimizerState[1]);
        assertEquals(99, r.iterations);
        assertEquals(1e-3, r.learningRate);
        LocalTrainer.Trackers.State t = new LocalTrainer.Trackers.State(1.5, new double[] {1, 2}, 10,
                new double[][] {{3, 4}});
        WorkerResult w = roundTrip(ser, new WorkerResult(1, 10, 2, big, new float[0][], t, false, 0, -1, -1, 123));
        assertArrayEquals(big, w.params);
        assertEquals(10, w.trackers.samples());
        assertArrayEquals(new double[] {3, 4}, w.trackers.metricStates()[0]);
        WorkerResult empty = roundTrip(ser, new WorkerResult(0, 0, 0, null, null, null, true, Double.NaN, 5, 3, 1));
        assertNull(empty.params);
        assertNull(empty.trackers);
        assertEquals(5, empty.badStep);
    }
}
