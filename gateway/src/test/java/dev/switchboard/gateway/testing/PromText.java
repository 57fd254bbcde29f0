package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A parsed Prometheus text exposition (format 0.0.4): its samples and the metric families it declares. */
public final class PromText {
  public record Sample(String name, Map<String, String> labels, double value) {
    public String label(String key) { return labels.get(key); }
  }

  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> types = new LinkedHashMap<>();

  private PromText() {}

  /** Parses the text; fails on a line that is not a comment, a blank or a well-formed sample. */
  public static PromText parse(String text) {
    PromText p = new PromText();
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        p.types.put(parts[0], parts[1]);
        continue;
      }
      if (line.startsWith("#")) continue;
      p.samples.add(sample(line));
    }
    return p;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) throw new IllegalArgumentException("bad metric name in: " + line);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq);
        if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException("unquoted label value in: " + line);
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (line.charAt(i) == ',') i++;
      }
      i++;
    }
    String[] rest = line.substring(i).strip().split(" ");
    return new Sample(name, labels, Double.parseDouble(rest[0].replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
  }

  public List<Sample> samples() { return samples; }

  /** Family name → type, from the {@code # TYPE} lines. */
  public Map<String, String> types() { return types; }

  /** Every sample name (with {@code _bucket}, {@code _sum}, {@code _count}, {@code _total} suffixes as written). */
  public Set<String> names() {
    Set<String> out = new HashSet<>();
    for (Sample s : samples) out.add(s.name());
    return out;
  }

  /** Samples of {@code name} whose labels include all of {@code labels} (pairs: key, value, ...). */
  public List<Sample> find(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (!s.name().equals(name)) continue;
      boolean all = true;
      for (int k = 0; k < labels.length; k += 2) all &= labels[k + 1].equals(s.labels().get(labels[k]));
      if (all) out.add(s);
    }
    return out;
  }

  /** The sum of the values of the matching samples (0 when none). */
  public double sum(String name, String... labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }
}
