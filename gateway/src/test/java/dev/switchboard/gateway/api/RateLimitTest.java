package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-minute budget, on a clock the test moves by hand. */
class RateLimitTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFullMinuteMayBeSpentAtOnceThenItRefillsContinuously() {
    long t = 1_000 * SECOND;
    RateLimit rpm = new RateLimit(60, t); // one per second
    for (int i = 0; i < 60; i++) assertThat(rpm.tryTake(1, t)).isZero();
    long wait = rpm.tryTake(1, t);
    assertThat(wait).isEqualTo(SECOND);                       // the next one refills in a second
    assertThat(rpm.tryTake(1, t + SECOND / 2)).isEqualTo(SECOND / 2); // refused requests take nothing
    assertThat(rpm.tryTake(1, t + SECOND)).isZero();
    assertThat(rpm.tryTake(1, t + SECOND)).isPositive();
    // after a quiet minute the whole budget is back, not more
    long later = t + 120 * SECOND;
    for (int i = 0; i < 60; i++) assertThat(rpm.tryTake(1, later)).isZero();
    assertThat(rpm.tryTake(1, later)).isPositive();
  }

  @Test
  void tokensChargedAfterTheFactCanRunIntoDebtThatLaterRequestsWaitOut() {
    long t = 5 * SECOND;
    RateLimit tpm = new RateLimit(600, t); // ten a second
    assertThat(tpm.waitForAny(t)).isZero();
    tpm.charge(300, t);
    assertThat(tpm.waitForAny(t)).isZero();                    // half the minute's budget left
    tpm.charge(900, t);                                        // 1200 used: 600 over
    assertThat(tpm.waitForAny(t)).isEqualTo(60 * SECOND + 1);  // a minute to pay the debt back, and a token more
    assertThat(tpm.waitForAny(t + 60 * SECOND + 1)).isZero();
  }

  @Test
  void tenantsRefuseWithTheLimitAndWholeSecondsToWait() {
    long t = 7 * SECOND;
    Tenant tenant = new Tenant("team-a", 10, 2, 100, t);
    assertThat(tenant.admit(t)).isNull();
    assertThat(tenant.admit(t)).isNull();
    Tenant.Refusal r = tenant.admit(t);
    assertThat(r.limit()).isEqualTo("rpm");
    assertThat(r.retryAfterSeconds()).isEqualTo(30);
    assertThat(r.error().status()).isEqualTo(429);
    tenant.used(250, t);
    Tenant.Refusal tokens = tenant.admit(t + 30 * SECOND);
    assertThat(tokens.limit()).isEqualTo("tpm");
    assertThat(tokens.retryAfterSeconds()).isEqualTo(61); // 250 tokens at 100/min: 150 s of budget, 60 s tolerated
    assertThat(Tenant.unlimited("x").admit(t)).isNull();
  }
}
