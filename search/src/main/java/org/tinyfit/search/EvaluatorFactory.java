package org.tinyfit.search;

import java.lang.reflect.InvocationTargetException;

/**
 * Makes the evaluator a {@link SearchRun} trains its candidates with, once its data and search
 * space are known. {@link #local()} trains on this machine; {@link #spark(String)} on an Apache
 * Spark cluster, from the optional {@code tinyfit-spark} module, loaded only when asked for so
 * that the search needs nothing of Spark otherwise.
 */
@FunctionalInterface
public interface EvaluatorFactory {
    /** The class in the {@code tinyfit-spark} module that {@link #spark} loads: a public constructor taking the master URL. */
    String SPARK = "org.tinyfit.spark.SparkEvaluatorFactory";

    Evaluator open(SearchRun.Options options, SearchSpace space, SearchData data);

    /** Threads on this machine, {@code options.threads()} at once. */
    static EvaluatorFactory local() {
        return (options, space, data) -> new LocalEvaluator(space, data, options.threads());
    }

    /**
     * Spark tasks on {@code master} ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, ...).
     *
     * @throws SearchException if the spark module or Spark itself is not on the classpath
     */
    static EvaluatorFactory spark(String master) {
        try {
            return (EvaluatorFactory) Class.forName(SPARK).getConstructor(String.class).newInstance(master);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw missing(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof NoClassDefFoundError nc) throw missing(nc);
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SearchException missing(Throwable e) {
        return new SearchException("--spark needs the tinyfit-spark module and Apache Spark on the classpath (missing "
                + String.valueOf(e.getMessage()).replace('/', '.') + "): run the search through ./tinyfit, which adds them with --spark,"
                + " or build them with 'mvn -pl cli,spark -am package -DskipTests' and put spark/target/tinyfit-spark.jar and the jars"
                + " listed in spark/target/classpath.txt on the classpath");
    }
}
