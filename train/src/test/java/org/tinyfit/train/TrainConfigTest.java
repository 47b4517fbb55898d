package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void theBuilderStartsFromTheDefaultsAndChangesOnlyWhatItIsTold() {
        TrainConfig d = TrainConfig.defaults();
        TrainConfig c = TrainConfig.builder().epochs(3).lr(0.01f).build();
        assertEquals(d.toBuilder().build(), d);
        assertEquals(3, c.epochs());
        assertEquals(0.01f, c.lr());
        assertEquals(d.toBuilder().epochs(3).lr(0.01f).build(), c);
        assertEquals(15, d.epochs());
        assertEquals("adamw", d.optimizer());
        assertEquals(100, d.checkpointSteps());
    }

    @Test
    void toBuilderKeepsEveryField() {
        TrainConfig c = TrainConfig.builder().epochs(2).batch(7).optimizer("sgd").lr(0.5f).schedule("step").warmupEpochs(0.5f).minLr(1e-4f)
                .stepDecay(3, 0.5f).momentum(0.8f).weightDecay(0f).labelSmoothing(0f).seed(9).threads(3).augmentations(List.of()).checkpointSteps(0).build();
        assertEquals(c, c.toBuilder().build());
        assertNotEquals(c.fingerprint(), c.toBuilder().seed(10).build().fingerprint());
    }

    @Test
    void aValueOutOfRangeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().optimizer("rmsprop").build());
        assertEquals("optimizer must be adamw, adam or sgd, got rmsprop", e.getMessage());
    }
}
