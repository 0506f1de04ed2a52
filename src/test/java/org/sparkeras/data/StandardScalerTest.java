package org.sparkeras.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StandardScalerTest {
    private static INDArray matrix(DataType type, double[][] rows) {
        return Nd4j.create(rows).castTo(type);
    }

    @Test
    void fitLearnsMeanAndPopulationStandardDeviation() {
        INDArray x = matrix(DataType.FLOAT, new double[][] {{1, 10, -2}, {3, 10, 0}, {5, 10, 2}});

        StandardScaler scaler = new StandardScaler().fit(x);

        assertArrayEquals(new double[] {3, 10, 0}, scaler.mean(), 0);
        // deviations -2, 0, 2: variance 8 / 3 with divisor n (ddof = 0); the constant column keeps scale 1
        assertArrayEquals(new double[] {Math.sqrt(8.0 / 3), 1, Math.sqrt(8.0 / 3)}, scaler.scale(), 1e-15);
    }

    @Test
    void transformReturnsANewFloatArrayAndLeavesTheInputAlone() {
        INDArray x = matrix(DataType.DOUBLE, new double[][] {{1, 10, -2}, {3, 10, 0}, {5, 10, 2}});
        StandardScaler scaler = new StandardScaler().fit(x);

        INDArray z = scaler.transform(x);

        assertEquals(DataType.FLOAT, z.dataType());
        assertArrayEquals(new long[] {3, 3}, z.shape());
        float a = (float) Math.sqrt(1.5); // 2 / sqrt(8 / 3)
        assertArrayEquals(new float[] {-a, 0, -a, 0, 0, 0, a, 0, a}, z.data().asFloat(), 1e-7f);
        assertNotSame(x, z);
        assertEquals(DataType.DOUBLE, x.dataType());
        assertEquals(5.0, x.getDouble(2, 0));
        // a view of columns transforms like the copied columns
        StandardScaler viewScaler = new StandardScaler().fit(x.getColumns(0, 2));
        assertArrayEquals(new double[] {3, 0}, viewScaler.mean(), 0);
        assertArrayEquals(new float[] {-a, -a, 0, 0, a, a}, viewScaler.transform(x.getColumns(0, 2)).data().asFloat(),
                1e-7f);
    }

    @Test
    void trainStatisticsStandardizeTrainAndAreReusedOnTest() throws IOException {
        CaliforniaHousing housing = CaliforniaHousing.load(CaliforniaHousingTest.BUNDLED);
        CaliforniaHousing.Splits s = CaliforniaHousing.split(housing.features(), housing.target(), 42);
        StandardScaler scaler = new StandardScaler().fit(s.xTrain());
        double[] mean = scaler.mean();
        double[] scale = scaler.scale();

        INDArray train = scaler.transform(s.xTrain());
        double[][] z = train.toDoubleMatrix();
        for (int j = 0; j < 8; j++) {
            double sum = 0;
            for (double[] row : z) {
                sum += row[j];
            }
            double m = sum / z.length;
            double squares = 0;
            for (double[] row : z) {
                squares += (row[j] - m) * (row[j] - m);
            }
            String name = CaliforniaHousing.FEATURE_NAMES.get(j);
            assertEquals(0, m, 1e-4, name + " mean");
            assertEquals(1, Math.sqrt(squares / z.length), 1e-4, name + " standard deviation");
        }

        INDArray test = scaler.transform(s.xTest());
        assertArrayEquals(new long[] {5160, 8}, test.shape());
        double[][] raw = s.xTest().toDoubleMatrix();
        double[][] scaled = test.toDoubleMatrix();
        for (int i = 0; i < raw.length; i += 97) {
            for (int j = 0; j < 8; j++) {
                double expected = (float) ((raw[i][j] - mean[j]) / scale[j]);
                assertEquals(expected, scaled[i][j], 0, "test row " + i + " column " + j);
            }
        }
        // The test set's own statistics differ, so using them would be a different transform.
        StandardScaler onTest = new StandardScaler().fit(s.xTest());
        for (int j = 0; j < 8; j++) {
            assertNotEquals(mean[j], onTest.mean()[j], CaliforniaHousing.FEATURE_NAMES.get(j));
        }
    }

    @Test
    void statisticsOfTheWholeDataSetMatchPython() throws IOException {
        CaliforniaHousing housing = CaliforniaHousing.load(CaliforniaHousingTest.BUNDLED);

        StandardScaler scaler = new StandardScaler().fit(housing.features());

        // python3 over the 20,640 float-rounded feature rows: mean and population standard deviation
        double[] mean = {3.8706710030346416, 28.639486434108527, 5.428999742082962, 1.0966751499462497,
                1425.4767441860465, 3.0706551620260227, 35.63186143109965, -119.56970444871473};
        double[] std = {1.8997756949935525, 12.585252725724594, 2.4741132082752895, 0.4738993723777127,
                1132.4346877576115, 10.38579823483292, 2.135900636943707, 2.003483207176804};
        for (int j = 0; j < 8; j++) {
            assertEquals(mean[j], scaler.mean()[j], 1e-9 * Math.abs(mean[j]));
            assertEquals(std[j], scaler.scale()[j], 1e-9 * std[j]);
        }
    }

    @Test
    void misuseIsRefusedWithTheExpectedAndTheReceived() {
        StandardScaler scaler = new StandardScaler();
        IllegalStateException notFitted = assertThrows(IllegalStateException.class,
                () -> scaler.transform(Nd4j.zeros(DataType.FLOAT, 2, 3)));
        assertEquals("StandardScaler.transform: this scaler is not fitted yet; call fit with the training features"
                + " first", notFitted.getMessage());

        scaler.fit(matrix(DataType.FLOAT, new double[][] {{1, 2, 3}, {4, 5, 6}}));
        IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
                () -> scaler.transform(Nd4j.zeros(DataType.FLOAT, 2, 6)));
        assertEquals("StandardScaler.transform: expected 3 columns (the number seen by fit), received shape [2, 6]",
                columns.getMessage());

        IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
                () -> new StandardScaler().fit(Nd4j.zeros(DataType.FLOAT, 4)));
        assertEquals("StandardScaler.fit: expected a matrix [samples, features], received shape [4]",
                vector.getMessage());

        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new StandardScaler().fit(matrix(DataType.FLOAT, new double[][] {{1, 2}, {Double.NaN, 4}})));
        assertEquals("StandardScaler.fit: expected finite values, found NaN at row 1, column 0", nan.getMessage());

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new StandardScaler().fit(Nd4j.zeros(DataType.FLOAT, 0, 3)));
        assertEquals("StandardScaler.fit: expected at least one sample and one feature, received shape [0, 3]",
                empty.getMessage());
    }
}
