package org.tinyfit.report;

import static org.tinyfit.report.Html.esc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tinyfit.cost.Cost;
import org.tinyfit.cost.NodeCost;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.ArenaBuffer;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.LiveRanges;
import org.tinyfit.memory.MemoryProfile;
import org.tinyfit.memory.Schedule;

/**
 * One self-contained HTML page about a model: tables and inline SVG charts, no network, no external
 * file. Sections are added in the order they should appear; {@link #html()} renders the page.
 */
public final class Report {
    private final String title;
    private final List<String> facts = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();

    public Report(String title) { this.title = title; }

    /** A line of the summary at the top ("Board: …", "Test accuracy: …"). */
    public Report fact(String name, String value) {
        facts.add("<div class=\"fact\"><span>" + esc(name) + "</span><b>" + esc(value) + "</b></div>");
        return this;
    }

    /** The per-layer table of a cost report, in the order the schedule runs the nodes. */
    public Report layers(Cost c) {
        StringBuilder b = new StringBuilder("<table class=\"sortable\"><thead><tr>");
        for (String h : List.of("step", "node", "op", "type", "output", "MACs", "weights", "activations", "latency (ms)")) {
            b.append("<th>").append(esc(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (NodeCost n : c.nodes()) {
            b.append("<tr><td>").append(n.step()).append("</td><td>").append(n.node()).append("</td><td>").append(esc(n.op()))
                    .append("</td><td>").append(esc(n.dtype())).append("</td><td>").append(esc(shapes(n.outputShapes())))
                    .append("</td><td data-v=\"").append(n.macs()).append("\">").append(Html.count(n.macs()))
                    .append("</td><td data-v=\"").append(n.weightBytes()).append("\">").append(Html.bytes(n.weightBytes()))
                    .append("</td><td data-v=\"").append(n.activationBytes()).append("\">").append(Html.bytes(n.activationBytes()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.3f", n.latencyMicros() / 1000)).append("</td></tr>\n");
        }
        b.append("</tbody></table>");
        return section("layers", "Layers", "Every node in the order it runs: its work, the constant bytes it reads from flash and the "
                + "activation bytes it reads and writes, and its estimated latency on the board. Click a heading to sort.", b.toString());
    }

    /** Flash, SRAM and (when {@code latencyLimitMillis} is given) latency against the board's own limits. */
    public Report resources(Cost c, Device d, Double latencyLimitMillis) {
        return resources(c, d, d.sramBytes(), d.flashBytes(), latencyLimitMillis);
    }

    /** Flash, SRAM and (when {@code latencyLimitMillis} is given) latency against the given limits on board {@code d}. */
    public Report resources(Cost c, Device d, long sramLimitBytes, long flashLimitBytes, Double latencyLimitMillis) {
        return resources("resources", c, d, sramLimitBytes, flashLimitBytes, latencyLimitMillis);
    }

    /** As {@link #resources(Cost, Device, long, long, Double)}, in a section and plot named {@code id} (one per board when there are several). */
    public Report resources(String id, Cost c, Device d, long sramLimitBytes, long flashLimitBytes, Double latencyLimitMillis) {
        List<Bars.Bar> bars = new ArrayList<>();
        bars.add(new Bars.Bar("SRAM", c.sramBytes(), sramLimitBytes, Html.bytes(c.sramBytes()), Html.bytes(sramLimitBytes)));
        bars.add(new Bars.Bar("flash", c.flashBytes(), flashLimitBytes, Html.bytes(c.flashBytes()), Html.bytes(flashLimitBytes)));
        if (latencyLimitMillis != null) {
            double ms = c.latencyMicros() / 1000;
            bars.add(new Bars.Bar("latency", ms, latencyLimitMillis, fmtMs(ms), fmtMs(latencyLimitMillis)));
        }
        return section(id, "Against " + d.name(), c.verdict().sentence() + ". SRAM = tensor_arena " + Html.bytes(c.sramBytes()) + " (arena " + Html.bytes(c.arenaBytes())
                + " + runtime data " + Html.bytes(c.persistentBytes()) + (c.sramBytes() > c.peakSramBytes() ? ", more while TFLite Micro plans" : "")
                + "); flash = model " + Html.bytes(c.modelBytes()) + " + runtime code "
                + Html.bytes(c.codeBytes()) + "; latency " + fmtMs(c.latencyMicros() / 1000) + " (estimated).", Bars.of(id, bars));
    }

    /**
     * Live activation bytes at every step of each order, with the board's SRAM as a line. Each entry
     * of {@code orders} is drawn as one line named by its key.
     */
    public Report memoryTimeline(Graph g, List<NamedSchedule> orders, long sramBytes) {
        List<Series> series = new ArrayList<>();
        for (NamedSchedule o : orders) {
            MemoryProfile p = MemoryProfile.of(g, o.schedule());
            double[] x = new double[p.steps().size()], y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = p.steps().get(i).time();
                y[i] = p.steps().get(i).liveBytes();
            }
            series.add(new Series(o.name() + " (peak " + Html.bytes(p.lowerBoundBytes()) + ")", x, y));
        }
        return section("memory-timeline", "Memory over time", "Bytes of activations alive at each step (time 0: the inputs arrive; "
                + "time s+1: step s runs). The peak of an order is the least arena any plan for it can have.",
                Svg.lines("memory-timeline", "time (step + 1)", "live bytes", series, true, (double) sramBytes,
                        "board SRAM " + Html.bytes(sramBytes), Svg.BYTES));
    }

    /** Where a plan puts each tensor: one rectangle per buffer, over its lifetime and its bytes in the arena. */
    public Report arenaLayout(String id, String heading, Graph g, Schedule schedule, ArenaPlan plan) {
        LiveRanges ranges = LiveRanges.of(g, schedule);
        List<Svg.Block> blocks = new ArrayList<>();
        for (ArenaBuffer b : ranges.buffers()) {
            int colour = blocks.size(); // the palette in turn, so consecutive tensors differ
            long off = b.isScratch() ? plan.scratchOffset(b.node(), b.scratchIndex()) : plan.offset(b.tensor());
            String label = (b.isScratch() ? "scratch " + b.scratchIndex() + " of node " + b.node()
                    : "tensor " + b.tensor() + " " + g.tensor(b.tensor()).name()) + ": " + Html.bytes(b.alignedBytes()) + " at offset "
                    + Html.count(off) + ", times " + b.firstTime() + "–" + b.lastTime();
            blocks.add(new Svg.Block(label, b.firstTime(), b.lastTime() + 1, off, off + b.alignedBytes(), colour));
        }
        return section(id, heading, plan.planner() + ": an arena of " + Html.bytes(plan.arenaBytes()) + " (dashed line) for "
                + ranges.buffers().size() + " buffers. Each rectangle is one tensor (or a kernel's scratch buffer) from the step that "
                + "writes it to the last that reads it.", Svg.blocks(id, "time (step + 1)", "arena offset",
                blocks, ranges.lastTime() + 1, plan.arenaBytes(), Svg.BYTES));
    }

    /** The search: every candidate's accuracy against its peak SRAM, with the front of those no other beats on both. */
    public Report searchScatter(List<Candidate> candidates) {
        List<Svg.Point> pts = new ArrayList<>();
        long front = 0;
        for (Candidate c : candidates) {
            boolean onFront = true;
            for (Candidate o : candidates) {
                if (o != c && o.sramBytes() <= c.sramBytes() && o.accuracyPercent() >= c.accuracyPercent()
                        && (o.sramBytes() < c.sramBytes() || o.accuracyPercent() > c.accuracyPercent())) onFront = false;
            }
            if (onFront) front++;
            pts.add(new Svg.Point(c.label() + ": " + String.format(Locale.ROOT, "%.2f%%", c.accuracyPercent()) + ", " + Html.bytes(c.sramBytes()),
                    c.sramBytes(), c.accuracyPercent(), onFront));
        }
        return section("search", "Search", candidates.size() + " candidates evaluated; " + front + " on the Pareto front (red): "
                + "no other candidate is both smaller and more accurate.",
                Svg.scatter("search", "peak SRAM", "validation accuracy (%)", pts, Svg.BYTES));
    }

    /** Curves over epochs (loss, accuracy). */
    public Report trainingCurves(String heading, String yLabel, List<Series> curves) {
        return section("training-" + slug(yLabel), heading, "Per epoch, as the trainer measured it.",
                Svg.lines("training-" + slug(yLabel), "epoch", yLabel, curves, false, null, null, Html::num));
    }

    /** A free section of plain text paragraphs. */
    public Report text(String id, String heading, String... paragraphs) {
        StringBuilder b = new StringBuilder();
        for (String p : paragraphs) b.append("<p>").append(esc(p)).append("</p>");
        return section(id, heading, null, b.toString());
    }

    /** An order of the nodes with a name for the legend. */
    public record NamedSchedule(String name, Schedule schedule) {}

    /** One evaluated candidate of a search. */
    public record Candidate(String label, long sramBytes, double accuracyPercent) {}

    private Report section(String id, String heading, String intro, String body) {
        sections.add("<section id=\"" + esc(id) + "\"><h2>" + esc(heading) + "</h2>" + (intro == null ? "" : "<p>" + esc(intro) + "</p>")
                + body + "</section>\n");
        return this;
    }

    /** The whole page. */
    public String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>").append(PageAssets.CSS).append("</style></head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        if (!facts.isEmpty()) b.append("<div class=\"facts\">").append(String.join("", facts)).append("</div>\n");
        for (String s : sections) b.append(s);
        return b.append("<script>").append(PageAssets.SCRIPT).append("</script>\n</body></html>\n").toString();
    }

    /** Writes the page (UTF-8). */
    public void write(Path file) throws IOException { Files.writeString(file, html(), StandardCharsets.UTF_8); }

    private static String shapes(List<int[]> shapes) {
        List<String> s = new ArrayList<>();
        for (int[] sh : shapes) s.add(java.util.Arrays.toString(sh).replace(" ", ""));
        return String.join(" ", s);
    }

    private static String fmtMs(double ms) { return String.format(Locale.ROOT, "%.2f ms", ms); }

    private static String slug(String s) { return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", ""); }
}
