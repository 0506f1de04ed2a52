package org.sparkeras.layers;

import java.util.ArrayList;
import java.util.List;
import org.sparkeras.autodiff.Tensor;

/**
 * A record of the layer calls of one forward pass on this thread: the graph of a subclassed model,
 * whose architecture is Java code, as the layers it applied to which tensors (ONNX export reads it).
 *
 * <pre>{@code
 * try (CallTrace trace = CallTrace.start()) {
 *     List<Tensor> outputs = model.call(inputs, false);
 *     for (CallTrace.Call c : trace.calls()) { ... c.layer(), c.inputs(), c.outputs() ... }
 * }
 * }</pre>
 *
 * Only the outermost calls are recorded: a layer that is itself a model (or calls layers inside
 * its own {@code call}) appears as one call. Calls go through {@link Layer#apply(Tensor, boolean)},
 * {@link Merge#apply(List, boolean)} and {@code Model.forward}; a tensor computed in any other way
 * (with {@code Ops} directly, {@code Tensor.constant}, a layer's {@code call} invoked by hand)
 * appears in no call, which is how a reader tells that the pass cannot be replayed from layers.
 */
public final class CallTrace implements AutoCloseable {
    private static final ThreadLocal<CallTrace> ACTIVE = new ThreadLocal<>();

    /** One outermost layer application: the layer, the tensors it received and those it returned. */
    public record Call(Layer layer, List<Tensor> inputs, List<Tensor> outputs) {}

    private final List<Call> calls = new ArrayList<>();
    private int depth;

    private CallTrace() {}

    /** Starts recording on this thread; close the trace to stop. Traces do not nest. */
    public static CallTrace start() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("A CallTrace is already recording on this thread");
        }
        CallTrace t = new CallTrace();
        ACTIVE.set(t);
        return t;
    }

    /** The calls recorded so far, in the order they returned. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        if (ACTIVE.get() == this) {
            ACTIVE.remove();
        }
    }

    /** Called by a layer before it computes: the active trace (its depth raised), or null. */
    public static CallTrace enter() {
        CallTrace t = ACTIVE.get();
        if (t != null) {
            t.depth++;
        }
        return t;
    }

    /**
     * Called by a layer after it computed (in a finally block, so {@code outputs} is null when the
     * call failed): records the call when it was an outermost one.
     */
    public void exit(Layer layer, List<Tensor> inputs, List<Tensor> outputs) {
        depth--;
        if (depth == 0 && outputs != null) {
            calls.add(new Call(layer, List.copyOf(inputs), List.copyOf(outputs)));
        }
    }
}
