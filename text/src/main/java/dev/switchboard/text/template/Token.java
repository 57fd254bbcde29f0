package dev.switchboard.text.template;

/** One lexical token of a template; {@code value} is the decoded literal for strings and numbers. */
record Token(Type type, String text, Object value, int line) {
  enum Type {
    TEXT,
    VAR_BEGIN,
    VAR_END,
    BLOCK_BEGIN,
    BLOCK_END,
    NAME,
    STRING,
    INTEGER,
    FLOAT,
    OPERATOR,
    EOF
  }

  boolean isOp(String s) {
    return type == Type.OPERATOR && text.equals(s);
  }

  boolean isName(String s) {
    return type == Type.NAME && text.equals(s);
  }
}
