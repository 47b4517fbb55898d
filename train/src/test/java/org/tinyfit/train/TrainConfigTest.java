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

    @Test
    void valuesThatWouldFailOrMisleadLaterAreRefusedWhenBuilt() {
        assertEquals("label smoothing must be at least 0 and below 1, got 2.0",
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().labelSmoothing(2).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().labelSmoothing(-0.1f).build());
        assertEquals("weight decay must be 0 or more, got -1.0", assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().weightDecay(-1).build()).getMessage());
        assertEquals("warm-up must be 0 or more epochs, got -1.0", assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().warmupEpochs(-1).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().checkpointSteps(-3).build());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().lr(Float.POSITIVE_INFINITY).build());
        assertEquals(0, TrainConfig.builder().labelSmoothing(0).weightDecay(0).warmupEpochs(0).checkpointSteps(0).build().checkpointSteps());
    }
}
