package org.tinyfit.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a CSV file with a header row: one column holds the integer class label (chosen by name or
 * index, default the first), every other column a numeric feature. A bad value is reported with
 * its line and column.
 */
public final class CsvReader {
    private CsvReader() {}

    /**
     * @param labelColumn the label column's name or 0-based index; null for the first column
     * @param sampleShape the shape of one sample (e.g. {140, 1} for a sequence); null for [features]
     */
    public static Dataset read(Path file, String labelColumn, int[] sampleShape) {
        String name = file.toString();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) throw new DataException(name + ": empty file; a CSV needs a header row");
            if (headerLine.startsWith("\uFEFF")) headerLine = headerLine.substring(1);
            List<String> header = split(headerLine);
            int columns = header.size();
            if (columns < 2) {
                throw new DataException(name + " line 1: the header has " + columns
                        + " column; need a label column and at least one feature (is the separator a comma?)");
            }
            if (looksLikeData(header)) {
                throw new DataException(name + " line 1: " + String.join(",", header.subList(0, Math.min(3, columns))) + (columns > 3 ? ",..." : "")
                        + " is a row of numbers, not a header; add a header row first (e.g. label,f1,f2,...), or the first sample is lost");
            }
            int labelIndex = labelIndex(name, header, labelColumn);
            int features = columns - 1;
            int[] shape = sampleShape == null ? new int[] {features} : sampleShape.clone();
            long shapeLength = 1;
            for (int d : shape) shapeLength *= d;
            if (shapeLength != features) {
                throw new DataException(name + ": sample shape " + Arrays.toString(shape) + " holds " + shapeLength
                        + " values, the file has " + features + " feature columns");
            }
            FloatList values = new FloatList(Math.min(1 << 20, features * 64));
            IntList labels = new IntList(), lines = new IntList();
            String line;
            int lineNo = 1;
            List<String> fields = new ArrayList<>(columns);
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                lines.add(lineNo);
                fields.clear();
                splitInto(line, fields);
                if (fields.size() != columns) {
                    throw new DataException(name + " line " + lineNo + ": " + fields.size() + " columns, the header has "
                            + columns);
                }
                for (int c = 0; c < columns; c++) {
                    String f = fields.get(c).strip();
                    if (c == labelIndex) {
                        double v = parse(name, lineNo, c, header.get(c), f);
                        labels.add(Labels.toClass(name + " line " + lineNo + ", column " + (c + 1)
                                + " (" + header.get(c) + ")", v));
                    } else {
                        values.add((float) parse(name, lineNo, c, header.get(c), f));
                    }
                }
            }
            if (labels.size == 0) throw new DataException(name + ": no data rows after the header");
            SampleStore store = new SampleStore.Floats(values.toArray(), features);
            return StoredDataset.of(file.getFileName().toString(), store, labels.toArray(), shape, lines.toArray());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataException(name + ": not UTF-8 text; is it really a CSV file?");
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a header row is in fact a sample: every cell a number and one at least with a fraction
     * or an exponent. Whole numbers alone stay a header ("0,1,2,..." is how pandas names columns).
     */
    static boolean looksLikeData(List<String> header) {
        boolean fraction = false;
        for (String cell : header) {
            String c = cell.strip();
            try {
                if (!Double.isFinite(Double.parseDouble(c))) return false;
            } catch (NumberFormatException e) {
                return false;
            }
            if (c.indexOf('.') >= 0 || c.indexOf('e') >= 0 || c.indexOf('E') >= 0) fraction = true;
        }
        return fraction;
    }

    /** The column names of a CSV file's header row. */
    public static List<String> header(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) throw new DataException(file + ": empty file; a CSV needs a header row");
            return split(headerLine.startsWith("\uFEFF") ? headerLine.substring(1) : headerLine);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataException(file + ": not UTF-8 text; is it really a CSV file?");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int labelIndex(String name, List<String> header, String labelColumn) {
        if (labelColumn == null || labelColumn.isEmpty()) return 0;
        int byName = header.indexOf(labelColumn);
        if (byName >= 0) return byName;
        if (labelColumn.chars().allMatch(Character::isDigit) && labelColumn.length() < 10) {
            int i = Integer.parseInt(labelColumn);
            if (i < header.size()) return i;
            throw new DataException(name + ": label column " + i + " is past the last column (" + (header.size() - 1)
                    + ", counting from 0)");
        }
        throw new DataException(name + ": no column named '" + labelColumn + "' in the header; columns: "
                + String.join(", ", header.subList(0, Math.min(header.size(), 12)))
                + (header.size() > 12 ? ", ..." : ""));
    }

    private static double parse(String name, int line, int column, String columnName, String field) {
        if (field.isEmpty()) {
            throw new DataException(name + " line " + line + ", column " + (column + 1) + " (" + columnName
                    + "): empty value; fill or drop missing values first");
        }
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        char last = field.charAt(field.length() - 1);
        if (!Double.isFinite(v) || last == 'd' || last == 'D' || last == 'f' || last == 'F') {
            String shown = field.length() > 40 ? field.substring(0, 40) + "..." : field;
            throw new DataException(name + " line " + line + ", column " + (column + 1) + " (" + columnName + "): '"
                    + shown + "' is not a finite number");
        }
        return v;
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        splitInto(line, out);
        for (int i = 0; i < out.size(); i++) out.set(i, out.get(i).strip());
        return out;
    }

    /** Splits on commas outside double quotes; quotes around a field are removed. */
    private static void splitInto(String line, List<String> out) {
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i <= line.length(); i++) {
            char ch = i < line.length() ? line.charAt(i) : ',';
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && (!quoted || i == line.length())) {
                String f = line.substring(start, i);
                String s = f.strip();
                if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') f = s.substring(1, s.length() - 1);
                out.add(f);
                start = i + 1;
            }
        }
    }

    private static final class FloatList {
        float[] a;
        int size;

        FloatList(int capacity) { a = new float[Math.max(capacity, 16)]; }

        void add(float v) {
            if (size == a.length) a = Arrays.copyOf(a, a.length + (a.length >> 1));
            a[size++] = v;
        }

        float[] toArray() { return Arrays.copyOf(a, size); }
    }

    private static final class IntList {
        int[] a = new int[1024];
        int size;

        void add(int v) {
            if (size == a.length) a = Arrays.copyOf(a, a.length + (a.length >> 1));
            a[size++] = v;
        }

        int[] toArray() { return Arrays.copyOf(a, size); }
    }
}
