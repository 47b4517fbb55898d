package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmulatedInstructionsTest {
    @Test
    void everyEmulatedVersionCoversThePublishedRowsItClaims() {
        List<Measurement> all = Measurements.builtin();
        EmulatedInstructions e = EmulatedInstructions.builtin();
        assertFalse(e.versions().isEmpty());
        for (EmulatedInstructions.Version v : e.versions()) {
            assertFalse(v.measuredAs().isEmpty(), v.id() + " is the software of no published row");
            for (String row : v.measuredAs()) {
                List<Measurement> rows = all.stream().filter(m -> EmulatedInstructions.row(m.board(), m.runtime()).equals(row)).toList();
                assertFalse(rows.isEmpty(), v.id() + " claims rows that are not in measurements.json: " + row.replace('\u0000', ' '));
                for (Measurement m : rows) assertNotNull(v.instructions().get(m.workload()), v.id() + " has no count for " + m.boardName() + " " + m.workload());
            }
        }
    }

    @Test
    void twoVersionsCannotClaimTheSameRows() {
        String row = EmulatedInstructions.row("NUCLEO-L4R5ZI", Runtimes.TFLM_CMSIS_NN);
        EmulatedInstructions.Version a = new EmulatedInstructions.Version("a", "a", "", List.of(row), Map.of("mlperf-tiny-kws", 1L));
        EmulatedInstructions.Version b = new EmulatedInstructions.Version("b", "b", "", List.of(EmulatedInstructions.row("nucleo-l4r5zi", Runtimes.TFLM_CMSIS_NN)), Map.of("mlperf-tiny-kws", 2L));
        assertThrows(IllegalArgumentException.class, () -> new EmulatedInstructions(List.of(a, b)));
        assertEquals(1L, new EmulatedInstructions(List.of(a)).instructions("nucleo-l4r5zi", Runtimes.TFLM_CMSIS_NN, "mlperf-tiny-kws"), "board ids match whatever their case");
    }
}
