package org.tinyfit.latency;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.device.Core;

/**
 * The software that runs a model, as {@code --runtime} names it. Latency depends on it as much as on
 * the core: the same network takes several times longer with TFLite Micro's portable reference
 * kernels than with CMSIS-NN's.
 */
public final class Runtimes {
    /** TensorFlow Lite Micro with its portable reference kernels. */
    public static final String TFLM_REF = "tflm-ref";
    /** TensorFlow Lite Micro with Arm's CMSIS-NN kernels (the default on Cortex-M cores with the DSP extension). */
    public static final String TFLM_CMSIS_NN = "tflm-cmsis-nn";
    /** TensorFlow Lite Micro with Espressif's ESP-NN kernels (the default on ESP32 chips). */
    public static final String TFLM_ESP_NN = "tflm-esp-nn";
    /** The C project tinyfit generates: portable int8 kernels called directly, no interpreter. */
    public static final String TINYFIT_C = "tinyfit-c";
    /** The board's own cycles-per-MAC table from the catalog ({@code latency.int8} and friends). */
    public static final String TABLE = "table";

    private Runtimes() {}

    /** The runtime most users of a core run: TFLite Micro with CMSIS-NN where the core has the DSP extension. */
    public static String defaultFor(Core core) {
        return switch (core) {
            case CORTEX_M4, CORTEX_M4F, CORTEX_M7, CORTEX_M33, CORTEX_M55 -> TFLM_CMSIS_NN;
            case XTENSA_LX6, XTENSA_LX7 -> TFLM_ESP_NN;
            case CORTEX_M0_PLUS, CORTEX_M3, RISCV32 -> TFLM_REF;
        };
    }

    /**
     * The cycles per unit of each {@link OpFeatures} column that a runtime's fit starts from, for a
     * Cortex-M4: estimates from the kernels' inner loops, which the measurements then move. With
     * CMSIS-NN a MAC of a matrix product costs about 2 cycles (SMLAD does two, the loads and the
     * im2col copy add the rest), a shallow first layer and a depthwise MAC about twice that (short
     * dot products, little reuse); the reference kernels compute each MAC in plain C with index
     * arithmetic and offset corrections (tens of cycles). Requantizing an output costs tens of cycles;
     * an op's dispatch and setup a few thousand.
     */
    static double[] prior(String runtime) {
        return switch (runtime) {
            case TFLM_REF -> new double[] {30, 30, 30, 30, 15, 60, 20, 3000};
            default -> new double[] {2.5, 5, 2, 4.5, 2, 15, 6, 3000};
        };
    }

    /** The runtimes tinyfit can predict: those with measurements, plus {@code tinyfit-c} and {@code table}. */
    public static List<String> choices(LatencyFit fit) {
        List<String> out = new ArrayList<>(fit.runtimes());
        out.add(TINYFIT_C);
        out.add(TABLE);
        return List.copyOf(out);
    }
}
