package org.tinyfit.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.tinyfit.data.DataException;
import org.tinyfit.data.ElementType;
import org.tinyfit.data.NpyReader;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.graph.Tensor;
import org.tinyfit.io.SourceLayout;
import org.tinyfit.runtime.TensorValues;

/**
 * Reads one model input from a file: a {@code .npy} array (integers are the tensor's stored values,
 * floats are real values as the data stores them, standardized first when the model records an
 * {@link InputScaling}, then quantized with the input's scale and zero point when it is quantized), an
 * image ({@code .png}, {@code .jpg}, {@code .bmp}, {@code .gif}; resized to the input's height and
 * width, gray or RGB by its channels, pixels mapped linearly from 0..255 to a real range), or raw
 * bytes (any other file: exactly the tensor's bytes, little-endian). Arrays and raw bytes are in the
 * model's own layout (NCHW for an ONNX image model) and are moved to tinyfit's NHWC here.
 */
final class ModelInputs {
    private ModelInputs() {}

    /**
     * Input {@code tensor} of {@code g} from a file holding it in the model file's own layout (NCHW for
     * an ONNX image), as the bytes tinyfit's runtime takes (NHWC).
     */
    static byte[] read(Path file, Graph g, int tensor, double[] imageRange) throws IOException {
        Tensor input = g.tensor(tensor);
        if (Files.isDirectory(file)) throw new UserException("--input " + file + " is a directory; give a file (.npy, raw bytes or an image)");
        if (!Files.isRegularFile(file)) throw new UserException("--input " + file + ": no such file");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String where = file.toString();
        try {
            if (name.endsWith(".npy")) return npy(file, g, tensor);
            if (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".bmp") || name.endsWith(".gif")) {
                return image(file, input, imageRange);
            }
            byte[] raw = Files.readAllBytes(file);
            if (raw.length != input.bytes()) {
                throw new UserException(where + ": " + raw.length + " bytes, but input " + input.name() + " " + SourceLayout.asInFile(g, tensor).describe()
                        + " needs " + input.bytes() + " (raw files hold exactly the tensor's bytes; use .npy for shaped data)");
            }
            return SourceLayout.toHeld(g, tensor, raw);
        } catch (DataException e) {
            throw new UserException(e.getMessage());
        } catch (GraphException e) {
            throw new UserException(e.getMessage());
        }
    }

    static byte[] npy(Path file, Graph g, int tensor) throws IOException {
        Tensor input = g.tensor(tensor);
        NpyReader.Header h = NpyReader.header(file);
        int[] want = SourceLayout.dims(g, tensor);
        if (!sameIgnoringLeadingOnes(h.shape(), want)) {
            String layout = SourceLayout.name(g, tensor);
            throw new UserException(file + ": array of shape " + Arrays.toString(h.shape()).replace(" ", "") + ", but input " + input.name() + " has shape "
                    + Shape.of(want) + (layout == null ? "" : " (" + layout + ", the model's own layout)"));
        }
        int n = input.shape().elements();
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all, h.dataOffset(), (int) h.dataBytes()).slice().order(h.order());
        double[] v = new double[n];
        ElementType t = h.type();
        for (int i = 0; i < n; i++) {
            v[i] = switch (t) {
                case U8 -> b.get(i) & 0xff;
                case I8 -> b.get(i);
                case I16 -> b.getShort(2 * i);
                case I32 -> b.getInt(4 * i);
                case I64 -> b.getLong(8 * i);
                case F32 -> b.getFloat(4 * i);
                case F64 -> b.getDouble(8 * i);
            };
        }
        v = SourceLayout.toHeld(g, tensor, v);
        if (!t.isInteger() && tensor == g.inputs()[0]) {
            InputScaling scaling = InputScaling.of(g).orElse(null);
            if (scaling != null) scaling.apply(v);
        }
        return t.isInteger() ? TensorValues.fromStored(input, v, file.toString()) : TensorValues.fromReal(input, v, file.toString());
    }

    private static boolean sameIgnoringLeadingOnes(long[] a, int[] b) {
        int i = 0, j = 0;
        while (i < a.length - 1 && a[i] == 1 && a.length - i > b.length - j) i++;
        while (j < b.length - 1 && b[j] == 1 && b.length - j > a.length - i) j++;
        if (a.length - i != b.length - j) return false;
        for (; i < a.length; i++, j++) if (a[i] != b[j]) return false;
        return true;
    }

    static byte[] image(Path file, Tensor input, double[] range) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new UserException(file + ": not an image Java can read (PNG, JPEG, BMP, GIF)");
        int[] d = input.shape().dims();
        if (d.length != 4 || d[0] != 1 || (d[3] != 1 && d[3] != 3)) {
            throw new UserException(file + ": an image fits an input of shape [1,H,W,1] or [1,H,W,3], but " + input.name() + " has shape " + input.shape());
        }
        int h = d[1], w = d[2], c = d[3];
        BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        double[] v = new double[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = scaled.getRGB(x, y);
                int r = (rgb >> 16) & 0xff, gr = (rgb >> 8) & 0xff, bl = rgb & 0xff;
                int base = (y * w + x) * c;
                if (c == 1) v[base] = map(Math.round(0.299 * r + 0.587 * gr + 0.114 * bl), range);
                else { v[base] = map(r, range); v[base + 1] = map(gr, range); v[base + 2] = map(bl, range); }
            }
        }
        return TensorValues.fromReal(input, v, file.toString());
    }

    private static double map(long pixel, double[] range) { return range[0] + (range[1] - range[0]) * pixel / 255.0; }
}
