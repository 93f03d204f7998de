package io.parley.bench.chaos;

import io.parley.conversation.ConversationEntity;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * What a {@link FaultLoad} run saw, as plain values: every send with each of its attempts and their
 * answers, every entry each device received (in arrival order), and each conversation's stored
 * history read at the end. {@link Invariants} judges it; tests build it by hand.
 */
public final class Records {
  /** How one attempt of a send ended, as the client saw it. */
  public enum Outcome {
    /** Answered {@code sent} (with a seq). */
    SENT,
    /** Answered {@code unavailable}: the contract says nothing was stored. */
    UNAVAILABLE,
    /** Answered with another error (rate_limited, forbidden, ...): nothing was stored either. */
    REFUSED,
    /** Answered {@code internal}: the outcome is unknown, the client retries the cid. */
    INTERNAL,
    /** No answer within the client's bound (it retried); a later answer replaces this. */
    TIMEOUT,
    /** The socket closed before an answer: unknown. */
    CLOSED,
    /** Still unanswered when the run ended: unknown. */
    UNANSWERED;

    /** An answer that says nothing was stored. */
    public boolean refused() {
      return this == UNAVAILABLE || this == REFUSED;
    }

    /** The client cannot tell whether this attempt stored the message. */
    public boolean unknown() {
      return this == INTERNAL || this == TIMEOUT || this == CLOSED || this == UNANSWERED;
    }
  }

  /**
   * One attempt of a send: written at {@code at} through {@code edge}; {@code answeredAt} is null
   * for TIMEOUT, CLOSED and UNANSWERED; {@code seq} is -1 unless SENT; {@code late} when the answer
   * came after the client had given up waiting (a TIMEOUT that was answered after all).
   */
  public record Attempt(
      Instant at, String edge, Outcome outcome, Instant answeredAt, long seq, boolean late) {
    public Attempt {
      Objects.requireNonNull(at);
      Objects.requireNonNull(outcome);
    }
  }

  /** One message the client meant to send once, retried by its cid. */
  public record Send(
      String conv, String cid, String user, String device, Instant issued, List<Attempt> attempts) {
    public Send {
      attempts = List.copyOf(attempts);
    }

    /** The first attempt answered {@code sent}: the ack. */
    public Optional<Attempt> ack() {
      return attempts.stream()
          .filter(a -> a.outcome() == Outcome.SENT)
          .min(Comparator.comparing(Attempt::answeredAt));
    }

    public long ackedSeq() {
      return ack().map(Attempt::seq).orElse(-1L);
    }
  }

  /** Where a device got an entry: pushed on its socket, or read by paging a gap itself. */
  public enum Source {
    PUSH,
    PAGE
  }

  /** One entry as a device received it, on its {@code connection}-th connection (from 1). */
  public record Delivery(long seq, String cid, int connection, Source source) {}

  /** Everything one device of {@code user} received in {@code conv}, in arrival order. */
  public record DeviceLog(String user, String device, String conv, List<Delivery> received) {
    public DeviceLog {
      received = List.copyOf(received);
    }

    public String name() {
      return user + "/" + device;
    }
  }

  /** A stored timeline entry as the final history read returned it; ts is the server's. */
  public record Entry(long seq, String cid, String from, Instant ts) {}

  /** A conversation's stored history; {@code complete} unless reading it failed part way. */
  public record History(String conv, List<Entry> entries, boolean complete) {
    public History {
      entries = List.copyOf(entries);
    }
  }

  private final List<Send> sends;
  private final List<DeviceLog> devices;
  private final Map<String, History> histories = new TreeMap<>();

  public Records(List<Send> sends, List<DeviceLog> devices, List<History> histories) {
    this.sends = List.copyOf(sends);
    this.devices = List.copyOf(devices);
    histories.forEach(h -> this.histories.put(h.conv(), h));
  }

  public List<Send> sends() {
    return sends;
  }

  public List<DeviceLog> devices() {
    return devices;
  }

  /** Every conversation of the run, with its history (empty and incomplete if never read). */
  public Map<String, History> histories() {
    return histories;
  }

  /** The journal's persistence ids of the run's conversations (for {@link JournalRows#read}). */
  public List<String> persistenceIds() {
    return histories.keySet().stream()
        .map(conv -> ConversationEntity.persistenceId(conv).id())
        .toList();
  }

