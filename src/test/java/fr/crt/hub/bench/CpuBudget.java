package fr.crt.hub.bench;

import java.io.IOException;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU of a benchmark went, per unit of work: the hub's Java threads by name (over JMX), its JVM threads
 * that are not Java threads (GC, JIT compilers) from {@code /proc}, the benchmark's own JVM (the mail server it
 * hosts) and PostgreSQL's processes. Two snapshots, the difference between them. Linux only; elsewhere the
 * /proc parts read as zero. The figures say where to look; they are not a profile.
 */
final class CpuBudget {

    private static final long TICK_NS = 1_000_000_000L / 100; // USER_HZ is 100 on Linux

    private final long hubPid;
    private final ThreadMXBean hubThreads;

    CpuBudget(long hubPid, ThreadMXBean hubThreads) {
        this.hubPid = hubPid;
        this.hubThreads = hubThreads;
    }

    /**
     * CPU by thread (JMX thread id, or /proc task id for the JVM's own threads) with its group, so that a difference
     * counts each thread against its own earlier figure: a pool whose threads come and go never reads negative.
     */
    record Snapshot(Map<Long, Counted> hubJava, Map<Long, Counted> hubNative, long hubTotal, long bench, long postgres,
                    Map<Long, Counted> benchThreads) {}

    record Counted(String group, long cpu) {}

    Snapshot snapshot() {
        Map<Long, Counted> java = new HashMap<>();
        if (hubThreads != null) {
            try {
                for (long id : hubThreads.getAllThreadIds()) {
                    var info = hubThreads.getThreadInfo(id);
                    long cpu = hubThreads.getThreadCpuTime(id);
                    if (info != null && cpu > 0) java.put(id, new Counted(group(info.getThreadName()), cpu));
                }
            } catch (RuntimeException e) {
                // JMX gone: the /proc figures remain
            }
        }
        Map<Long, Counted> nat = new HashMap<>();
        for (Path task : list(Path.of("/proc", Long.toString(hubPid), "task"))) {
            String comm = read(task.resolve("comm")).trim();
            String g = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread") ? "GC and VM"
                    : comm.contains("CompilerThre") ? "JIT compilers" : null;
            if (g != null) nat.put(Long.parseLong(task.getFileName().toString()), new Counted(g, ticks(task.resolve("stat"))));
        }
        long pg = 0;
        for (Path p : list(Path.of("/proc"))) {
            if (p.getFileName().toString().chars().allMatch(Character::isDigit) && read(p.resolve("comm")).startsWith("postgres")) {
                pg += ticks(p.resolve("stat"));
            }
        }
        // the process's own stat counts the threads that have ended too, a sum over the live tasks would not
        long hubTotal = ticks(Path.of("/proc", Long.toString(hubPid), "stat"));
        // the benchmark JVM's own threads by their OS name (Java threads set it, truncated to 15 characters)
        Map<Long, Counted> bench = new HashMap<>();
        for (Path task : list(Path.of("/proc/self/task"))) {
            String comm = read(task.resolve("comm")).trim();
            String g = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread") ? "GC and VM"
                    : comm.contains("CompilerThre") ? "JIT compilers" : comm.replaceAll("\\d+", "N");
            bench.put(Long.parseLong(task.getFileName().toString()), new Counted(g, ticks(task.resolve("stat"))));
        }
        return new Snapshot(java, nat, hubTotal, ticks(Path.of("/proc/self/stat")), pg, bench);
    }

    /** Milliseconds of CPU per unit between two snapshots, largest first, the small ones summed up. */
    static String report(Snapshot a, Snapshot b, long units, String unit) {
        StringBuilder out = new StringBuilder();
        double hub = ms(b.hubTotal - a.hubTotal, units);
        out.append(String.format("CPU per %s: hub %.0f ms, benchmark JVM (mail server) %.0f ms, PostgreSQL %.0f ms%n", unit, hub,
                ms(b.bench - a.bench, units), ms(b.postgres - a.postgres, units)));
        Map<String, Double> parts = new LinkedHashMap<>();
        // a thread that ended between the snapshots is missing from b: its CPU falls into (rest) through the total
        b.hubNative.forEach((id, c) -> parts.merge(c.group(), ms(c.cpu() - before(a.hubNative, id), units), Double::sum));
        b.hubJava.forEach((id, c) -> parts.merge(c.group(), (c.cpu() - before(a.hubJava, id)) / 1e6 / units, Double::sum));
        double shown = 0;
        for (var e : parts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8).toList()) {
            if (e.getValue() < 0.5) break;
            out.append(String.format("  hub %-60s %6.1f ms%n", e.getKey(), e.getValue()));
            shown += e.getValue();
        }
        out.append(String.format("  hub %-60s %6.1f ms%n", "(rest)", hub - shown));
        Map<String, Double> benchParts = new LinkedHashMap<>();
        b.benchThreads.forEach((id, c) -> benchParts.merge(c.group(), ms(c.cpu() - before(a.benchThreads, id), units), Double::sum));
        double benchShown = 0;
        double benchTotal = ms(b.bench - a.bench, units);
        for (var e : benchParts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5).toList()) {
            if (e.getValue() < 0.5) break;
            out.append(String.format("  benchmark JVM %-50s %6.1f ms%n", e.getKey(), e.getValue()));
            benchShown += e.getValue();
        }
        out.append(String.format("  benchmark JVM %-50s %6.1f ms%n", "(rest)", benchTotal - benchShown));
        return out.toString();
    }

    private static long before(Map<Long, Counted> a, long id) {
        Counted c = a.get(id);
        return c == null ? 0 : c.cpu();
    }

    private static double ms(long ticks, long units) {
        return ticks * (double) TICK_NS / 1e6 / units;
    }

    /** Thread names without their numbers, so that a pool counts once. */
    private static String group(String name) {
        String g = name.replaceAll("\\d+", "N");
        return g.length() > 60 ? g.substring(0, 60) : g;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** utime + stime of a /proc stat line (fields 14 and 15; the command name may hold spaces, hence after ')'). */
    private static long ticks(Path stat) {
        String s = read(stat);
        int end = s.lastIndexOf(')');
        if (end < 0) return 0;
        String[] f = s.substring(end + 2).split(" ");
        return f.length > 13 ? Long.parseLong(f[11]) + Long.parseLong(f[12]) : 0;
    }
}
