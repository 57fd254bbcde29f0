package dev.switchboard.gateway.router;

import java.util.Optional;

/** Creates the router for an id when the plan first needs it; empty when this build cannot serve that kind. */
@FunctionalInterface
public interface RouterFactory {
  Optional<InferenceRouter> create(RouterId id);
}
