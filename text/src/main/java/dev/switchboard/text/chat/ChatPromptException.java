package dev.switchboard.text.chat;

/** An OpenAI chat request cannot be turned into a prompt; the gateway answers 400 invalid_request_error. */
public final class ChatPromptException extends Exception {
  public ChatPromptException(String message) {
    super(message);
  }

  public ChatPromptException(String message, Throwable cause) {
    super(message, cause);
  }
}
