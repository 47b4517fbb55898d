package org.tinyfit.report;

import static org.tinyfit.report.Html.esc;
import static org.tinyfit.report.Html.num;
import static org.tinyfit.report.Svg.BOTTOM;
import static org.tinyfit.report.Svg.COLORS;
import static org.tinyfit.report.Svg.TOP;
import static org.tinyfit.report.Svg.W;

import java.util.List;

/** Resource bars as inline SVG: each resource's share of its limit, the limit at 100 %. */
final class Bars {
    private Bars() {}

    /** A resource bar: {@code used} of {@code limit}. */
    record Bar(String name, double used, double limit, String usedText, String limitText) {}

    /** Horizontal bars, each a resource's share of its limit, with the limit at 100 %. */
    static String of(String plot, List<Bar> bars) {
        int rowH = 34, h = TOP + BOTTOM + rowH * Math.max(1, bars.size());
        int left = 150, width = W - left - 150;
        double maxShare = 1;
        for (Bar r : bars) if (r.limit() > 0) maxShare = Math.max(maxShare, r.used() / r.limit());
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"plot\" data-plot=\"").append(esc(plot)).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W)
                .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(W).append(' ').append(h).append("\" font-family=\"sans-serif\">\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar r = bars.get(i);
            double share = r.limit() > 0 ? r.used() / r.limit() : 0;
            double y = TOP + i * rowH;
            double bw = Math.max(1, width * share / maxShare);
            String color = share <= 1 ? COLORS[2] : COLORS[1];
            b.append("<text x=\"").append(left - 8).append("\" y=\"").append(num(y + 17)).append("\" text-anchor=\"end\" font-size=\"12\">")
                    .append(esc(r.name())).append("</text>\n");
            b.append("<rect class=\"mark\" x=\"").append(left).append("\" y=\"").append(num(y + 4)).append("\" width=\"").append(num(bw))
                    .append("\" height=\"20\" fill=\"").append(color).append("\"><title>").append(esc(r.name() + ": " + r.usedText() + " of " + r.limitText()))
                    .append("</title></rect>\n");
            b.append("<text x=\"").append(num(left + bw + 6)).append("\" y=\"").append(num(y + 18)).append("\" font-size=\"11\">")
                    .append(esc(r.usedText() + " / " + r.limitText() + String.format(java.util.Locale.ROOT, " (%.0f%%)", share * 100)))
                    .append("</text>\n");
        }
        double x100 = left + width / maxShare;
        b.append("<line class=\"limit\" x1=\"").append(num(x100)).append("\" x2=\"").append(num(x100)).append("\" y1=\"").append(TOP - 4)
                .append("\" y2=\"").append(h - BOTTOM + 4).append("\" stroke=\"#444\" stroke-dasharray=\"6 4\"/>\n");
        b.append("<text x=\"").append(num(x100)).append("\" y=\"").append(TOP - 8).append("\" text-anchor=\"middle\" font-size=\"11\">limit</text>\n");
        return b.append("</svg>\n").toString();
    }
}
