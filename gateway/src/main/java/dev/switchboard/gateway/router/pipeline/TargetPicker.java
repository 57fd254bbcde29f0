package dev.switchboard.gateway.router.pipeline;

import dev.switchboard.gateway.exchange.OpenAiError;
import dev.switchboard.gateway.exchange.RequestFacts;
import dev.switchboard.gateway.policy.Candidates;
import dev.switchboard.gateway.policy.Policy;
import dev.switchboard.gateway.policy.PolicyRegistry;
import dev.switchboard.gateway.worker.ConnectionMode;
import dev.switchboard.gateway.worker.Worker;
import dev.switchboard.gateway.worker.WorkerRegistry;
import dev.switchboard.gateway.worker.WorkerSnapshot.PoolKey;
import dev.switchboard.gateway.worker.WorkerType;
import java.util.List;
import java.util.Set;

/**
 * The one worker-selection stage: for one router kind (a connection, single workers or prefill/decode pairs) it
 * finds a model's candidates and lets each pool's policy pick. Every router places requests through here.
 */
public final class TargetPicker {
  /** What a pick found: a target, or why there is none. */
  public sealed interface Picked {}

  public record Found(Target target) implements Picked {}

  public record NoneAvailable(OpenAiError error) implements Picked {}

  private final WorkerRegistry registry;
  private final PolicyRegistry policies;
  private final ConnectionMode connection;
  private final boolean pairs;

  public TargetPicker(WorkerRegistry registry, PolicyRegistry policies, ConnectionMode connection, boolean pairs) {
    this.registry = registry;
    this.policies = policies;
    this.connection = connection;
    this.pairs = pairs;
  }

  private List<Worker> pool(String model, WorkerType type) {
    return registry.snapshot().pool(model, type, connection);
  }

  /** Whether a request for {@code model} could be placed now (pairs: an available prefill and decode worker). */
  public boolean canServe(String model) {
    if (!pairs) return anyAvailable(pool(model, WorkerType.REGULAR));
    return anyAvailable(pool(model, WorkerType.PREFILL)) && anyAvailable(pool(model, WorkerType.DECODE));
  }

  /** Picks a target for {@code request}, avoiding the workers in {@code failed}. */
  public Picked pick(String model, RequestFacts request, Set<Worker> failed) {
    if (!pairs) {
      List<Worker> pool = pool(model, WorkerType.REGULAR);
      List<Worker> candidates = Candidates.eligible(pool, request.constraints(), failed);
      if (candidates.isEmpty()) return new NoneAvailable(OpenAiError.unavailable(Candidates.unavailableReason(pool, request.constraints(), model, "worker")));
      return new Found(new Target.Single(policy(model, WorkerType.REGULAR).pick(candidates, request)));
    }
    List<Worker> prefills = Candidates.eligible(pool(model, WorkerType.PREFILL), request.constraints(), failed);
    List<Worker> decodes = Candidates.eligible(pool(model, WorkerType.DECODE), request.constraints(), failed);
    if (prefills.isEmpty() || decodes.isEmpty()) {
      WorkerType missing = prefills.isEmpty() ? WorkerType.PREFILL : WorkerType.DECODE;
      return new NoneAvailable(OpenAiError.unavailable(
          Candidates.unavailableReason(pool(model, missing), request.constraints(), model, missing.wireName() + " worker")));
    }
    Worker prefill = policy(model, WorkerType.PREFILL).pick(prefills, request);
    Worker decode = policy(model, WorkerType.DECODE).pick(decodes, request);
    return new Found(new Target.Pair(prefill, decode));
  }

  /** Whether another target exists for {@code request} when {@code failed} are avoided. */
  public boolean hasCandidate(String model, RequestFacts request, Set<Worker> failed) {
    if (!pairs) return !Candidates.eligible(pool(model, WorkerType.REGULAR), request.constraints(), failed).isEmpty();
    return !Candidates.eligible(pool(model, WorkerType.PREFILL), request.constraints(), failed).isEmpty()
        && !Candidates.eligible(pool(model, WorkerType.DECODE), request.constraints(), failed).isEmpty();
  }

  private Policy policy(String model, WorkerType type) {
    return policies.policy(new PoolKey(model, type, connection));
  }

  private static boolean anyAvailable(List<Worker> pool) {
    for (Worker w : pool) if (w.isAvailable()) return true;
    return false;
  }
}
