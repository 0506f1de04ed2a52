package org.sparkeras.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.models.Sequential;

/** The record of a forward pass's outermost layer calls. */
class CallTraceTest {

    @Test
    void recordsTheOutermostCallsWithTheirTensors() {
        Dense first = new Dense(3, "relu");
        Sequential tower = new Sequential(new Dense(4).inputShape(3), new Dense(2));
        Add add = new Add();
        Tensor x = Tensor.constant(Nd4j.rand(DataType.FLOAT, 5, 3));
        List<CallTrace.Call> calls;
        Tensor h, t, sum;
        try (CallTrace trace = CallTrace.start()) {
            h = first.apply(x, false);
            t = tower.apply(h, false);          // a model: one call, its two Dense layers inside it are not recorded
            sum = add.apply(List.of(t, t), false);
            calls = trace.calls();
        }
        assertEquals(3, calls.size());
        assertSame(first, calls.get(0).layer());
        assertSame(x, calls.get(0).inputs().get(0));
        assertSame(h, calls.get(0).outputs().get(0));
        assertSame(tower, calls.get(1).layer());
        assertSame(t, calls.get(1).outputs().get(0));
        assertSame(add, calls.get(2).layer());
        assertEquals(List.of(t, t), calls.get(2).inputs());
        assertSame(sum, calls.get(2).outputs().get(0));

        // Stopped: later calls are not recorded, and a new trace starts empty.
        first.apply(x, false);
        try (CallTrace again = CallTrace.start()) {
            assertEquals(List.of(), again.calls());
        }
    }

    @Test
    void aFailedCallIsNotRecordedAndTheTraceGoesOn() {
        Dense dense = new Dense(2);
        Tensor x = Tensor.constant(Nd4j.rand(DataType.FLOAT, 4, 3));
        try (CallTrace trace = CallTrace.start()) {
            dense.apply(x, false);
            Tensor wrong = Tensor.constant(Nd4j.rand(DataType.FLOAT, 4, 5));
            assertThrows(IllegalArgumentException.class, () -> dense.apply(wrong, false));
            dense.apply(x, false);
            assertEquals(2, trace.calls().size());
            IllegalStateException e = assertThrows(IllegalStateException.class, CallTrace::start);
            assertEquals("A CallTrace is already recording on this thread", e.getMessage());
        }
    }
}
