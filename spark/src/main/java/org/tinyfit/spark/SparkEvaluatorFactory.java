package org.tinyfit.spark;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.tinyfit.search.Evaluator;
import org.tinyfit.search.EvaluatorFactory;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchData;
import org.tinyfit.search.SearchException;
import org.tinyfit.search.SearchRun;
import org.tinyfit.search.SearchSpace;

/**
 * Starts a Spark application on a master ({@code local[2]}, {@code spark://host:7077},
 * {@code yarn}, {@code k8s://...}) for one search and evaluates its candidates there. Settings come
 * from {@code spark.*} system properties (as {@code spark-submit} passes them) and the map given,
 * which wins. Unless set, the Spark UI is off and, off the local master, the jars holding tinyfit's
 * classes are sent to the executors ({@code spark.jars}). {@code --spark} loads this class by name
 * ({@link EvaluatorFactory#spark}).
 */
public final class SparkEvaluatorFactory implements EvaluatorFactory {
    private final String master;
    private final Map<String, String> settings;

    public SparkEvaluatorFactory(String master) {
        this(master, Map.of());
    }

    public SparkEvaluatorFactory(String master, Map<String, String> settings) {
        try {
            Class.forName("org.apache.spark.SparkConf", false, SparkEvaluatorFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new NoClassDefFoundError(e.getMessage());
        }
        if (master == null || master.isBlank()) throw new SearchException("--spark: give a master, e.g. local[2] or spark://host:7077");
        this.master = master;
        this.settings = Map.copyOf(settings);
    }

    @Override public Evaluator open(SearchRun.Options options, SearchSpace space, SearchData data) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("tinyfit search " + options.out().toAbsolutePath().normalize());
        conf.setIfMissing("spark.ui.enabled", "false");
        for (Map.Entry<String, String> e : settings.entrySet()) conf.set(e.getKey(), e.getValue());
        if (!master.startsWith("local") && !conf.contains("spark.jars")) {
            Set<String> jars = new LinkedHashSet<>();
            for (Class<?> c : new Class<?>[] {SparkEvaluatorFactory.class, Search.class}) {
                Path where = codeSource(c);
                if (where != null && Files.isRegularFile(where)) jars.add(where.toString());
            }
            if (!jars.isEmpty()) conf.set("spark.jars", String.join(",", jars));
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new SearchException("--spark " + master + ": cannot start Spark: " + e.getMessage(), e);
        }
        try {
            return new SparkEvaluator(sc, true, space, ShippedData.of(sc, options));
        } catch (RuntimeException e) {
            sc.stop();
            throw e;
        }
    }

    private static Path codeSource(Class<?> c) {
        try {
            var src = c.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
