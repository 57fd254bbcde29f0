package dev.switchboard.gateway.router;

import dev.switchboard.gateway.exchange.Endpoint;
import dev.switchboard.gateway.exchange.OpenAiError;
import java.util.SortedSet;

/** The outcome of choosing a router for one request. */
public sealed interface Selection {

  /** A router that can serve the request now. */
  record Routed(InferenceRouter router, String model) implements Selection {}

  /** Not routable; {@link #error()} is what the client gets. */
  sealed interface Refused extends Selection {
    OpenAiError error();
  }

  record ModelRequired(SortedSet<String> served) implements Refused {
    public OpenAiError error() {
      return OpenAiError.badRequest("'model' is required: this gateway serves several models " + served, "model");
    }
  }

  record UnknownModel(String model, SortedSet<String> served) implements Refused {
    public OpenAiError error() {
      return OpenAiError.modelNotFound("model '" + model + "' is not served here; served models: " + served);
    }
  }

  record NotYetServed(String model, RouterId planned) implements Refused {
    public OpenAiError error() {
      return OpenAiError.notImplemented("model '" + model + "' has only " + planned.wireName()
          + " workers, and this gateway does not route " + planned.wireName() + " yet");
    }
  }

  /** The model's routers exist, but none of their kinds serves this endpoint. */
  record NotSupported(String model, Endpoint endpoint) implements Refused {
    public OpenAiError error() {
      return OpenAiError.notImplemented(endpoint.path() + " is not served by the workers of model '" + model + "'"
          + (endpoint.pdCapable() ? "" : ": it needs a regular worker, and the model has only prefill/decode workers")
          + (endpoint.grpcCapable() ? "" : " (gRPC workers do not serve it)"));
    }
  }

  record NoHealthyWorker(String model) implements Refused {
    public OpenAiError error() {
      return OpenAiError.unavailable("no healthy worker can serve model '" + model + "' right now");
    }
  }

  record NoModels() implements Refused {
    public OpenAiError error() {
      return OpenAiError.unavailable("no models are being served: the gateway has no workers");
    }
  }
}
