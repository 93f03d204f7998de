package io.parley.notifications;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A clock, an executor and a scheduler that move only when a test says: {@link #execute} and {@link
 * PushQueue.Delays#after} queue their tasks, which run (on the test's thread, in due order) only in
 * {@link #runDue} or {@link #advance}.
 */
final class ManualTime implements Executor, PushQueue.Delays {
  private record Task(long due, long order, Runnable run) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
  private long now;
  private long order;

  long nanoTime() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(new Task(now, order++, task));
  }

  @Override
  public void after(Duration delay, Runnable task) {
    tasks.add(new Task(now + delay.toNanos(), order++, task));
  }

  /** Tasks queued, due now or later. */
  int pending() {
    return tasks.size();
  }

  /** How long until the next task is due, or null when none is queued. */
  Duration untilNext() {
    return tasks.isEmpty() ? null : Duration.ofNanos(tasks.peek().due - now);
  }

  /** Runs every task due by now, those they queue included. */
  void runDue() {
    while (!tasks.isEmpty() && tasks.peek().due <= now) tasks.poll().run.run();
  }

  /** Moves the clock on, running each task at its due time. */
  void advance(Duration by) {
    long until = now + by.toNanos();
    while (!tasks.isEmpty() && tasks.peek().due <= until) {
      Task t = tasks.poll();
      now = Math.max(now, t.due);
      t.run.run();
    }
    now = until;
  }
}
