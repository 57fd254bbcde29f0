package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.worker.HealthSettings;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerType;
import dev.switchboard.launcher.DemoDeployment.Sim;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console in a real headless browser, served by a gateway running the demo deployment (simulated workers on
 * loopback). Health checks run every 200 ms with thresholds of 1, so a worker switched unhealthy is noticed fast.
 */
class ConsoleBrowserTest {
  private static final HealthSettings FAST_HEALTH = new HealthSettings(Duration.ofMillis(200), Duration.ofSeconds(2), 1, 1, "/health");

  @TempDir static Path profile;
  private static DemoDeployment demo;
  private static WebDriver browser;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    demo = DemoDeployment.start(0, d -> d.withGateway(d.gateway().withHealth(FAST_HEALTH)));
    await().atMost(Duration.ofSeconds(30)).until(() -> demo.gateway().routers().ready());
    browser = Browser.start(profile, 1400, 1000);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (demo != null) demo.close();
  }

  @AfterEach
  void healAll() {
    if (demo == null) return;
    demo.sims().forEach(s -> s.controls().reset());
    await().atMost(Duration.ofSeconds(10)).until(() -> demo.gateway().routers().ready());
  }

  private static String base() {
    return "http://127.0.0.1:" + demo.gateway().port();
  }

  /** Opens the console and waits until the first snapshot has been rendered. */
  private static void openConsole() {
    browser.get(base() + "/console");
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("tr[data-worker-id]")).size() == 5);
  }

  private static Sim sim(String model, WorkerType type) {
    return demo.sims().stream().filter(s -> s.spec().model().equals(model) && s.spec().type() == type).findFirst().orElseThrow();
  }

  private static String text(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.getFirst().getText().strip();
  }

  @Test
  void pageLoadsFromTheDemoAndShowsItsRoutersAndModels() {
    openConsole();
    assertThat(browser.getTitle()).isEqualTo("Switchboard console");
    List<String> routers = browser.findElements(By.cssSelector("article.router h3")).stream().map(WebElement::getText).toList();
    assertThat(routers).containsExactly("http-regular", "http-pd", "grpc-regular", "grpc-pd");
    assertThat(text("[data-router=grpc-pd] [data-field=state]")).isEqualTo("not in use");
    List<String> models = browser.findElements(By.cssSelector("#models li strong")).stream().map(WebElement::getText).toList();
    assertThat(models).containsExactly("llama-3.1-8b", "mistral-7b", "qwen-2.5");
    assertThat(browser.findElements(By.cssSelector("[data-pool]")).stream().map(e -> e.getDomAttribute("data-pool")).toList())
        .containsExactly("http-regular:llama-3.1-8b", "http-regular:qwen-2.5", "http-pd:llama-3.1-8b", "grpc-regular:mistral-7b");
    // The PD pool shows its prefill and its decode worker apart; every worker is healthy and named by its URL.
    Sim prefill = sim("llama-3.1-8b", WorkerType.PREFILL);
    Sim decode = sim("llama-3.1-8b", WorkerType.DECODE);
    assertThat(text("[data-pool='http-pd:llama-3.1-8b'] tbody[data-role=prefill] tr")).contains(prefill.spec().url());
    assertThat(text("[data-pool='http-pd:llama-3.1-8b'] tbody[data-role=decode] tr")).contains(decode.spec().url());
    assertThat(browser.findElements(By.cssSelector("tr[data-worker-id] [data-field=health] .pill")).stream().map(WebElement::getText))
        .containsOnly("healthy");
    assertThat(text("[data-pool='http-regular:qwen-2.5'] [data-field=policy]")).isEqualTo("policy round_robin");
    assertThat(text("#readiness")).isEqualTo("ready");
    // Controls have accessible names.
    for (WebElement b : browser.findElements(By.cssSelector("button[data-action]"))) {
      assertThat(b.getAccessibleName()).matches("(Drain|Remove) worker (http|grpc)://127\\.0\\.0\\.1:\\d+");
    }
    assertThat(browser.findElement(By.id("add-worker")).getAccessibleName()).isEqualTo("Add worker…");
  }

  @Test
  void trafficShowsAsRatesTtftAndRecentErrors() throws Exception {
    openConsole();
    Sim qwen = sim("qwen-2.5", WorkerType.REGULAR);
    String row = "tr[data-worker-id='" + Worker.idOf(qwen.spec().url()) + "']";
    for (int i = 0; i < 12; i++) assertThat(chat("qwen-2.5").statusCode()).isEqualTo(200);
    qwen.controls().failNext(1, 500);
    assertThat(chat("qwen-2.5").statusCode()).isEqualTo(500);
    // Rates count completed seconds, so the numbers show within about a second of the traffic.
    await().atMost(Duration.ofSeconds(5)).until(() -> !text(row + " [data-field=requests_per_sec]").equals("0.0"));
    assertThat(text(row + " [data-field=ttft]")).matches("\\d+ / \\d+ ms");
    // 1 of 13 attempts failed, once the second of the failure has completed too.
    await().atMost(Duration.ofSeconds(5)).until(() -> text(row + " [data-field=error_rate]").equals("7.7%"));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#errors tbody tr").contains("qwen-2.5"));
    assertThat(text("#errors tbody tr")).contains("500", qwen.spec().url(), "worker answered 500");
    browser.manage().window().setSize(new Dimension(1400, 1750)); // the whole page, for docs/console.png
    try {
      screenshot("console-laptop.png");
    } finally {
      browser.manage().window().setSize(new Dimension(1400, 1000));
    }
  }

  private static HttpResponse<String> chat(String model) throws Exception {
    String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    return http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onAPhoneWidthNothingScrollsSideways() {
    try {
      browser.manage().window().setSize(new Dimension(390, 844));
      openConsole();
      JavascriptExecutor js = (JavascriptExecutor) browser;
      await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) js.executeScript("return window.innerWidth")).intValue() <= 400);
      long overflow = ((Number) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth")).longValue();
      assertThat(overflow).as("horizontal overflow in px").isLessThanOrEqualTo(0);
      // Worker rows turn into labelled cards: each cell names its column.
      WebElement cell = browser.findElement(By.cssSelector("tr[data-worker-id] [data-field=in_flight]"));
      assertThat(js.executeScript("return getComputedStyle(arguments[0], '::before').content", cell)).isEqualTo("\"In flight\"");
      screenshot("console-phone.png");
    } finally {
      browser.manage().window().setSize(new Dimension(1400, 1000));
    }
  }

  /** Keeps a picture of the page in target/ (docs/console.png is one of these). */
  private static void screenshot(String name) {
    try {
      Path dir = Path.of("target", "console-screenshots");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aWorkerTurnedUnhealthyChangesThePageWithinTwoSeconds() {
    openConsole();
    Sim qwen = sim("qwen-2.5", WorkerType.REGULAR);
    String row = "tr[data-worker-id='" + Worker.idOf(qwen.spec().url()) + "']";
    assertThat(text(row + " [data-field=health] .pill")).isEqualTo("healthy");

    qwen.controls().healthy(false);
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> text(row + " [data-field=health] .pill").equals("unhealthy"));
    await().atMost(Duration.ofSeconds(2)).until(() -> text("li[data-model='qwen-2.5'] [data-field=routable]").equals("not routable"));
    assertThat(text("li[data-model='qwen-2.5'] [data-field=reason]")).contains("no available worker (1 unhealthy)");

    qwen.controls().healthy(true);
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> text(row + " [data-field=health] .pill").equals("healthy"));
  }

  @Test
  void aDrainClickedInThePageReachesTheGateway() throws Exception {
    openConsole();
    Sim llama = sim("llama-3.1-8b", WorkerType.REGULAR);
    String id = Worker.idOf(llama.spec().url());
    browser.findElement(By.cssSelector("tr[data-worker-id='" + id + "'] button[data-action=drain]")).click();
    WebElement dialog = browser.findElement(By.id("confirm"));
    await().atMost(Duration.ofSeconds(5)).until(dialog::isDisplayed);
    assertThat(browser.findElement(By.id("confirm-text")).getText()).contains(llama.spec().url(), "no new requests");
    browser.findElement(By.id("confirm-ok")).click();

    await().atMost(Duration.ofSeconds(5)).until(() -> workerJson(id).contains("\"draining\":true"));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("#result").startsWith("Draining " + llama.spec().url()));
    await().atMost(Duration.ofSeconds(5)).until(() -> text("tr[data-worker-id='" + id + "'] button[data-action=drain]").equals("Resume"));
    assertThat(text("tr[data-worker-id='" + id + "'] [data-field=health]")).contains("draining");

    HttpResponse<String> undo = http.send(HttpRequest.newBuilder(URI.create(base() + "/workers/" + id)).header("content-type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"draining\":false}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(undo.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> text("tr[data-worker-id='" + id + "'] button[data-action=drain]").equals("Drain"));
  }

  @Test
  void aWorkerAddedInThePageJoinsItsPoolAndRemovingItTakesItAway() throws Exception {
    openConsole();
    try (SimWorker extra = SimWorker.start(SimConfig.of("qwen-2.5"))) {
      String id = Worker.idOf(extra.url());
      browser.findElement(By.id("add-worker")).click();
      await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("add")).isDisplayed());
      browser.findElement(By.id("add-url")).sendKeys(extra.url());
      browser.findElement(By.id("add-model")).sendKeys("qwen-2.5");
      browser.findElement(By.id("add-ok")).click();
      await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
      assertThat(browser.findElement(By.id("confirm-text")).getText()).contains(extra.url(), "qwen-2.5", "regular");
      browser.findElement(By.id("confirm-ok")).click();

      String row = "[data-pool='http-regular:qwen-2.5'] tr[data-worker-id='" + id + "']";
      await().atMost(Duration.ofSeconds(10)).until(() -> text(row + " [data-field=health] .pill").equals("healthy"));
      assertThat(text("#result")).startsWith("Added " + extra.url());
      assertThat(workerJson(id)).contains("\"url\":\"" + extra.url() + "\"");

      browser.findElement(By.cssSelector(row + " button[data-action=remove]")).click();
      await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
      browser.findElement(By.id("confirm-ok")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector(row)).isEmpty());
      assertThat(demo.gateway().registry().snapshot().byUrl(extra.url())).isNull();
    }
  }

  private static String workerJson(String id) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/workers/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body().replace(" ", "");
  }
}
