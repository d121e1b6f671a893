package io.sdfleet.worker.rng;

/**
 * The 32-bit Mersenne Twister exactly as PyTorch's {@code at::mt19937} runs it: the classic
 * Matsumoto–Nishimura recurrence, seeded with only the low 32 bits of the 64-bit seed, and the whole
 * state regenerated lazily on the first draw after seeding and after every 624 draws.
 *
 * <p>Why not {@code java.util.Random} or a library: the point is equality with torch's output stream, and
 * the only way to get that is the same recurrence, seeding and tempering. Not thread-safe: one owner.
 */
final class Mt19937 {

    private static final int STATE_SIZE = 624;
    private static final int SHIFT_SIZE = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;
    private static final int INIT_MULTIPLIER = 1812433253;

    private final int[] state = new int[STATE_SIZE];
    /** Draws left before the state must be regenerated; 1 right after seeding, as in torch. */
    private int left;
    private int next;

    /** Seeds like torch: {@code state[0] = seed & 0xffffffff}; the high 32 bits are ignored. */
    Mt19937(long seed) {
        state[0] = (int) seed;
        for (int j = 1; j < STATE_SIZE; j++) {
            int previous = state[j - 1];
            state[j] = INIT_MULTIPLIER * (previous ^ (previous >>> 30)) + j;
        }
        left = 1;
        next = 0;
    }

    /** The next 32 random bits (an unsigned value carried in an int). */
    int nextInt() {
        if (--left == 0) {
            regenerate();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** Two draws joined as torch's {@code random64()} does: the first draw is the high word. */
    long nextLong() {
        long high = nextInt() & 0xffffffffL;
        long low = nextInt() & 0xffffffffL;
        return (high << 32) | low;
    }

    private void regenerate() {
        left = STATE_SIZE;
        next = 0;
        int k = 0;
        for (; k < STATE_SIZE - SHIFT_SIZE; k++) {
            state[k] = state[k + SHIFT_SIZE] ^ twist(state[k], state[k + 1]);
        }
        for (; k < STATE_SIZE - 1; k++) {
            state[k] = state[k + SHIFT_SIZE - STATE_SIZE] ^ twist(state[k], state[k + 1]);
        }
        state[k] = state[k + SHIFT_SIZE - STATE_SIZE] ^ twist(state[k], state[0]);
    }

    private static int twist(int u, int v) {
        int mixed = (u & UPPER_MASK) | (v & LOWER_MASK);
        return (mixed >>> 1) ^ ((v & 1) != 0 ? MATRIX_A : 0);
    }
}
