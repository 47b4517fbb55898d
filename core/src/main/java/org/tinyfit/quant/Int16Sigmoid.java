package org.tinyfit.quant;

/**
 * TFLite's int16 sigmoid and tanh: a 256-entry table of sigmoid in unsigned 0.16 fixed point, read
 * with linear interpolation over the input's absolute value (tanh through tanh(x) = 2·sigmoid(2x) - 1),
 * bit-exact with {@code reference_integer_ops::Logistic} and {@code Tanh} for int16 in TFLite Micro.
 * The input is Q3.12 after the input multiplier (3 with no shift scales a Q3.12 input by 3/4 onto the
 * table's range, as TFLite's power-of-two case does); the outputs are Q0.15.
 *
 * <p>The table's entries are sigmoid(i/24) · 2^16 as TFLite publishes them
 * ({@code sigmoid_table_uint16}, tensorflow/lite/kernels/internal/common.h): TFLite's values differ
 * from the nearest integers by up to ±1.2 to reduce the interpolation error, so they are data, not a
 * formula; {@code Int16SigmoidTest} checks each against sigmoid(i/24) · 2^16 within that bound and
 * the table's shape (monotone, from 2^15 to 2^16 - 1).
 */
public final class Int16Sigmoid {
    private Int16Sigmoid() {}

    static final int[] TABLE = {
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
        43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
        51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
        57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
        61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
        63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
        64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
        64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
        65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
        65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
        65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
        65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
        65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
        65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
        65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
    };

    /**
     * The input scaling TFLite's int16 kernels apply before the table: a multiplier and a right shift
     * ({@code (x * multiplier + round) >> shift}). {@code multiplier} 0 with shift s is the power-of-two
     * case, multiplier {@code 3 << s} and no shift.
     */
    public record InputScaling(int multiplier, int shift) {
        public InputScaling {
            if (shift < 0) throw new IllegalArgumentException("input shift " + shift + " is negative");
            if (multiplier == 0) {
                multiplier = 3 << shift;
                shift = 0;
            }
        }

        int apply(int x) {
            int round = shift > 0 ? 1 << (shift - 1) : 0;
            return (x * multiplier + round) >> shift;
        }
    }

    /** The power-of-two scaling with no shift: a Q3.12 input. */
    public static final InputScaling Q3_12 = new InputScaling(0, 0);

    /** int16 sigmoid (output Q0.15, 0 to 32767) of {@code x} scaled by {@code s}. */
    public static short sigmoid(short x, InputScaling s) {
        int in = s.apply(x);
        int abs = Math.abs(in);
        int uh = abs >>> 9;
        int result;
        if (uh >= 255) {
            result = 0x7FFF << 10;
        } else {
            int ua = TABLE[uh], ub = TABLE[uh + 1];
            result = (ua << 9) + (abs & 0x1ff) * (ub - ua);
        }
        result = in >= 0 ? result + (1 << 9) : (1 << (16 + 9)) - result + (1 << 9) - 1;
        return (short) (result >>> 10);
    }

    /** int16 tanh (output Q0.15) of {@code x} scaled by {@code s}. */
    public static short tanh(short x, InputScaling s) {
        int in = s.apply(x);
        int abs = Math.abs(in);
        int uh = abs >>> 8;
        int result;
        if (uh >= 255) {
            result = 0xFFFF << 8;
        } else {
            int ua = TABLE[uh], ub = TABLE[uh + 1];
            result = (ua << 8) + (abs & 0xff) * (ub - ua);
        }
        result = in >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        return (short) (result >> (9 - 1));
    }

    /**
     * The scaling of TFLite Micro's LSTM for the tanh of a cell state whose scale is {@code 2^power}
     * ({@code lstm_internal::Tanh}): a left shift {@code 15 + power - 3} when it is not negative,
     * else multiplier 3 and a right shift by its magnitude.
     */
    public static InputScaling lstmTanhScaling(int cellScalePower) {
        int shift = 15 + cellScalePower - 3;
        return shift < 0 ? new InputScaling(3, -shift) : new InputScaling(0, shift);
    }
}
