package io.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the load tool can see of the processes under test on the same Linux box: which process
 * listens on a port (the node, Cassandra), its resident memory and CPU time from /proc, the load
 * average, and sums of series from a node's Prometheus {@code /metrics}.
 */
public final class ProcStats {
  static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private ProcStats() {}

  /**
   * The box's count of connections dropped because a listening socket's accept queue was full
   * ({@code TcpExt ListenOverflows} in /proc/net/netstat), or -1 where it cannot be read. Each such
   * drop costs the connecting client a SYN retry, 1 s or more.
   */
  public static long listenOverflows() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (!lines.get(i).startsWith("TcpExt:") || !lines.get(i + 1).startsWith("TcpExt:"))
          continue;
        List<String> names = List.of(lines.get(i).trim().split("\\s+"));
        String[] values = lines.get(i + 1).trim().split("\\s+");
        int at = names.indexOf("ListenOverflows");
        return at < 0 ? -1 : Long.parseLong(values[at]);
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The pid of the process with a listening TCP socket on this port, or 0 if none is visible. */
  static long pidListeningOn(int port) {
    try {
      String inode = null;
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        Path p = Path.of(table);
        if (!Files.exists(p)) continue;
        for (String line : Files.readAllLines(p)) {
          String[] f = line.trim().split("\\s+");
          // local_address is HEXIP:HEXPORT; state 0A is LISTEN.
          if (f.length > 9
              && f[3].equals("0A")
              && f[1].endsWith(":" + String.format("%04X", port))) {
            inode = f[9];
            break;
          }
        }
        if (inode != null) break;
      }
      if (inode == null) return 0;
      String target = "socket:[" + inode + "]";
      try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path proc : procs) {
          try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
              try {
                if (target.equals(Files.readSymbolicLink(fd).toString())) {
                  return Long.parseLong(proc.getFileName().toString());
                }
              } catch (IOException ignored) {
                // fds come and go while we look
              }
            }
          } catch (IOException | SecurityException ignored) {
            // a process that exited, or one we may not inspect
          }
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  /** Resident set size in KiB (VmRSS), or -1. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** User plus system CPU seconds the process has used, or -1. */
  static double cpuSeconds(long pid) {
    if (pid <= 0) return -1;
    try {
      String[] f = statFields(Path.of("/proc", Long.toString(pid)));
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The fields of {@code dir/stat} after "pid (comm) " (a command name may hold spaces): state is
   * field 0, utime 11, stime 12, starttime 19, the times in clock ticks.
   */
  static String[] statFields(Path dir) throws IOException {
    String stat = Files.readString(dir.resolve("stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /** Seconds since the process started (from /proc), or -1. */
  static double ageSeconds(long pid) {
    if (pid <= 0) return -1;
    try {
      double uptime =
          Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split(" ")[0]);
      String[] f = statFields(Path.of("/proc", Long.toString(pid)));
      return uptime - Long.parseLong(f[19]) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** The node's Prometheus text, or "" when it cannot be read. */
  static String scrape(HttpClient http, String host, int port) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * The sum of all samples of a series; {@code series} is a name or a regex ending before the
   * value.
   */
  static double sum(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + "(\\{[^}]*})? ([0-9.eE+-]+|NaN)$").matcher(text);
    double total = 0;
    while (m.find()) {
      if (!m.group(2).equals("NaN")) total += Double.parseDouble(m.group(2));
    }
    return total;
  }
}