  /**
   * The journal's persistence ids of the run's users (each user entity must have one writer at a
   * time too; the users' REST and hello traffic writes to them).
   */
  public List<String> userPersistenceIds() {
    return devices.stream()
        .map(DeviceLog::user)
        .distinct()
        .sorted()
        .map(user -> PersistenceId.of(UserEntity.ENTITY_KEY.name(), user).id())
        .toList();
  }

  /** The bound the issue sets: every conversation writable again within 12 s of a fault's end. */
  public static final Duration WRITABLE_WITHIN = Duration.ofSeconds(12);

  /** {@link #recoveryAfter(Instant, Duration)} with {@link #WRITABLE_WITHIN}. */
  public RecoveryTimes recoveryAfter(Instant faultEnd) {
    return recoveryAfter(faultEnd, WRITABLE_WITHIN);
  }

  /**
   * Per conversation, how long after {@code faultEnd} it took until a send issued at or after
   * {@code faultEnd} was acked (the earliest such ack: sends retried from before the fault do not
   * count). The time includes the wait for the conversation's next send to be issued (up to one
   * send interval); {@link RecoveryTimes#fromIssue()} has the same acks measured from their issue.
   */
  public RecoveryTimes recoveryAfter(Instant faultEnd, Duration within) {
    Map<String, Send> firstAcked = new TreeMap<>();
    Map<String, List<Send>> issuedAfter = new TreeMap<>();
    for (Send s : sends) {
      if (s.issued().isBefore(faultEnd)) continue;
      issuedAfter.computeIfAbsent(s.conv(), c -> new ArrayList<>()).add(s);
      if (s.ack().isPresent()) firstAcked.merge(s.conv(), s, Records::earlierAck);
    }
    List<RecoveryTimes.Conversation> measured = new ArrayList<>();
    for (String conv : histories.keySet()) {
      if (!issuedAfter.containsKey(conv)) continue;
      String trace = trace(issuedAfter.get(conv), faultEnd);
      Send s = firstAcked.get(conv);
      if (s == null) {
        measured.add(new RecoveryTimes.Conversation(conv, null, null, trace));
      } else {
        Instant acked = s.ack().get().answeredAt();
        measured.add(
            new RecoveryTimes.Conversation(
                conv,
                Duration.between(faultEnd, acked),
                Duration.between(s.issued(), acked),
                trace));
      }
    }
    return new RecoveryTimes(faultEnd, within, histories.size(), measured);
  }

  // Sends and attempts a slow conversation's example shows: enough to tell a send that waited for
  // its device (no attempt yet) from one that waited for an answer.
  private static final int TRACED_SENDS = 2;
  private static final int TRACED_ATTEMPTS = 6;

  /**
   * The first sends issued after {@code faultEnd}, each with its device, issue time and attempts
   * (outcome, written and answered), times in seconds since {@code faultEnd}: "c.4 by ta/d0 at
   * +0.4: INTERNAL +0.4>+9.4, SENT +9.6>+9.7".
   */
  private static String trace(List<Send> issued, Instant faultEnd) {
    List<String> traced = new ArrayList<>();
    issued.stream()
        .sorted(Comparator.comparing(Send::issued))
        .limit(TRACED_SENDS)
        .forEach(
            s -> {
              List<String> attempts = new ArrayList<>();
              for (Attempt a :
                  s.attempts().subList(0, Math.min(TRACED_ATTEMPTS, s.attempts().size())))
                attempts.add(
                    a.outcome()
                        + " "
                        + since(faultEnd, a.at())
                        + (a.answeredAt() == null ? "" : ">" + since(faultEnd, a.answeredAt())));
              if (s.attempts().size() > TRACED_ATTEMPTS)
                attempts.add((s.attempts().size() - TRACED_ATTEMPTS) + " more");
              traced.add(
                  s.cid()
                      + " by "
                      + s.user()
                      + "/"
                      + s.device()
                      + " at "
                      + since(faultEnd, s.issued())
                      + ": "
                      + (attempts.isEmpty() ? "never written" : String.join(", ", attempts)));
            });
    return String.join("; ", traced);
  }

  private static String since(Instant from, Instant at) {
    return String.format(Locale.ROOT, "%+.1f", Duration.between(from, at).toMillis() / 1000.0);
  }

  private static Send earlierAck(Send a, Send b) {
    return a.ack().get().answeredAt().isAfter(b.ack().get().answeredAt()) ? b : a;
  }
}
