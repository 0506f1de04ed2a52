package org.sparkeras.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads the mapped columns of a {@link Row} into a {@link Sample}. Built on the driver from the
 * DataFrame's schema, where the column names and types are checked before any Spark job starts;
 * widths that only the data can tell (vector and array columns) are checked per row, naming the
 * column, the partition and the row.
 */
final class RowReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { SCALAR, ARRAY, ML_VECTOR, MLLIB_VECTOR }

    private record Column(String name, int index, Kind kind) implements Serializable {
    }

    private final List<List<Column>> inputs;
    private final List<String> inputNames;
    private final int[] inputWidths;
    private final List<List<Column>> outputs;
    private final List<String> outputNames;
    private final Column weight;

    /**
     * @param inputWidths the values per sample each input expects (the product of its shape)
     */
    RowReader(StructType schema, List<List<String>> inputColumns, List<String> inputNames, int[] inputWidths,
            List<List<String>> outputColumns, List<String> outputNames, String weightColumn) {
        this.inputs = resolve(schema, inputColumns, inputNames, "input");
        this.inputNames = List.copyOf(inputNames);
        this.inputWidths = inputWidths.clone();
        this.outputs = outputColumns == null ? List.of() : resolve(schema, outputColumns, outputNames, "output");
        this.outputNames = outputNames == null ? List.of() : List.copyOf(outputNames);
        this.weight = weightColumn == null ? null : column(schema, weightColumn, "sample weight");
        if (weight != null && weight.kind != Kind.SCALAR) {
            throw new IllegalArgumentException("Sample-weight column \"" + weightColumn + "\" must be numeric, its type is "
                    + schema.apply(weightColumn).dataType().simpleString());
        }
        for (int i = 0; i < inputs.size(); i++) {
            List<Column> cols = inputs.get(i);
            boolean allScalar = cols.stream().allMatch(c -> c.kind == Kind.SCALAR);
            if (allScalar && cols.size() != inputWidths[i]) {
                throw new IllegalArgumentException("Input \"" + inputNames.get(i) + "\" expects " + inputWidths[i]
                        + " values per sample, but " + cols.size() + " numeric columns are mapped to it: "
                        + cols.stream().map(Column::name).toList());
            }
        }
    }

    private static List<List<Column>> resolve(StructType schema, List<List<String>> columns, List<String> names,
            String kind) {
        List<List<Column>> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            List<Column> cols = new ArrayList<>();
            for (String c : columns.get(i)) {
                cols.add(column(schema, c, kind + " \"" + names.get(i) + "\""));
            }
            out.add(cols);
        }
        return out;
    }

    private static Column column(StructType schema, String name, String what) {
        int index;
        try {
            index = schema.fieldIndex(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Column \"" + name + "\" (mapped to " + what + ") is not in the DataFrame; "
                    + "its columns are " + List.of(schema.fieldNames()));
        }
        StructField f = schema.fields()[index];
        return new Column(name, index, kind(f.dataType(), name, what));
    }

    private static Kind kind(DataType t, String name, String what) {
        if (t instanceof NumericType || t instanceof DecimalType) {
            return Kind.SCALAR;
        }
        if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
            return Kind.ARRAY;
        }
        if (t instanceof UserDefinedType<?> u) {
            if (Vector.class.isAssignableFrom(u.userClass())) {
                return Kind.ML_VECTOR;
            }
            if (org.apache.spark.mllib.linalg.Vector.class.isAssignableFrom(u.userClass())) {
                return Kind.MLLIB_VECTOR;
            }
        }
        throw new IllegalArgumentException("Column \"" + name + "\" (mapped to " + what + ") has type " + t.simpleString()
                + "; expected a numeric column, an array of numbers or a Spark ML vector");
    }

    /** The number of model outputs this reader fills (0 for prediction). */
    int outputs() {
        return outputs.size();
    }

    boolean weighted() {
        return weight != null;
    }

    /** Reads row {@code row} (the {@code rowIndex}-th of partition {@code partition}, for messages). */
    Sample read(Row r, int partition, long rowIndex) {
        float[][] x = new float[inputs.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = values(r, inputs.get(i), partition, rowIndex);
            if (x[i].length != inputWidths[i]) {
                throw new IllegalArgumentException("Partition " + partition + ", row " + rowIndex + ": input \""
                        + inputNames.get(i) + "\" from columns " + names(inputs.get(i)) + " has " + x[i].length
                        + " values, the model expects " + inputWidths[i] + " per sample");
            }
        }
        float[][] y = new float[outputs.size()][];
        for (int i = 0; i < y.length; i++) {
            y[i] = values(r, outputs.get(i), partition, rowIndex);
        }
        double w = 1.0;
        if (weight != null) {
            Object v = r.get(weight.index);
            if (v == null) {
                throw nullValue(weight, partition, rowIndex);
            }
            w = ((Number) v).doubleValue();
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("Partition " + partition + ", row " + rowIndex + ": sample weight "
                        + w + " in column \"" + weight.name + "\"; expected a finite number >= 0");
            }
        }
        return new Sample(x, y, w);
    }

    private static List<String> names(List<Column> cols) {
        return cols.stream().map(Column::name).toList();
    }

    private static IllegalArgumentException nullValue(Column c, int partition, long row) {
        return new IllegalArgumentException("Partition " + partition + ", row " + row + ": column \"" + c.name
                + "\" is null; every mapped column needs a value");
    }

    private static float[] values(Row r, List<Column> cols, int partition, long row) {
        if (cols.size() == 1) {
            return values(r, cols.get(0), partition, row);
        }
        List<float[]> parts = new ArrayList<>(cols.size());
        int n = 0;
        for (Column c : cols) {
            float[] v = values(r, c, partition, row);
            parts.add(v);
            n += v.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, out, k, v.length);
            k += v.length;
        }
        return out;
    }

    private static float[] values(Row r, Column c, int partition, long row) {
        Object v = r.get(c.index);
        if (v == null) {
            throw nullValue(c, partition, row);
        }
        switch (c.kind) {
            case SCALAR:
                return new float[] {((Number) v).floatValue()};
            case ML_VECTOR: {
                double[] d = v instanceof DenseVector dv ? dv.values() : ((Vector) v).toArray();
                return toFloats(d);
            }
            case MLLIB_VECTOR:
                return toFloats(((org.apache.spark.mllib.linalg.Vector) v).toArray());
            default: {
                List<Object> l = r.getList(c.index);
                float[] out = new float[l.size()];
                for (int i = 0; i < out.length; i++) {
                    Object e = l.get(i);
                    if (e == null) {
                        throw new IllegalArgumentException("Partition " + partition + ", row " + row + ": column \""
                                + c.name + "\" holds a null at position " + i);
                    }
                    out[i] = ((Number) e).floatValue();
                }
                return out;
            }
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
