package org.sparkeras.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One differentiable operation. The forward value is computed by the factory that creates the op
 * (see {@link Ops}) and handed to {@link #output(INDArray)}; {@link #backward} receives the gradient
 * of the output and passes gradients to the inputs through {@link Tape#accumulate}.
 */
public abstract class Op {
    protected final Tensor[] inputs;
    protected Tensor output;

    protected Op(Tensor... inputs) {
        this.inputs = inputs;
    }

    /** Records this op on the active tape (when any input needs a gradient) and returns its output. */
    protected final Tensor output(INDArray value) {
        Tape tape = Tape.active();
        boolean needsGrad = false;
        if (tape != null) {
            for (Tensor t : inputs) {
                needsGrad |= t.requiresGrad;
            }
        }
        if (!needsGrad) {
            return new Tensor(value, null, null, false);
        }
        output = new Tensor(value, this, null, true);
        tape.record(this);
        return output;
    }

    /** Computes the gradients of the inputs from {@code gradOutput}, the gradient of the output. */
    protected abstract void backward(Tape tape, INDArray gradOutput);

    public Tensor input(int i) {
        return inputs[i];
    }

    public int inputCount() {
        return inputs.length;
    }

    /**
     * The Keras activation this op applies ("softmax", "sigmoid"), or null. Cross-entropy losses use
     * it to differentiate with respect to the logits directly, as Keras does.
     */
    public String activation() {
        return null;
    }

    public String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "op" : n;
    }
}
