package dev.switchboard.text.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
  private static Map<String, Object> vars(Object... keyValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put((String) keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  @Test
  void raiseExceptionIsARaisedErrorWithTheTemplateMessageAndLine() throws Exception {
    ChatTemplate t = ChatTemplate.compile("line one\n{% if x %}\n  {{ raise_exception('roles must alternate') }}\n{% endif %}");
    assertThat(t.render(vars("x", false))).isEqualTo("line one\n");
    assertThatThrownBy(() -> t.render(vars("x", true)))
        .isInstanceOfSatisfying(TemplateException.class, e -> {
          assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
          assertThat(e.detail()).isEqualTo("roles must alternate");
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.getMessage()).isEqualTo("roles must alternate (template line 3)");
        });
  }

  @Test
  void runtimeErrorsNameTheFailingLine() throws Exception {
    ChatTemplate t = ChatTemplate.compile("{% for m in messages %}\n{{ m.content }}\n{{ m.content + 1 }}\n{% endfor %}");
    assertThatThrownBy(() -> t.render(vars("messages", List.of(Map.of("content", "hi")))))
        .isInstanceOfSatisfying(TemplateException.class, e -> {
          assertThat(e.kind()).isEqualTo(TemplateException.Kind.RUNTIME);
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.detail()).isEqualTo("TypeError: can only concatenate str (not \"int\") to str");
        });
  }

  @Test
  void syntaxErrorsNameTheLine() {
    assertThatThrownBy(() -> ChatTemplate.compile("ok\nok\n{% if x %}\n{{ 1 + }}\n{% endif %}"))
        .isInstanceOfSatisfying(TemplateException.class, e -> {
          assertThat(e.kind()).isEqualTo(TemplateException.Kind.SYNTAX);
          assertThat(e.line()).isEqualTo(4);
        });
    assertThatThrownBy(() -> ChatTemplate.compile("{% for x in y %}\nno end"))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.detail()).contains("'endfor'"));
    assertThatThrownBy(() -> ChatTemplate.compile("\n{{ x | no_such_filter }}"))
        .isInstanceOfSatisfying(TemplateException.class, e -> {
          assertThat(e.detail()).contains("no_such_filter");
          assertThat(e.line()).isEqualTo(2);
        });
    assertThatThrownBy(() -> ChatTemplate.compile("{% include 'other.jinja' %}"))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.detail()).contains("include"));
    assertThatThrownBy(() -> ChatTemplate.compile("{% break %}"))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.detail()).contains("outside of a loop"));
    assertThatThrownBy(() -> ChatTemplate.compile("{{ 'unterminated }}"))
        .isInstanceOf(TemplateException.class);
    assertThatThrownBy(() -> ChatTemplate.compile("{# never closed"))
        .isInstanceOf(TemplateException.class);
  }

  @Test
  void userTextIsNeverEvaluated() throws Exception {
    ChatTemplate t = ChatTemplate.compile("[{{ content }}]");
    String hostile = "{{ 7*7 }}{% for x in range(9) %}x{% endfor %}{{ raise_exception('no') }}";
    assertThat(t.render(vars("content", hostile))).isEqualTo("[" + hostile + "]");
  }

  @Test
  void undefinedBehavesLikeJinja2DefaultUndefined() throws Exception {
    ChatTemplate t = ChatTemplate.compile(
        "[{{ nope }}][{{ nope is defined }}][{{ 'yes' if nope else 'no' }}][{{ nope | length }}][{% for x in nope %}x{% endfor %}]");
    assertThat(t.render(vars())).isEqualTo("[][False][no][0][]");
    assertThatThrownBy(() -> ChatTemplate.compile("{{ nope.attr }}").render(vars()))
        .isInstanceOfSatisfying(TemplateException.class,
            e -> assertThat(e.detail()).isEqualTo("UndefinedError: 'nope' is undefined"));
  }

  @Test
  void strftimeNowReadsTheGivenClock() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-03-09T17:05:09Z"), ZoneOffset.UTC);
    ChatTemplate t = ChatTemplate.compile("{{ strftime_now('%d %b %Y %H:%M:%S %A %B %j %p %I %y %m') }}", clock);
    assertThat(t.render(vars())).isEqualTo("09 Mar 2026 17:05:09 Monday March 068 PM 05 26 03");
  }

  @Test
  void generationTagRendersItsBody() throws Exception {
    assertThat(ChatTemplate.compile("a{% generation %}b{{ x }}{% endgeneration %}c").render(vars("x", 1)))
        .isEqualTo("ab1c");
  }

  @Test
  void acceptsIntegerAndJavaCollectionInputs() throws Exception {
    ChatTemplate t = ChatTemplate.compile("{{ n + 1 }} {{ n / 2 }} {{ xs | tojson }} {{ m | tojson }}");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", null);
    m.put("f", 0.5f);
    assertThat(t.render(vars("n", 41, "xs", List.of(1, 2L, "x"), "m", m)))
        .isEqualTo("42 20.5 [1, 2, \"x\"] {\"k\": null, \"f\": 0.5}");
  }

  @Test
  void aCompiledTemplateRendersConcurrently() throws Exception {
    ChatTemplate t = ChatTemplate.compile(
        "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + m %}{% endfor %}{{ ns.n }}");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long k = i;
        Callable<String> task = () -> t.render(vars("messages", List.of(k, k, k)));
        results.add(pool.submit(task));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(results.get(i).get()).isEqualTo(String.valueOf(3L * i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void windowsNewlinesAndTheTrailingNewlineAreNormalisedLikeJinja2() throws Exception {
    assertThat(ChatTemplate.compile("a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n").render(vars())).isEqualTo("a\nb\n");
  }
}
