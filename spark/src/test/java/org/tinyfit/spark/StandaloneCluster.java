package org.tinyfit.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 made of the jars on this JVM's classpath: a master and
 * workers of one core each, every one a JVM of its own. The workers start their executors with
 * the same classpath ({@link #settings()}), so the executors run the code under test. Logs go to
 * files under the cluster's directory ({@link #logs()} tells where).
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    StandaloneCluster(Path dir, int workers) throws IOException, InterruptedException {
        this.dir = dir;
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "Spark from the Maven jars on the classpath\n");
        this.port = freePort();
        this.master = start("master", home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--webui-port", Integer.toString(freePort()));
        waitForPort(port, 90_000);
        for (int i = 0; i < workers; i++) {
            Path work = Files.createDirectories(dir.resolve("work-" + i));
            this.workers.add(start("worker-" + i, home, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "1g", "--webui-port", Integer.toString(freePort()), "--work-dir", work.toString(), url()));
        }
    }

    String url() { return "spark://127.0.0.1:" + port; }

    /** What a driver in this JVM needs to use the cluster: its address, and the executors' classpath (this JVM's). */
    Map<String, String> settings() {
        return Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                "spark.executor.extraClassPath", System.getProperty("java.class.path"), "spark.executor.memory", "640m",
                "spark.cores.max", Integer.toString(workers.size()), "spark.scheduler.minRegisteredResourcesRatio", "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime", "90s");
    }

    /** Kills worker {@code i} and the executors it started (SIGKILL), as a machine lost would; returns the processes killed. */
    List<Long> killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        List<ProcessHandle> children = w.descendants().toList();
        List<Long> killed = new ArrayList<>(List.of(w.pid()));
        w.destroyForcibly();
        for (ProcessHandle c : children) {
            c.destroyForcibly();
            killed.add(c.pid());
        }
        w.waitFor();
        return killed;
    }

    /** The worker whose child process is executor {@code executorId}, or -1. */
    int workerOf(String executorId) {
        for (int i = 0; i < workers.size(); i++) {
            for (ProcessHandle h : workers.get(i).descendants().toList()) {
                List<String> args = Arrays.asList(h.info().arguments().orElse(new String[0]));
                int at = args.indexOf("--executor-id");
                if (at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(executorId)) return i;
            }
        }
        return -1;
    }

    /** The last lines of every log, for a failure's message. */
    String tails() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                b.append("\n--- ").append(f.getFileName()).append('\n');
                for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) b.append(l).append('\n');
            }
        } catch (IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    private Process start(String name, Path home, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    private void waitForPort(int p, long millis) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (!master.isAlive()) throw new IOException("the Spark master stopped:" + tails());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the Spark master did not listen on " + p + " within " + millis + " ms:" + tails());
    }

    @Override public void close() throws InterruptedException {
        for (int i = 0; i < workers.size(); i++) killWorker(i);
        master.destroyForcibly().waitFor();
    }
}
