package org.tinyfit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tinyfit.cli.Main;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.LiveRanges;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.Schedule;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Opens generated reports in headless Chromium: no console errors, every plot present in the
 * rendered DOM with as many marks as the data has, and a screenshot that is not blank (kept in
 * {@code target/report-artifacts}).
 */
class ReportBrowserTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
    static final Path ARTIFACTS = Path.of("target", "report-artifacts");
    static HeadlessChromium chromium;

    @BeforeAll static void browser() throws Exception {
        chromium = HeadlessChromium.find();
        Files.createDirectories(ARTIFACTS);
    }

    @Test void personDetectReportRendersEveryPlotInChromium() throws Exception {
        Graph g = TfliteReader.read(MODELS.resolve("person_detect.tflite"));
        Device d = DeviceCatalog.builtin().find("nucleo-f446re");
        ModelReport.Plans plans = ModelReport.Plans.of(g);
        Report r = new Report("person_detect");
        ModelReport.add(r, g, d, d.sramBytes(), d.flashBytes(), Files.size(MODELS.resolve("person_detect.tflite")), plans);
        checkInBrowser("person_detect", r, expectedMarks(g, plans), g.nodes().size());
    }

    @Test void analyzeReportOfPersonDetectRendersEveryPlot() throws Exception {
        Path model = MODELS.resolve("person_detect.tflite");
        Path html = ARTIFACTS.resolve("analyze_person_detect.html");
        cli("analyze", model.toString(), "--device", "nucleo-f446re", "--report", html.toString());
        Graph g = TfliteReader.read(model);
        checkPage("analyze_person_detect", html, expectedMarks(g, ModelReport.Plans.of(g)), g.nodes().size());
    }

    @Test void analyzeReportOnSeveralBoardsHasOneResourcesPlotPerBoard() throws Exception {
        Path model = MODELS.resolve("hello_world_int8.tflite");
        Path html = ARTIFACTS.resolve("analyze_hello_world_boards.html");
        cli("analyze", model.toString(), "--device", "nucleo-f446re,arduino-nano-33-ble-sense", "--report", html.toString());
        Graph g = TfliteReader.read(model);
        Map<String, Integer> expected = expectedMarks(g, ModelReport.Plans.of(g));
        expected.put("resources-arduino-nano-33-ble-sense", 2);
        checkPage("analyze_hello_world_boards", html, expected, g.nodes().size());
    }

    @Test void optimizeReportOfPersonDetectRendersEveryPlot() throws Exception {
        checkOptimizeReport("optimize_person_detect", MODELS.resolve("person_detect.tflite"), "nucleo-f446re");
    }

    @Test void optimizeReportOfABranchyModelShowsBothOrders() throws Exception {
        Path model = Files.createDirectories(ARTIFACTS.resolve("models")).resolve("two_branches.tflite");
        Files.write(model, TfliteWriter.write(twoBranches()));
        Map<String, Integer> marks = checkOptimizeReport("optimize_two_branches", model, "arduino-nano-33-ble-sense");
        assertEquals(2, marks.get("memory-timeline"), "the stored and the optimized order");
    }

    /** Runs optimize with --json and --report; what the report must draw follows from the figures it prints and the graph. */
    private static Map<String, Integer> checkOptimizeReport(String name, Path model, String board) throws Exception {
        Path html = ARTIFACTS.resolve(name + ".html");
        String json = cli("optimize", model.toString(), "-o", ARTIFACTS.resolve(name + ".tflite").toString(), "--json",
                "--device", board, "--report", html.toString());
        JsonNode figures = new ObjectMapper().readTree(json);
        Graph g = TfliteReader.read(model);
        Schedule stored = Schedule.stored(g), minPeak = MinPeakScheduler.minimize(g).schedule();
        boolean improved = figures.get("bestPlanArenaBytes").asLong() < figures.get("storedOrderArenaBytes").asLong();
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("resources", 2);
        expected.put("memory-timeline", improved && !minPeak.equals(stored) ? 2 : 1);
        expected.put("arena-tflm", LiveRanges.of(g, stored).buffers().size());
        if (improved) expected.put("arena-tinyfit", LiveRanges.of(g, minPeak).buffers().size());
        checkPage(name, html, expected, g.nodes().size());
        String page = Files.readString(html);
        assertTrue(page.contains(Html.bytes(figures.get("writtenArenaBytes").asLong())), "the written arena is in the report");
        return expected;
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, String.join(" ", args) + "\n" + err);
        return out.toString();
    }

    /** One mark per resource bar, per order drawn, per buffer of each arena plan drawn. */
    private static Map<String, Integer> expectedMarks(Graph g, ModelReport.Plans plans) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("resources", 2);
        expected.put("memory-timeline", plans.optimized().equals(plans.stored()) ? 1 : 2);
        expected.put("arena-tflm", LiveRanges.of(g, plans.stored()).buffers().size());
        if (plans.improved()) expected.put("arena-tinyfit", LiveRanges.of(g, plans.optimized()).buffers().size());
        return expected;
    }

    @Test void branchyModelShowsBothOrdersAndBothPlans() throws Exception {
        Graph g = twoBranches();
        ModelReport.Plans plans = ModelReport.Plans.of(g);
        assertTrue(plans.best().arenaBytes() < plans.tflm().arenaBytes(), "the wide branch stored first makes a smaller plan possible");
        Report r = ModelReport.of(g, DeviceCatalog.builtin().find("arduino-nano-33-ble-sense"), -1);
        checkInBrowser("two_branches", r, Map.of("resources", 2, "memory-timeline", 2,
                "arena-tflm", LiveRanges.of(g, plans.stored()).buffers().size(),
                "arena-tinyfit", LiveRanges.of(g, plans.optimized()).buffers().size()), g.nodes().size());
    }

    /** Two branches joined by a concatenation; the branch that expands first is stored first. */
    static Graph twoBranches() {
        GraphBuilder b = new GraphBuilder("two-branches");
        int x = b.input("x", DType.F32, null, 1, 16, 16, 4);
        int a1 = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "a/expand", x,
                b.constant("a/w", DType.F32, Shape.of(32, 1, 1, 4), null, new byte[32 * 4 * 4]),
                b.constant("a/b", DType.F32, Shape.of(32), null, new byte[32 * 4]));
        int a2 = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "a/pool", a1);
        int b1 = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "b/pool", x);
        int b2 = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "b/expand", b1,
                b.constant("b/w", DType.F32, Shape.of(32, 1, 1, 4), null, new byte[32 * 4 * 4]),
                b.constant("b/b", DType.F32, Shape.of(32), null, new byte[32 * 4]));
        int cat = b.node(new Op.Concat(3, Op.Act.NONE), "concat", a2, b2);
        return b.output(cat).build();
    }

    @Test void searchAndTrainingPlotsRenderEveryPoint() throws Exception {
        Report r = new Report("search");
        List<Report.Candidate> cands = List.of(new Report.Candidate("c0", 30_000, 85.5), new Report.Candidate("c1", 52_000, 88.0),
                new Report.Candidate("c2", 60_000, 86.0), new Report.Candidate("c3 <b>", 20_000, 70.25));
        r.searchScatter(cands);
        r.trainingCurves("Training loss", "loss", List.of(Series.of("train", 2.1, 1.2, 0.8, 0.6), Series.of("validation", 2.0, 1.3, 0.9, 0.8)));
        checkInBrowser("search", r, Map.of("search", 4, "training-loss", 2), 0);
    }

    private static void checkInBrowser(String name, Report r, Map<String, Integer> marks, int tableRows) throws Exception {
        Path html = ARTIFACTS.resolve(name + ".html");
        r.write(html);
        checkPage(name, html, marks, tableRows);
    }

    private static void checkPage(String name, Path html, Map<String, Integer> marks, int tableRows) throws Exception {
        assumeTrue(chromium != null, "no chromium on this machine (Debian: apt-get install chromium); ./run-tests installs it");
        Path png = ARTIFACTS.resolve(name + ".png");
        Files.deleteIfExists(png);
        HeadlessChromium.Page page = chromium.load(html, png, 1000, 2400);
        for (String line : page.console()) {
            assertTrue(!line.contains("Uncaught") && !line.contains(":ERROR:CONSOLE"), "console error in " + name + ": " + line);
        }
        Map<String, Integer> found = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<svg class=\"plot\" data-plot=\"([^\"]+)\"(.*?)</svg>", Pattern.DOTALL).matcher(page.dom());
        while (m.find()) {
            Matcher mark = Pattern.compile("class=\"mark[\" ]").matcher(m.group(2));
            int n = 0;
            while (mark.find()) n++;
            found.put(m.group(1), n);
        }
        assertEquals(marks, found, "plots and their marks in the rendered page");
        if (tableRows > 0) {
            int rows = page.dom().split("<tr>", -1).length - 2; // header row excluded
            assertEquals(tableRows, rows, "one table row per node");
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() == 1000, "a screenshot was taken");
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
        assertTrue(colours.size() > 20, "the screenshot shows a drawn page, not a blank one (" + colours.size() + " colours)");
    }
}
