package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The console of a demo gateway with an admin key: the login form, and actions that carry the key. */
class ConsoleLoginBrowserTest {
  private static final String KEY = "demo-admin-key";
  @TempDir static Path profile;
  private static DemoDeployment demo;
  private static WebDriver browser;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    HealthSettings fast = new HealthSettings(Duration.ofMillis(200), Duration.ofSeconds(2), 1, 1, "/health");
    demo = DemoDeployment.start(0, d -> d.withGateway(d.gateway().withHealth(fast)).withFleet(d.fleet().withAdminApiKey(KEY)));
    await().atMost(Duration.ofSeconds(30)).until(() -> demo.gateway().routers().ready());
    browser = Browser.start(profile, 1400, 1000);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (demo != null) demo.close();
  }

  private static String base() {
    return "http://127.0.0.1:" + demo.gateway().port();
  }

  private static void logIn(String key) {
    WebElement field = browser.findElement(By.id("key"));
    field.clear();
    field.sendKeys(key);
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
  }

  private static String drainLabel(String id) {
    return browser.findElement(By.cssSelector("tr[data-worker-id='" + id + "'] button[data-action=drain]")).getText();
  }

  @Test
  void theLoginFormLetsTheKeyInAndActionsCarryIt() throws Exception {
    browser.get(base() + "/console");
    assertThat(browser.getTitle()).isEqualTo("Switchboard console — log in");
    assertThat(browser.findElements(By.cssSelector("tr[data-worker-id]"))).isEmpty();

    logIn("not-the-key");
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("denied")).isDisplayed());

    logIn(KEY);
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("tr[data-worker-id]")).size() == 5);
    assertThat(browser.getTitle()).isEqualTo("Switchboard console");

    // The key typed at login is what the drain sends to the worker API.
    String url = demo.sims().stream().filter(s -> s.spec().model().equals("qwen-2.5") && s.spec().type() == WorkerType.REGULAR)
        .findFirst().orElseThrow().spec().url();
    String id = Worker.idOf(url);
    browser.findElement(By.cssSelector("tr[data-worker-id='" + id + "'] button[data-action=drain]")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
    assertThat(browser.findElement(By.id("confirm-key-row")).isDisplayed()).isFalse();
    browser.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> draining(id));
    await().atMost(Duration.ofSeconds(5)).until(() -> drainLabel(id).equals("Resume"));

    // A tab without the key (a new tab, storage cleared) is asked for it in the confirmation.
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.findElement(By.cssSelector("tr[data-worker-id='" + id + "'] button[data-action=drain]")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("confirm-key")).isDisplayed());
    assertThat(browser.findElement(By.id("confirm-key-label")).getText()).isEqualTo("Admin key");
    browser.findElement(By.id("confirm-key")).sendKeys(KEY);
    browser.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(5)).until(() -> !draining(id));
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("result")).getText().startsWith("Resumed " + url));
  }

  private static boolean draining(String id) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/workers/" + id))
        .header("authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().replace(" ", "").contains("\"draining\":true");
  }
}
