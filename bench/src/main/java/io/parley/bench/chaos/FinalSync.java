package io.parley.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.bench.Frame;
import io.parley.bench.chaos.Records.DeviceLog;
import io.parley.bench.chaos.Records.Entry;
import io.parley.bench.chaos.Records.History;
import io.parley.bench.chaos.Records.Send;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The end of a run: every device reconnects with its cursor (what a phone does when it comes back),
 * each conversation's whole history is read, and the devices get a bounded time to hold all of it
 * (catch-up, live pushes, their own gap pages). Whatever is still missing then is the checker's
 * finding, not a reason to wait longer.
 */
final class FinalSync {
  /** How long the devices get to reconnect and sync, and then to hold every entry. */
  static final Duration SYNC_WAIT = Duration.ofSeconds(60);

  /** How long one conversation's history may keep failing (unavailable) before it is given up. */
  static final Duration HISTORY_WAIT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 200;
  private static final Duration REPLY_WAIT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Map<String, List<Device>> byConv;
  private final PrintStream out;

  FinalSync(Map<String, List<Device>> byConv, PrintStream out) {
    this.byConv = byConv;
    this.out = out;
  }

  Records run(List<Device> devices) throws InterruptedException {
    devices.forEach(Device::resync);
    Instant synced = Instant.now().plus(SYNC_WAIT);
    if (!waitFor(() -> devices.stream().allMatch(Device::isReady), synced)) {
      out.printf(
          "chaos load: %d devices did not sync again, e.g. %s%n",
          devices.stream().filter(d -> !d.isReady()).count(),
          devices.stream()
              .filter(d -> !d.isReady())
              .limit(3)
              .map(d -> d.name() + " (" + d.lastDrop() + ")")
              .toList());
    }
    List<History> histories = new ArrayList<>();
    for (var e : byConv.entrySet()) histories.add(history(e.getKey(), e.getValue()));
    Map<String, Long> last = new java.util.HashMap<>();
    histories.forEach(
        h ->
            last.put(
                h.conv(),
                h.entries().isEmpty() ? 0 : h.entries().get(h.entries().size() - 1).seq()));
    boolean caughtUp =
        waitFor(
            () -> devices.stream().allMatch(d -> d.holdsThrough(last.get(d.conv))),
            Instant.now().plus(SYNC_WAIT));
    out.printf(
        "chaos load: histories read (%d entries), devices %s%n",
        histories.stream().mapToInt(h -> h.entries().size()).sum(),
        caughtUp ? "caught up" : "NOT all caught up");
    List<Send> sends = new ArrayList<>();
    List<DeviceLog> logs = new ArrayList<>();
    for (Device d : devices) {
      sends.addAll(d.outbox.sends());
      logs.add(d.log());
    }
    return new Records(sends, logs, histories);
  }

  /** Pages the whole history of conv through any of its devices, retrying while it fails. */
  private History history(String conv, List<Device> members) throws InterruptedException {
    Instant deadline = Instant.now().plus(HISTORY_WAIT);
    String problem = "";
    while (Instant.now().isBefore(deadline)) {
      for (Device reader : members) {
        if (!reader.isReady()) continue;
        try {
          return new History(conv, read(conv, reader), true);
        } catch (Exception e) {
          problem = e.getMessage();
        }
      }
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis()); // a pause before asking again
    }
    out.printf("chaos load: could not read the history of %s: %s%n", conv, problem);
    return new History(conv, List.of(), false);
  }

  private static List<Entry> read(String conv, Device reader) throws Exception {
    List<Entry> entries = new ArrayList<>();
    long after = 0;
    while (true) {
      Frame page =
          reader
              .request(
                  "history", ",\"conv\":\"" + conv + "\",\"after\":" + after + ",\"limit\":" + PAGE)
              .get(REPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (!"history".equals(page.type())) throw new IllegalStateException(page.raw());
      JsonNode tree = JSON.readTree(page.raw());
      JsonNode messages = tree.path("messages");
      for (JsonNode m : messages) {
        long seq = m.path("seq").asLong();
        entries.add(
            new Entry(
                seq,
                m.path("cid").asText(null),
                m.path("from").asText(null),
                Instant.ofEpochMilli(m.path("ts").asLong())));
        after = Math.max(after, seq);
      }
      if (messages.isEmpty() || !tree.path("has_more").asBoolean(false)) return entries;
    }
  }

  /** Polls {@code done} until it holds or {@code deadline} passes; true if it held. */
  static boolean waitFor(BooleanSupplier done, Instant deadline) throws InterruptedException {
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) return false;
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
    }
    return true;
  }
}
