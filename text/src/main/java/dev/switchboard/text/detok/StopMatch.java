package dev.switchboard.text.detok;

/** Which stop condition ended the sequence; finish_reason is "stop" for both kinds. */
public sealed interface StopMatch {

  /** The value of OpenAI/SGLang {@code matched_stop}: the token id as a number or the stop string. */
  Object matchedStop();

  record Text(String stop) implements StopMatch {
    @Override
    public Object matchedStop() {
      return stop;
    }
  }

  record Token(int tokenId) implements StopMatch {
    @Override
    public Object matchedStop() {
      return tokenId;
    }
  }
}
