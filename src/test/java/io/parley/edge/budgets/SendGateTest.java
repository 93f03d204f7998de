package io.parley.edge.budgets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SendGateTest {
  @Test
  void refusesPastTheBoundAndFreesSlotsWhenSendsAreAnswered() {
    SendGate gate = new SendGate(2);
    assertTrue(gate.tryEnter());
    assertTrue(gate.tryEnter());
    assertFalse(gate.tryEnter(), "a third send waits for nobody: refused");
    assertEquals(2, gate.inFlight(), "a refusal takes no slot");
    gate.exit(1);
    assertTrue(gate.tryEnter());
    gate.exit(2); // e.g. a session ended with two sends unanswered
    assertEquals(0, gate.inFlight());
    gate.exit(0);
    assertEquals(0, gate.inFlight());
  }

  @Test
  void neverAdmitsMoreThanTheBoundFromManyThreads() throws Exception {
    SendGate gate = new SendGate(100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(
            () -> {
              int admitted = 0;
              for (int i = 0; i < 10_000; i++) if (gate.tryEnter()) admitted++;
              return admitted;
            });
      }
      int admitted = 0;
      for (Future<Integer> f : pool.invokeAll(tasks)) admitted += f.get();
      assertEquals(100, admitted);
      assertEquals(100, gate.inFlight());
    } finally {
      pool.shutdownNow();
    }
  }
}
