package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelFolder;
import io.sdfleet.worker.model.TinyModelFiles;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxRuntimeTextEncoderTest {
    private static final int START = 49406;
    private static final int END = 49407;
    private static OnnxRuntimeTextEncoder encoder;

    @BeforeAll
    static void open() throws Exception {
        encoder = OnnxRuntimeTextEncoder.load(ModelFolder.load(TinyModelFiles.tinyModel()).textEncoder(),
                RuntimeSettings.defaults());
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    /** SD 1.x layout: start token, ids, end token, padded with the end token to 77. */
    private static int[] prompt(int... ids) {
        int[] row = new int[TextEncoderRuntime.SEQUENCE_LENGTH];
        Arrays.fill(row, END);
        row[0] = START;
        System.arraycopy(ids, 0, row, 1, ids.length);
        return row;
    }

    @Test
    void encodesTokenIdsIntoOneStatePerPosition() {
        float[] states = encoder.encode(new int[][] {prompt(320, 1125, 539), prompt()});
        assertEquals(32, encoder.hiddenSize());
        assertEquals(2 * 77 * encoder.hiddenSize(), states.length);
        for (float v : states) {
            assertTrue(Float.isFinite(v) && Math.abs(v) < 20, "state out of range: " + v);
        }
    }

    @Test
    void eachPromptIsEncodedIndependentlyAndDeterministically() {
        int[] a = prompt(320, 1125, 539);
        int[] b = prompt(2368, 530, 320, 6011);
        float[] both = encoder.encode(new int[][] {a, b});
        float[] alone = encoder.encode(new int[][] {b});
        int item = 77 * encoder.hiddenSize();
        float[] second = Arrays.copyOfRange(both, item, 2 * item);
        assertTrue(UNetRuntimeContract.maxAbsDiff(alone, second) < 1e-5f);
        assertArrayEquals(alone, encoder.encode(new int[][] {b}));
    }

    @Test
    void theWholeVocabularyIsAccepted() {
        float[] states = encoder.encode(new int[][] {prompt(0, 1, 49405, 49404, 12345)});
        assertEquals(77 * encoder.hiddenSize(), states.length);
    }

    @Test
    void differentPromptsGiveDifferentStatesAndTheCausalMaskHoldsEarlierPositions() {
        float[] a = encoder.encode(new int[][] {prompt(320, 1125)});
        float[] b = encoder.encode(new int[][] {prompt(320, 4558)});
        int d = encoder.hiddenSize();
        // positions 0 and 1 see only tokens 0..1, which are equal: the causal mask keeps them equal
        assertTrue(UNetRuntimeContract.maxAbsDiff(Arrays.copyOfRange(a, 0, 2 * d), Arrays.copyOfRange(b, 0, 2 * d)) < 1e-6f);
        assertTrue(UNetRuntimeContract.maxAbsDiff(Arrays.copyOfRange(a, 2 * d, 3 * d),
                Arrays.copyOfRange(b, 2 * d, 3 * d)) > 1e-3f);
    }

    @Test
    void wrongSequenceLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new int[][] {new int[76]}));
    }
}
