package org.tinyfit.report;

import static org.tinyfit.report.Html.esc;
import static org.tinyfit.report.Html.num;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * The report's charts as inline SVG: no script, no external file. Every data mark (a line, a
 * rectangle, a point) has the class {@code mark} and a {@code <title>} shown on hover; each chart's
 * root carries {@code data-plot} with its name.
 */
final class Svg {
    private Svg() {}

    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
    static final int W = 760, H = 300, LEFT = 70, RIGHT = 20, TOP = 24, BOTTOM = 44;

    /** A block of the arena layout: live from {@code x0} to {@code x1}, at bytes {@code y0} to {@code y1}. */
    record Block(String label, double x0, double x1, double y0, double y1, int colorIndex) {}

    /** A point of a scatter plot; {@code highlighted} points are drawn filled and joined in x order. */
    record Point(String label, double x, double y, boolean highlighted) {}


    /** Lines over a common x axis (steps drawn as stairs when {@code stairs}), with an optional limit line. */
    static String lines(String plot, String xLabel, String yLabel, List<Series> series, boolean stairs,
                        Double limit, String limitLabel, DoubleFunction<String> yFormat) {
        double xMax = 1, yMax = 0, xMin = Double.MAX_VALUE;
        for (Series s : series) for (int i = 0; i < s.size(); i++) {
            xMax = Math.max(xMax, s.xAt(i));
            xMin = Math.min(xMin, s.xAt(i));
            yMax = Math.max(yMax, s.yAt(i));
        }
        if (xMin == Double.MAX_VALUE) xMin = 0;
        boolean limitAbove = false;
        if (limit != null) {
            if (limit <= yMax * 3) yMax = Math.max(yMax, limit);
            else limitAbove = true;
        }
        yMax = yMax <= 0 ? 1 : yMax * 1.08;
        Frame f = new Frame(xMin, stairs ? xMax + 1 : xMax, 0, yMax);
        StringBuilder b = open(plot, f, xLabel, yLabel, Html::num, yFormat);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < s.size(); i++) {
                double px = f.px(s.xAt(i)), py = f.py(s.yAt(i));
                d.append(i == 0 ? "M" : "L").append(num(px)).append(' ').append(num(py)).append(' ');
                if (stairs) d.append("L").append(num(f.px(s.xAt(i) + 1))).append(' ').append(num(py)).append(' ');
            }
            b.append("<path class=\"mark\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(COLORS[k % COLORS.length])
                    .append("\" d=\"").append(d.toString().trim()).append("\"><title>").append(esc(s.name())).append("</title></path>\n");
            if (!stairs) {
                for (int i = 0; i < s.size(); i++) {
                    b.append("<circle cx=\"").append(num(f.px(s.xAt(i)))).append("\" cy=\"").append(num(f.py(s.yAt(i))))
                            .append("\" r=\"3\" fill=\"").append(COLORS[k % COLORS.length]).append("\"/>");
                }
            }
        }
        if (limit != null && !limitAbove) {
            double py = f.py(limit);
            b.append("<line class=\"limit\" x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(num(py))
                    .append("\" y2=\"").append(num(py)).append("\" stroke=\"#444\" stroke-dasharray=\"6 4\"/>\n");
            b.append("<text x=\"").append(W - RIGHT - 4).append("\" y=\"").append(num(py - 5)).append("\" text-anchor=\"end\" font-size=\"11\">")
                    .append(esc(limitLabel)).append("</text>\n");
        } else if (limit != null) {
            b.append("<text class=\"limit\" x=\"").append(W - RIGHT - 4).append("\" y=\"").append(TOP + 12)
                    .append("\" text-anchor=\"end\" font-size=\"11\">").append(esc(limitLabel)).append(" (far above the plot)</text>\n");
        }
        legend(b, series.stream().map(Series::name).toList());
        return b.append("</svg>\n").toString();
    }

