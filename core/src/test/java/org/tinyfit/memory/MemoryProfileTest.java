package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;

class MemoryProfileTest {

    @Test
    void liveRangesFollowTflmLifetimes() {
        Graph g = TestGraphs.helloWorld(DType.F32); // x=0, h1=2, h2=4, y=6
        LiveRanges r = LiveRanges.of(g, Schedule.stored(g));
        assertEquals(0, r.firstTime(0));
        assertEquals(1, r.lastTime(0));
        assertEquals(1, r.firstTime(2));
        assertEquals(2, r.lastTime(2));
        assertEquals(3, r.firstTime(6));
        assertEquals(3, r.lastTime(6));
        assertFalse(r.inArena(1), "weights are constants");
    }

    @Test
    void aGraphInputNoNodeReadsIsLiveOnlyWhileInputsArrive() {
        GraphBuilder b = new GraphBuilder("unused");
        int x = b.input("x", DType.I8, 1, 64);
        int unused = b.input("u", DType.I8, 1, 1000);
        Graph g = b.output(b.node(new Op.Relu(), "y", x)).build();
        LiveRanges r = LiveRanges.of(g, Schedule.stored(g));
        assertEquals(0, r.firstTime(unused));
        assertEquals(0, r.lastTime(unused));
        MemoryProfile p = MemoryProfile.of(g, Schedule.stored(g));
        assertEquals(64 + 1008, p.lowerBoundBytes());
        assertEquals(-1, p.peakStep());
    }

    @Test
    void profileOfAChainCountsEachStepsInputsAndOutputs() {
        Graph g = TestGraphs.helloWorld(DType.F32);
        MemoryProfile p = MemoryProfile.of(g, Schedule.stored(g));
        assertEquals(4, p.steps().size());
        assertEquals(16, p.at(0).liveBytes());
        assertEquals(16 + 64, p.at(1).liveBytes());
        assertEquals(128, p.at(2).liveBytes());
        assertEquals(64 + 16, p.at(3).liveBytes());
        assertArrayEquals(new int[] {2, 4}, p.at(2).liveTensors());
        assertEquals(128, p.lowerBoundBytes());
        assertEquals(1, p.peakStep());
        assertEquals(1, p.at(2).node());
    }

    @Test
    void scratchBuffersCountInTheProfile() {
        Graph g = TestGraphs.svdfHead();
        MemoryProfile p = MemoryProfile.of(g, Schedule.stored(g));
        assertEquals(512, p.at(2).scratchBytes());
        assertEquals(672, p.lowerBoundBytes());
    }

    @Test
    void theProfileSerializesToJson() throws Exception {
        Graph g = TestGraphs.helloWorld(DType.I8);
        String json = new ObjectMapper().writeValueAsString(MemoryProfile.of(g, Schedule.stored(g)));
        assertTrue(json.contains("\"lowerBoundBytes\":32"), json);
        assertTrue(json.contains("\"liveTensors\":[2,4]"), json);
    }
}
