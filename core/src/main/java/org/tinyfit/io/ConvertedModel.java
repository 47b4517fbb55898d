package org.tinyfit.io;

import java.io.IOException;
import java.nio.file.Path;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.tflite.TfliteWriter;

/**
 * A model of any format tinyfit reads, as a .tflite that TFLite Micro runs: the graph as read (for
 * an ONNX model: NHWC, batch norm folded, activations fused, quantized pairs as int8 ops) written by
 * the graph writer, with the provenance attached.
 *
 * @param graph  the model as read
 * @param format the format it was read from
 * @param bytes  the .tflite to write
 */
public record ConvertedModel(Graph graph, ModelReader.Format format, byte[] bytes) {
    public static ConvertedModel of(Path model, Provenance provenance) throws IOException {
        byte[] original = ModelReader.bytes(model);
        String name = ModelReader.nameOf(model);
        ModelReader.Format format = ModelReader.formatOf(original, name);
        Graph g = format.reader().apply(original, name);
        return new ConvertedModel(g, format, TfliteWriter.write(provenance.attachTo(g)));
    }
}