    /** Rectangles over time and bytes: the arena layout of a plan. */
    static String blocks(String plot, String xLabel, String yLabel, List<Block> blocks, double xMax, double arenaBytes,
                         DoubleFunction<String> yFormat) {
        Frame f = new Frame(0, Math.max(1, xMax), 0, Math.max(1, arenaBytes) * 1.05);
        StringBuilder b = open(plot, f, xLabel, yLabel, Html::num, yFormat);
        for (Block k : blocks) {
            double x = f.px(k.x0()), w = Math.max(1, f.px(k.x1()) - x);
            double y = f.py(k.y1()), h = Math.max(1, f.py(k.y0()) - y);
            b.append("<rect class=\"mark\" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                    .append("\" height=\"").append(num(h)).append("\" fill=\"").append(COLORS[k.colorIndex() % COLORS.length])
                    .append("\" fill-opacity=\"0.75\" stroke=\"#222\" stroke-width=\"0.5\"><title>").append(esc(k.label()))
                    .append("</title></rect>\n");
        }
        double py = f.py(arenaBytes);
        b.append("<line class=\"limit\" x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(num(py))
                .append("\" y2=\"").append(num(py)).append("\" stroke=\"#444\" stroke-dasharray=\"6 4\"/>\n");
        return b.append("</svg>\n").toString();
    }

    /** A scatter plot; the highlighted points are joined by a line (a Pareto front). */
    static String scatter(String plot, String xLabel, String yLabel, List<Point> points, DoubleFunction<String> xFormat) {
        double xMax = 1, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
        for (Point p : points) {
            xMax = Math.max(xMax, p.x());
            yMin = Math.min(yMin, p.y());
            yMax = Math.max(yMax, p.y());
        }
        if (points.isEmpty()) { yMin = 0; yMax = 1; }
        double pad = Math.max(1e-9, (yMax - yMin) * 0.08);
        Frame f = new Frame(0, xMax * 1.08, Math.max(0, yMin - pad), yMax + pad);
        StringBuilder b = open(plot, f, xLabel, yLabel, xFormat, Html::num);
        List<Point> front = new ArrayList<>(points.stream().filter(Point::highlighted).toList());
        front.sort((p, q) -> Double.compare(p.x(), q.x()));
        if (front.size() > 1) {
            StringBuilder d = new StringBuilder();
            for (int i = 0; i < front.size(); i++) {
                d.append(i == 0 ? "M" : "L").append(num(f.px(front.get(i).x()))).append(' ').append(num(f.py(front.get(i).y()))).append(' ');
            }
            b.append("<path class=\"front\" fill=\"none\" stroke=\"").append(COLORS[1]).append("\" stroke-width=\"1.5\" d=\"")
                    .append(d.toString().trim()).append("\"/>\n");
        }
        for (Point p : points) {
            b.append("<circle class=\"mark").append(p.highlighted() ? " on-front" : "").append("\" cx=\"").append(num(f.px(p.x())))
                    .append("\" cy=\"").append(num(f.py(p.y()))).append("\" r=\"").append(p.highlighted() ? 5 : 3.5)
                    .append("\" fill=\"").append(p.highlighted() ? COLORS[1] : "#9aa").append("\"><title>").append(esc(p.label()))
                    .append("</title></circle>\n");
        }
        return b.append("</svg>\n").toString();
    }

    /** The plot area's mapping from data to pixels. */
    private record Frame(double x0, double x1, double y0, double y1) {
        double px(double x) { return LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT); }
        double py(double y) { return H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM); }
    }

    private static StringBuilder open(String plot, Frame f, String xLabel, String yLabel, DoubleFunction<String> xFormat,
                                      DoubleFunction<String> yFormat) {
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"plot\" data-plot=\"").append(esc(plot)).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W)
                .append("\" height=\"").append(H).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" font-family=\"sans-serif\">\n");
        b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(W - LEFT - RIGHT).append("\" height=\"")
                .append(H - TOP - BOTTOM).append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n");
        double yUnit = yFormat == BYTES ? (f.y1() >= 1024 * 1024 * 2 ? 1024 * 1024 : f.y1() >= 2048 ? 1024 : 1) : 1;
        for (double t : ticks(f.y0(), f.y1(), yUnit)) {
            double py = f.py(t);
            b.append("<line x1=\"").append(LEFT - 4).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(num(py)).append("\" y2=\"")
                    .append(num(py)).append("\" stroke=\"#e4e4e4\"/>");
            b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(py + 4)).append("\" text-anchor=\"end\" font-size=\"10\">")
                    .append(esc(yFormat.apply(t))).append("</text>\n");
        }
        double xUnit = xFormat == BYTES ? (f.x1() >= 1024 * 1024 * 2 ? 1024 * 1024 : f.x1() >= 2048 ? 1024 : 1) : 1;
        for (double t : ticks(f.x0(), f.x1(), xUnit)) {
            double px = f.px(t);
            b.append("<text x=\"").append(num(px)).append("\" y=\"").append(H - BOTTOM + 14).append("\" text-anchor=\"middle\" font-size=\"10\">")
                    .append(esc(xFormat.apply(t))).append("</text>\n");
        }
        b.append("<text x=\"").append((LEFT + W - RIGHT) / 2).append("\" y=\"").append(H - 8).append("\" text-anchor=\"middle\" font-size=\"12\">")
                .append(esc(xLabel)).append("</text>\n");
        b.append("<text transform=\"translate(14 ").append((TOP + H - BOTTOM) / 2).append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">")
                .append(esc(yLabel)).append("</text>\n");
        return b;
    }

    private static void legend(StringBuilder b, List<String> names) {
        double x = LEFT + 8;
        for (int k = 0; k < names.size(); k++) {
            b.append("<rect x=\"").append(num(x)).append("\" y=\"").append(TOP + 6).append("\" width=\"12\" height=\"4\" fill=\"")
                    .append(COLORS[k % COLORS.length]).append("\"/>");
            b.append("<text x=\"").append(num(x + 16)).append("\" y=\"").append(TOP + 12).append("\" font-size=\"11\">").append(esc(names.get(k)))
                    .append("</text>\n");
            x += 30 + 6.5 * names.get(k).length();
        }
    }

    /** An axis format for bytes: ticks fall on round KB (or MB) values. */
    static final DoubleFunction<String> BYTES = v -> Html.bytes((long) v);

    /** About five round tick values between lo and hi, round in multiples of {@code unit}. */
    static List<Double> ticks(double lo, double hi, double unit) {
        List<Double> t = new ArrayList<>();
        if (!(hi > lo)) return t;
        if (unit != 1) {
            for (double v : ticks(lo / unit, hi / unit, 1)) t.add(v * unit);
            return t;
        }
        double raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag >= 5 ? 10 * mag : raw / mag >= 2 ? 5 * mag : raw / mag >= 1 ? 2 * mag : mag;
        for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        return t;
    }
}
