package dev.switchboard.gateway.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryRuleAndBudgetTest {
  private final RetryRule rule = new RetryRule(5, 50, 400);

  @RepeatedTest(20)
  void backoffIsFullJitterUnderAnExponentialCeiling() {
    assertThat(rule.backoffCeilingMillis(1)).isEqualTo(50);
    assertThat(rule.backoffCeilingMillis(2)).isEqualTo(100);
    assertThat(rule.backoffCeilingMillis(3)).isEqualTo(200);
    assertThat(rule.backoffCeilingMillis(4)).isEqualTo(400);
    assertThat(rule.backoffCeilingMillis(9)).isEqualTo(400);
    for (int n = 1; n < 8; n++) assertThat(rule.backoffMillis(n)).isBetween(1L, rule.backoffCeilingMillis(n));
  }

  @Test
  void jitterSpreadsTheWaits() {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) seen.add(rule.backoffMillis(4));
    assertThat(seen.size()).as("distinct waits out of 200").isGreaterThan(50);
  }

  @Test
  void retryAfterIsHonouredUpToTheCapAndBeyondItTheAnswerGoesToTheClient() {
    assertThat(rule.backoffMillis(1, 300)).isEqualTo(300);
    assertThat(rule.backoffMillis(1, 401)).isEqualTo(-1);
    assertThat(rule.backoffMillis(1, -1)).isBetween(1L, 50L);
  }

  @Test
  void retryAfterParsesSecondsAndDates() {
    assertThat(RetryRule.retryAfterMillis("2")).isEqualTo(2000);
    assertThat(RetryRule.retryAfterMillis(" 0 ")).isZero();
    assertThat(RetryRule.retryAfterMillis("soon")).isEqualTo(-1);
    assertThat(RetryRule.retryAfterMillis(null)).isEqualTo(-1);
    String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
    assertThat(RetryRule.retryAfterMillis(inAMinute)).isBetween(55_000L, 60_000L);
  }

  @Test
  void budgetAllowsTheFloorOnAQuietGateway() {
    AtomicLong clock = new AtomicLong();
    RetryBudget budget = new RetryBudget(0.2, clock::get);
    int allowed = 0;
    for (int i = 0; i < 100; i++) if (budget.tryRetry()) allowed++;
    assertThat(allowed).isEqualTo(RetryBudget.FLOOR_PER_SECOND * RetryBudget.WINDOW_SECONDS);
  }

  @Test
  void budgetCapsRetriesAtTheRatioOfRecentRequests() {
    AtomicLong clock = new AtomicLong();
    RetryBudget budget = new RetryBudget(0.2, clock::get);
    int requests = 0;
    int retries = 0;
    // A failing fleet: every request wants to retry, over 5 seconds.
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 1000; i++) {
        budget.requestStarted();
        requests++;
        if (budget.tryRetry()) retries++;
      }
      clock.addAndGet(1_000_000_000L);
    }
    assertThat((double) retries / requests).isLessThanOrEqualTo(0.2 + 10.0 / requests);
    assertThat(retries).isGreaterThan(900);
  }

  @Test
  void oldRequestsLeaveTheWindow() {
    AtomicLong clock = new AtomicLong();
    RetryBudget budget = new RetryBudget(0.5, clock::get);
    for (int i = 0; i < 1000; i++) budget.requestStarted();
    clock.addAndGet(RetryBudget.WINDOW_SECONDS * 1_000_000_000L);
    int allowed = 0;
    for (int i = 0; i < 1000; i++) if (budget.tryRetry()) allowed++;
    assertThat(allowed).isEqualTo(RetryBudget.FLOOR_PER_SECOND * RetryBudget.WINDOW_SECONDS);
  }
}
