package io.parley.notifications;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A provider whose every answer the test gives by hand: each {@link #send} is recorded with a stage
 * that stays open until the test completes it. Counts the sends it has open, and the most at once.
 */
final class FakeProvider implements PushProvider {
  record Call(Notification notification, CompletableFuture<Outcome> answer) {}

  private final Provider kind;
  private final List<Call> calls = new ArrayList<>();
  private int open;
  private int mostOpen;

  FakeProvider(Provider kind) {
    this.kind = kind;
  }

  @Override
  public Provider kind() {
    return kind;
  }

  @Override
  public synchronized CompletionStage<Outcome> send(Notification notification) {
    CompletableFuture<Outcome> answer = new CompletableFuture<>();
    calls.add(new Call(notification, answer));
    open++;
    mostOpen = Math.max(mostOpen, open);
    answer.whenComplete((o, e) -> closed());
    return answer;
  }

  private synchronized void closed() {
    open--;
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized int sends() {
    return calls.size();
  }

  synchronized Call last() {
    return calls.get(calls.size() - 1);
  }

  synchronized int mostOpen() {
    return mostOpen;
  }

  /** Answers the latest send. */
  void answer(Outcome outcome) {
    last().answer().complete(outcome);
  }
}
