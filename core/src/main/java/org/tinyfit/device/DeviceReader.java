package org.tinyfit.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads one device object of a catalog, naming the field of any mistake. */
final class DeviceReader {
    private final String where;
    private final JsonNode node;

    DeviceReader(String where, JsonNode node) {
        this.where = where;
        this.node = node;
    }

    Device device() {
        if (node == null || !node.isObject()) throw fail("", "must be an object");
        String id = text(node, "id", true);
        String at = where + " (" + id + ")";
        DeviceReader r = new DeviceReader(at, node);
        String coreName = text(node, "core", true);
        Core core = Core.parse(coreName);
        if (core == null) throw r.fail("core", "\"" + coreName + "\" is not a known core; use one of " + Core.choices());
        long sram = r.positiveLong(node, "sramBytes");
        long largest = node.has("largestSramBlockBytes") ? r.positiveLong(node, "largestSramBlockBytes") : sram;
        if (largest > sram) throw r.fail("largestSramBlockBytes", "is " + largest + ", more than sramBytes " + sram);
        return new Device(id, r.text(node, "name", false), r.text(node, "mcu", false), core,
                r.positiveLong(node, "clockHz"), sram, largest, r.positiveLong(node, "flashBytes"),
                r.source(r.object(node, "source")), r.latency(r.object(node, "latency")), r.text(node, "notes", false),
                node.has("power") && !node.get("power").isNull() ? r.power(r.object(node, "power")) : null);
    }

    private Source source(JsonNode s) {
        return new Source(text(s, "source.title", "title", true), text(s, "source.document", "document", false), text(s, "source.url", "url", false));
    }

    private Power power(JsonNode p) {
        return new Power(positiveDouble(p, "power.activeMilliwatts", "activeMilliwatts"), text(p, "power.source", "source", true));
    }

    private LatencyModel latency(JsonNode l) {
        List<Calibration> cal = new ArrayList<>();
        if (l.has("calibrations")) {
            JsonNode arr = l.get("calibrations");
            if (!arr.isArray()) throw fail("latency.calibrations", "must be an array");
            for (int i = 0; i < arr.size(); i++) {
                JsonNode c = arr.get(i);
                String f = "latency.calibrations[" + i + "]";
                if (!c.isObject()) throw fail(f, "must be an object");
                String workload = text(c, f + ".workload", "workload", true);
                if (!Calibration.WORKLOADS.contains(workload)) {
                    throw fail(f + ".workload", "\"" + workload + "\" is not a known workload; use one of " + String.join(", ", Calibration.WORKLOADS));
                }
                cal.add(new Calibration(workload, positiveDouble(c, f + ".measuredMillis", "measuredMillis"),
                        (long) positiveDouble(c, f + ".clockHz", "clockHz"), text(c, f + ".framework", "framework", false), text(c, f + ".source", "source", false),
                        text(c, f + ".runtime", "runtime", false)));
            }
        }
        double overhead = l.has("opOverheadCycles") ? nonNegativeDouble(l, "latency.opOverheadCycles", "opOverheadCycles") : 0;
        return new LatencyModel(text(l, "latency.runtime", "runtime", false), kernels(l, "int8"), kernels(l, "int16"), kernels(l, "float32"),
                Math.round(overhead), text(l, "latency.basis", "basis", false), cal);
    }

    private KernelCycles kernels(JsonNode l, String dtype) {
        String f = "latency." + dtype;
        if (!l.has(dtype) || !l.get(dtype).isObject()) throw fail(f, "is missing; give {\"conv\": c, \"depthwise\": d, \"fullyConnected\": f, \"perElement\": e} in cycles");
        JsonNode k = l.get(dtype);
        return new KernelCycles(positiveDouble(k, f + ".conv", "conv"), positiveDouble(k, f + ".depthwise", "depthwise"),
                positiveDouble(k, f + ".fullyConnected", "fullyConnected"), positiveDouble(k, f + ".perElement", "perElement"));
    }

    private JsonNode object(JsonNode n, String field) {
        if (!n.has(field)) throw fail(field, "is missing");
        if (!n.get(field).isObject()) throw fail(field, "must be an object");
        return n.get(field);
    }

    private String text(JsonNode n, String field, boolean required) { return text(n, field, field, required); }

    private String text(JsonNode n, String label, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw fail(label, "is missing");
            return "";
        }
        if (!v.isTextual()) throw fail(label, "must be a string, not " + v);
        if (required && v.asText().isBlank()) throw fail(label, "must not be empty");
        return v.asText();
    }

    private long positiveLong(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw fail(field, "is missing");
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() <= 0) throw fail(field, "must be a positive whole number, not " + v);
        return v.asLong();
    }

    private double positiveDouble(JsonNode n, String label, String field) {
        double d = nonNegativeDouble(n, label, field);
        if (!(d > 0)) throw fail(label, "must be a positive number, not " + n.get(field));
        return d;
    }

    private double nonNegativeDouble(JsonNode n, String label, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw fail(label, "is missing");
        if (!v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) throw fail(label, "must be a non-negative number, not " + v);
        return v.asDouble();
    }

    private DeviceException fail(String field, String what) {
        return new DeviceException(where + (field.isEmpty() ? "" : ": field " + field) + " " + what);
    }
}
