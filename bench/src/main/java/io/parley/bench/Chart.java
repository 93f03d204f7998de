package io.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML page (inline SVG, no scripts, nothing fetched) with the send→delivered
 * percentiles against the offered rate, on a log latency axis, the bound as a dashed line, and the
 * run's table under it. One point per step: a single run is one point.
 */
final class Chart {
  private static final int W = 900, H = 480, LEFT = 70, RIGHT = 150, TOP = 30, BOTTOM = 50;
  private static final String[] COLORS = {
    "#1b9e77", "#7570b3", "#d95f02", "#e7298a", "#666666", "#a6761d"
  };

  private Chart() {}

  static Path write(Path out, String name, String title, List<StepResult> unsorted, double boundMs)
      throws IOException {
    List<StepResult> steps =
        unsorted.stream().sorted(Comparator.comparingDouble(StepResult::offeredRate)).toList();
    double xMax = steps.stream().mapToDouble(StepResult::offeredRate).max().orElse(1) * 1.1;
    double yMin = 0.1;
    double yMax =
        Math.max(
            boundMs * 2,
            steps.stream().mapToDouble(s -> s.sendToDelivered().max()).max().orElse(1) * 1.5);
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n",
            W,
            H));
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
            LEFT,
            TOP,
            W - LEFT - RIGHT,
            H - TOP - BOTTOM));
    for (double v = yMin; v <= yMax * 1.0001; v *= 10) {
      double y = y(v, yMin, yMax);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>",
              LEFT,
              W - RIGHT,
              y,
              y));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%.1f' text-anchor='end'>%s ms</text>%n",
              LEFT - 5,
              y + 4,
              fmt(v)));
    }
    for (int i = 0; i <= 5; i++) {
      double v = xMax * i / 5, x = x(v, xMax);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' text-anchor='middle'>%.0f</text>%n",
              x,
              H - BOTTOM + 18,
              v));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='%d' text-anchor='middle'>offered msgs/s</text>%n",
            LEFT + (W - LEFT - RIGHT) / 2,
            H - 10));
    double by = y(boundMs, yMin, yMax);
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='red' stroke-dasharray='6,4'/>",
            LEFT,
            W - RIGHT,
            by,
            by));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='%.1f' fill='red'>bound %s ms</text>%n",
            W - RIGHT + 5,
            by + 4,
            fmt(boundMs)));
    series(svg, steps, "p50", s -> s.sendToDelivered().p50(), COLORS[0], xMax, yMin, yMax, 0);
    series(svg, steps, "p90", s -> s.sendToDelivered().p90(), COLORS[1], xMax, yMin, yMax, 1);
    series(svg, steps, "p99", s -> s.sendToDelivered().p99(), COLORS[2], xMax, yMin, yMax, 2);
    series(svg, steps, "p99.9", s -> s.sendToDelivered().p999(), COLORS[3], xMax, yMin, yMax, 3);
    series(svg, steps, "max", s -> s.sendToDelivered().max(), COLORS[4], xMax, yMin, yMax, 4);
    series(svg, steps, "p99 sent", s -> s.sendToSent().p99(), COLORS[5], xMax, yMin, yMax, 5);
    svg.append("</svg>\n");
    String html =
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>"
            + escape(title)
            + "</title></head>\n"
            + "<body style='font-family:sans-serif'>\n<h2>"
            + escape(title)
            + "</h2>\n"
            + "<p>send&rarr;delivered latency percentiles (from the intended send time) against the offered rate; "
            + "dotted: p99 send&rarr;sent (the durable reply to the sender).</p>\n"
            + svg
            + "<pre>"
            + escape(Report.table(unsorted))
            + "</pre>\n</body></html>\n";
    Files.createDirectories(out);
    Path file = out.resolve(name + ".html");
    Files.writeString(file, html);
    return file;
  }

  private static void series(
      StringBuilder svg,
      List<StepResult> steps,
      String name,
      ToDoubleFunction<StepResult> value,
      String color,
      double xMax,
      double yMin,
      double yMax,
      int row) {
    StringBuilder points = new StringBuilder();
    for (StepResult s : steps) {
      if (s.sendToDelivered().count() == 0) continue;
      double x = x(s.offeredRate(), xMax),
          y = y(Math.max(yMin, value.applyAsDouble(s)), yMin, yMax);
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      svg.append(
          String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>", x, y, color));
    }
    String dash = name.contains("sent") ? " stroke-dasharray='3,3'" : "";
    svg.append(
        String.format(
            Locale.ROOT,
            "<polyline points='%s' fill='none' stroke='%s' stroke-width='2'%s/>%n",
            points,
            color,
            dash));
    int ly = TOP + 10 + row * 18;
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='%s' stroke-width='2'%s/>",
            W - RIGHT + 10,
            W - RIGHT + 30,
            ly,
            ly,
            color,
            dash));
    svg.append(
        String.format(
            Locale.ROOT, "<text x='%d' y='%d'>%s</text>%n", W - RIGHT + 35, ly + 4, name));
  }

  private static double x(double v, double xMax) {
    return LEFT + v / xMax * (W - LEFT - RIGHT);
  }

  private static double y(double v, double yMin, double yMax) {
    double f = (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
    return H - BOTTOM - f * (H - TOP - BOTTOM);
  }

  private static String fmt(double v) {
    return v < 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
