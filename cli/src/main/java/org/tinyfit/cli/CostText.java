package org.tinyfit.cli;

import java.io.PrintWriter;
import java.util.List;
import org.tinyfit.cost.Cost;
import org.tinyfit.cost.Finding;
import org.tinyfit.cost.NodeCost;
import org.tinyfit.cost.TflmOverhead;
import org.tinyfit.device.Device;
import org.tinyfit.latency.Validation;

/** Renders a {@link Cost} as the text report of {@code tinyfit analyze}. */
final class CostText {
    private CostText() {}

    static void table(PrintWriter out, Cost c) {
        int opWidth = 18;
        for (NodeCost n : c.nodes()) opWidth = Math.max(opWidth, n.op().length());
        String head = "%4s %4s  %-" + opWidth + "s %-7s %-34s %12s %10s %10s %11s%n", row = "%4d %4d  %-" + opWidth + "s %-7s %-34s %,12d %,10d %,10d %,11.1f%n";
        out.printf(head, "step", "node", "op", "dtype", "input -> output", "MACs", "weights B", "activ. B", "latency us");
        for (NodeCost n : c.nodes()) {
            out.printf(row, n.step(), n.node(), n.op(), n.dtype(), shapes(n), n.macs(), n.weightBytes(), n.activationBytes(), n.latencyMicros());
        }
    }

    /** One row per board: flash, SRAM, latency and the verdict. */
    static void boards(PrintWriter out, List<Cost> costs, List<Device> boards) {
        int idWidth = 5;
        for (Device d : boards) idWidth = Math.max(idWidth, d.id().length());
        String head = "%-" + idWidth + "s %14s %7s %14s %7s %12s  %s%n", row = "%-" + idWidth + "s %,14d %6.1f%% %,14d %6.1f%% %,12.2f  %s%n";
        out.printf(head, "board", "flash B", "flash", "SRAM B", "SRAM", "latency ms", "verdict");
        for (int i = 0; i < costs.size(); i++) {
            Cost c = costs.get(i);
            Device d = boards.get(i);
            out.printf(row, d.id(), c.flashBytes(), 100.0 * c.flashBytes() / d.flashBytes(), c.sramBytes(), 100.0 * c.sramBytes() / d.sramBytes(),
                    c.latencyMillis(), c.verdict().sentence());
        }
    }

    /** The first input's shape and the first output's ("[1,96,96,1] -> [1,48,48,8]"). */
    static String shapes(NodeCost n) {
        String in = n.inputShapes().isEmpty() ? "[]" : dims(n.inputShapes().get(0));
        String s = in + " -> " + (n.outputShapes().isEmpty() ? "[]" : dims(n.outputShapes().get(0)));
        return s.length() <= 34 ? s : s.substring(0, 33) + "~";
    }

    static String dims(int[] d) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < d.length; i++) b.append(i == 0 ? "" : ",").append(d[i]);
        return b.append(']').toString();
    }

    static void totals(PrintWriter out, Cost c, Device d) {
        out.printf("totals:   %,d MACs, %,d element ops, %,d parameters, %d ops%n", c.macs(), c.elementOps(), c.parameters(), c.nodes().size());
        int kinds = TflmOverhead.opKinds(graphKinds(c)).size();
        out.printf("flash:    %,d B model%s + %,d B TFLite Micro code (16 KiB core + 2 KiB x %d op kinds) = %,d B of %,d B (%.1f%%)%n",
                c.modelBytes(), c.modelBytesMeasured() ? " file" : " (constants + estimated structure)", c.codeBytes(), kinds,
                c.flashBytes(), d.flashBytes(), 100.0 * c.flashBytes() / d.flashBytes());
        // The figure after "=" (or "->") is the one the verdict checks: more than head + tail when planning needs more.
        String sum = c.sramBytes() > c.peakSramBytes()
                ? String.format("%,d B kept (AllocateTensors needs %,d B while it plans) -> %,d B", c.peakSramBytes(), c.sramBytes(), c.sramBytes())
                : String.format("%,d B", c.sramBytes());
        out.printf("SRAM:     %,d B arena (%s; live-bytes lower bound %,d B) + %,d B TFLite Micro persistent (%s) = %s of %,d B (%.1f%%)%n",
                c.arenaBytes(), c.planner(), c.lowerBoundBytes(), c.persistentBytes(),
                c.persistentExact() ? "reference kernels" : "estimate: some kernels not modelled", sum, d.sramBytes(), 100.0 * c.sramBytes() / d.sramBytes());
        out.printf("arena:    tensor_arena of %,d B (16-byte aligned) for TFLite Micro on a %s; %,d B in a 64-bit host build%n",
                c.tensorArenaBytes(), c.persistentTarget(), c.hostTensorArenaBytes());
        String held = c.latencyExtrapolated() ? Validation.heldOutError(d.id(), d.core().display(), c.runtime()) : null;
        out.printf("latency:  %,.2f ms at %d MHz with %s (%s%s; see docs/devices.md)%n", c.latencyMillis(), d.clockHz() / 1_000_000, c.runtime(),
                c.latencyExtrapolated() ? "extrapolated: no published measurement of it on this board" : "fitted to this board's published measurements",
                held == null ? "" : "; figures like it were off by " + held);
        energy(out, c, d);
    }

    /** Totals of a generated C deployment ({@code Cost.codegen}): no interpreter, no persistent tail. */
    static void codegenTotals(PrintWriter out, Cost c, Device d) {
        out.printf("totals:   %,d MACs, %,d element ops, %,d parameters, %d ops%n", c.macs(), c.elementOps(), c.parameters(), c.nodes().size());
        out.printf("flash:    %,d B weights and tables + %,d B code (kernels, startup, driver; estimated for arm-none-eabi-gcc -Os) = %,d B of %,d B (%.1f%%)%n",
                c.modelBytes(), c.codeBytes(), c.flashBytes(), d.flashBytes(), 100.0 * c.flashBytes() / d.flashBytes());
        out.printf("SRAM:     %,d B arena (%s) + %,d B im2col column and input/output buffers = %,d B of %,d B (%.1f%%)%n",
                c.arenaBytes(), c.planner(), c.persistentBytes(), c.peakSramBytes(), d.sramBytes(), 100.0 * c.peakSramBytes() / d.sramBytes());
        out.printf("latency:  %,.2f ms at %d MHz with %s (its instructions counted on QEMU x TFLite Micro + CMSIS-NN's cycles per instruction; %s; see docs/devices.md)%n",
                c.latencyMillis(), d.clockHz() / 1_000_000, c.runtime(),
                c.latencyExtrapolated() ? "never timed on a board" : "scaled to this board's own measurement of it");
        energy(out, c, d);
    }

    static void energy(PrintWriter out, Cost c, Device d) {
        if (c.energyMicrojoules() != null) {
            out.printf("energy:   %,.0f uJ per inference (latency x %.1f mW measured on this board; %s)%n", c.energyMicrojoules(),
                    d.power().activeMilliwatts(), "see tinyfit devices --json");
        }
    }

    private static List<String> graphKinds(Cost c) {
        return c.nodes().stream().map(NodeCost::op).toList();
    }

    static void verdict(PrintWriter out, Cost c) {
        out.println("verdict:  " + c.verdict().sentence());
        for (Finding f : c.findings()) out.println((f.blocking() ? "problem:  " : "note:     ") + f.message());
        if (c.hybrid()) out.println("model:    hybrid (float activations, int8 weights): TFLite Micro cannot run it");
    }
}
