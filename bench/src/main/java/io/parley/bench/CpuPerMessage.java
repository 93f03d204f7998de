package io.parley.bench;

import java.util.Optional;

/**
 * A process's cost per message between two /proc samples: CPU microseconds (user + system, and each
 * apart) and context switches. CPU time, not wall time: on a shared box a process that waited for a
 * core costs nothing while it waited.
 *
 * @param contextSwitches per message; -1 when the threads' counts could not be read
 */
record CpuPerMessage(double cpuUs, double userUs, double systemUs, double contextSwitches) {
  /** Empty when there were no messages (no figure, not infinity) or either sample is unreadable. */
  static Optional<CpuPerMessage> of(ProcSample before, ProcSample after, double messages) {
    if (messages <= 0 || !before.readable() || !after.readable()) return Optional.empty();
    double user = after.userSeconds() - before.userSeconds();
    double system = after.systemSeconds() - before.systemSeconds();
    // Less CPU after than before: not the same process (the pid was reused).
    if (user < 0 || system < 0) return Optional.empty();
    long switches = ProcSample.switchesBetween(before, after);
    return Optional.of(
        new CpuPerMessage(
            (user + system) * 1e6 / messages,
            user * 1e6 / messages,
            system * 1e6 / messages,
            switches < 0 ? -1 : switches / messages));
  }
}
