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

    record Snapshot(Map<String, Long> hubJava, Map<String, Long> hubNative, long hubTotal, long bench, long postgres) {}

    Snapshot snapshot() {
        Map<String, Long> java = new HashMap<>();
        if (hubThreads != null) {
            try {
                for (long id : hubThreads.getAllThreadIds()) {
                    var info = hubThreads.getThreadInfo(id);
                    long cpu = hubThreads.getThreadCpuTime(id);
                    if (info != null && cpu > 0) java.merge(group(info.getThreadName()), cpu, Long::sum);
                }
            } catch (RuntimeException e) {
                // JMX gone: the /proc figures remain
            }
        }
        Map<String, Long> nat = new HashMap<>();
        long hubTotal = 0;
        for (Path task : list(Path.of("/proc", Long.toString(hubPid), "task"))) {
            long cpu = ticks(task.resolve("stat"));
            hubTotal += cpu;
            String comm = read(task.resolve("comm")).trim();
            String g = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread") ? "GC and VM"
                    : comm.contains("CompilerThre") ? "JIT compilers" : null;
            if (g != null) nat.merge(g, cpu, Long::sum);
        }
        long pg = 0;
        for (Path p : list(Path.of("/proc"))) {
            if (p.getFileName().toString().chars().allMatch(Character::isDigit) && read(p.resolve("comm")).startsWith("postgres")) {
                pg += ticks(p.resolve("stat"));
            }
        }
        return new Snapshot(java, nat, hubTotal, ticks(Path.of("/proc/self/stat")), pg);
    }

    /** Milliseconds of CPU per unit between two snapshots, largest first, the small ones summed up. */
    static String report(Snapshot a, Snapshot b, long units, String unit) {
        StringBuilder out = new StringBuilder();
        double hub = ms(b.hubTotal - a.hubTotal, units);
        out.append(String.format("CPU per %s: hub %.0f ms, benchmark JVM (mail server) %.0f ms, PostgreSQL %.0f ms%n", unit, hub,
                ms(b.bench - a.bench, units), ms(b.postgres - a.postgres, units)));
        Map<String, Double> parts = new LinkedHashMap<>();
        b.hubNative.forEach((k, v) -> parts.put(k, ms(v - a.hubNative.getOrDefault(k, 0L), units)));
        b.hubJava.forEach((k, v) -> parts.merge(k, (v - a.hubJava.getOrDefault(k, 0L)) / 1e6 / units, Double::sum));
        double shown = 0;
        for (var e : parts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8).toList()) {
            if (e.getValue() < 0.5) break;
            out.append(String.format("  hub %-60s %6.1f ms%n", e.getKey(), e.getValue()));
            shown += e.getValue();
        }
        out.append(String.format("  hub %-60s %6.1f ms%n", "(rest)", hub - shown));
        return out.toString();
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
