package dev.switchboard.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.gateway.config.ConfigLoader;
import dev.switchboard.gateway.config.DeploymentConfig;
import dev.switchboard.gateway.config.Secrets;
import dev.switchboard.gateway.testing.RepoFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every YAML file in deploy/ parses, is a Kubernetes object fabric8 can read, and the pieces fit together. */
class DeployManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  @TempDir Path dir;

  private static List<Path> yamlFiles() throws Exception {
    try (Stream<Path> s = Files.walk(RepoFiles.repoRoot().resolve("deploy"))) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private static List<JsonNode> documents(Path file) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) docs.add(n);
      }
    }
    return docs;
  }

  private static List<HasMetadata> objects() throws Exception {
    KubernetesSerialization k8s = new KubernetesSerialization();
    List<HasMetadata> out = new ArrayList<>();
    for (Path f : yamlFiles()) {
      for (JsonNode doc : documents(f)) {
        Object o = k8s.unmarshal(new ObjectMapper().writeValueAsString(doc));
        assertThat(o).as(f + ": a typed Kubernetes object").isInstanceOf(HasMetadata.class);
        out.add((HasMetadata) o);
      }
    }
    return out;
  }

  @Test
  void everyYamlParsesAndIsAKubernetesObject() throws Exception {
    List<Path> files = yamlFiles();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("deployment.yaml", "service.yaml", "configmap.yaml", "rbac.yaml");
    for (Path f : files) {
      List<JsonNode> docs = documents(f);
      assertThat(docs).as(f.toString()).isNotEmpty();
      for (JsonNode d : docs) {
        assertThat(d.path("apiVersion").asText()).as(f + " apiVersion").isNotEmpty();
        assertThat(d.path("kind").asText()).as(f + " kind").isNotEmpty();
        assertThat(d.path("metadata").path("name").asText()).as(f + " metadata.name").isNotEmpty();
      }
    }
    assertThat(objects()).extracting(HasMetadata::getKind)
        .contains("Deployment", "Service", "ConfigMap", "ServiceAccount", "Role", "RoleBinding");
  }

  @Test
  void thePiecesFitTogether() throws Exception {
    List<HasMetadata> all = objects();
    Deployment d = all.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readiness");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/liveness");
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    Service s = all.stream().filter(Service.class::isInstance).map(Service.class::cast).findFirst().orElseThrow();
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(s.getSpec().getSelector());
    Role role = all.stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow();
    assertThat(role.getRules().getFirst().getResources()).containsExactly("pods");
    assertThat(role.getRules().getFirst().getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    String account = d.getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(all).anySatisfy(o -> {
      assertThat(o.getKind()).isEqualTo("ServiceAccount");
      assertThat(o.getMetadata().getName()).isEqualTo(account);
    });
  }

  /** The ConfigMap's deployment file is one the gateway accepts (its key file stood in for by a temporary one). */
  @Test
  void theConfigMapHoldsAValidDeploymentFile() throws Exception {
    io.fabric8.kubernetes.api.model.ConfigMap cm = objects().stream()
        .filter(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance).map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
        .findFirst().orElseThrow();
    String file = cm.getData().get("deployment.yaml");
    Files.writeString(dir.resolve("admin"), "k");
    DeploymentConfig c = ConfigLoader.parse(file.replace("/etc/switchboard-keys/admin", "admin"), "configmap deployment.yaml",
        new Secrets(Map.<String, String>of()::get, dir));
    assertThat(c.kubernetes()).isNotNull();
    assertThat(c.fleet().adminApiKey()).isEqualTo("k");
  }
}
