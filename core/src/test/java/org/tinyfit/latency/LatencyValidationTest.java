package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyValidationTest {
    @Test
    void printTables() {
        List<Measurement> all = Measurements.builtin();
        LatencyFit fit = LatencyFit.of(all);
        for (String r : fit.runtimes()) System.out.println(r + " " + java.util.Arrays.toString(fit.cyclesPerUnit(r)));
        System.out.println("M33 " + fit.coreFactor("Cortex-M33") + " M7 " + fit.coreFactor("Cortex-M7"));
        System.out.println("LOBO\n" + Validation.table(Validation.leaveOneBoardOut(all)));
        System.out.println("LOMO\n" + Validation.table(Validation.leaveOneModelOut(all)));
    }
}
