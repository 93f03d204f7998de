package io.parley.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Steps the offered rate up ({@code --start-rate}, {@code --step}) until a step is not sustainable
 * (p99 send→delivered above the bound, any error, or the offered rate not achieved), then bisects
 * twice between the last good and the first bad rate. The checker runs on every step; a step it
 * fails ends the search at once.
 */
final class FindMax {
  interface Stepper {
    StepResult step(String tag, double rate) throws Exception;
  }

  record Outcome(List<StepResult> steps, StepResult best) {}

  private FindMax() {}

  static Outcome run(Options o, Stepper stepper) throws Exception {
    List<StepResult> steps = new ArrayList<>();
    StepResult best = null;
    double good = 0, bad = 0;
    int i = 1;
    for (double rate = o.startRate(); rate <= o.maxRate(); rate += o.step()) {
      StepResult r = stepper.step("s" + i++, rate);
      steps.add(r);
      if (!r.verdict().ok()) return new Outcome(steps, best);
      if (!r.sustainable(o.boundMs())) {
        bad = rate;
        break;
      }
      good = rate;
      best = r;
    }
    for (int b = 0; b < 2 && bad > 0 && bad - good > o.step() / 8; b++) {
      double rate = Math.round((good + bad) / 2);
      StepResult r = stepper.step("s" + i++, rate);
      steps.add(r);
      if (!r.verdict().ok()) return new Outcome(steps, best);
      if (r.sustainable(o.boundMs())) {
        good = rate;
        best = r;
      } else {
        bad = rate;
      }
    }
    return new Outcome(steps, best);
  }
}
