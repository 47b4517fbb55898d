package org.tinyfit.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The boards tinyfit knows: the built-in catalog ({@code catalog.json} beside this class) plus any
 * the user adds from a JSON file of the same schema. A user device with the id of a built-in one
 * replaces it.
 */
public final class DeviceCatalog {
    static final String RESOURCE = "catalog.json";

    private final Map<String, Device> byId;

    private DeviceCatalog(Map<String, Device> byId) { this.byId = byId; }

    /** The built-in catalog. */
    public static DeviceCatalog builtin() {
        try (InputStream in = DeviceCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the built-in device catalog " + RESOURCE + " is missing from the class path");
            return new DeviceCatalog(index(parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "built-in catalog")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built-in catalog plus the devices in {@code file} (null: none). */
    public static DeviceCatalog withFile(Path file) {
        DeviceCatalog base = builtin();
        if (file == null) return base;
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new DeviceException("devices file " + file + " does not exist");
        } catch (IOException e) {
            throw new DeviceException("devices file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, Device> all = new LinkedHashMap<>(base.byId);
        for (Device d : parse(text, "devices file " + file)) all.put(key(d.id()), d);
        return new DeviceCatalog(all);
    }

    /** Parses a catalog text: {@code {"devices": [ {...}, ... ]}}. {@code where} starts every error message. */
    public static List<Device> parse(String json, String where) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new DeviceException(where + ": not valid JSON" + org.tinyfit.io.JsonErrors.describe(e));
        }
        if (root == null || !root.isObject() || !root.has("devices") || !root.get("devices").isArray()) {
            throw new DeviceException(where + ": expected an object with a \"devices\" array, e.g. {\"devices\": [{\"id\": \"my-board\", ...}]}");
        }
        List<Device> out = new ArrayList<>();
        JsonNode arr = root.get("devices");
        for (int i = 0; i < arr.size(); i++) out.add(new DeviceReader(where + ": device " + i, arr.get(i)).device());
        return out;
    }

    private static Map<String, Device> index(List<Device> devices) {
        Map<String, Device> m = new LinkedHashMap<>();
        for (Device d : devices) {
            if (m.put(key(d.id()), d) != null) throw new IllegalStateException("the built-in catalog lists device id " + d.id() + " twice");
        }
        return m;
    }

    private static String key(String s) { return s.toLowerCase(Locale.ROOT); }

    public List<Device> devices() { return List.copyOf(byId.values()); }

    /**
     * The device whose id or name is {@code nameOrId} (case-insensitive); otherwise the one device
     * whose id or name contains it; otherwise a {@link DeviceException} listing the closest names.
     */
    public Device find(String nameOrId) {
        String k = key(nameOrId.trim());
        Device exact = byId.get(k);
        if (exact != null) return exact;
        for (Device d : byId.values()) if (key(d.name()).equals(k)) return d;
        List<Device> containing = byId.values().stream()
                .filter(d -> key(d.id()).contains(k) || key(d.name()).contains(k) || key(d.mcu()).contains(k)).toList();
        if (containing.size() == 1) return containing.get(0);
        List<String> close = (containing.isEmpty() ? closest(k, 3) : containing).stream().map(Device::id).toList();
        throw new DeviceException("no device \"" + nameOrId + "\"" + (containing.size() > 1 ? " (ambiguous)" : "")
                + "; closest: " + String.join(", ", close) + " (tinyfit devices lists all)");
    }

    private List<Device> closest(String k, int n) {
        return byId.values().stream()
                .sorted(Comparator.comparingInt((Device d) -> Math.min(distance(k, key(d.id())), Math.min(distance(k, key(d.name())), distance(k, key(d.mcu())))))
                        .thenComparing(Device::id))
                .limit(n).toList();
    }

    /** Levenshtein edit distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
