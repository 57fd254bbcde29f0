package dev.switchboard.text.template;

import dev.switchboard.text.template.Token.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Recursive-descent parser for the jinja2 subset, following jinja2's grammar and operator precedence. */
final class Parser {
  private final List<Token> tokens;
  private int pos;
  private int loopDepth;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Stmt.Body parse(List<Token> tokens) throws TemplateException {
    Parser parser = new Parser(tokens);
    try {
      return parser.parseBody();
    } catch (SyntaxError e) {
      throw new TemplateException(TemplateException.Kind.SYNTAX, e.getMessage(), e.line);
    }
  }

  private static final class SyntaxError extends RuntimeException {
    final int line;

    SyntaxError(String message, int line) {
      super(message, null, false, false);
      this.line = line;
    }
  }

  // ------------------------------------------------------------------ token helpers

  private Token peek() {
    return tokens.get(pos);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  private Token next() {
    return tokens.get(pos++);
  }

  private SyntaxError error(String message, Token at) {
    return new SyntaxError(message, at.line());
  }

  private static String describe(Token t) {
    return switch (t.type()) {
      case EOF -> "end of template";
      case VAR_END -> "end of print statement";
      case BLOCK_END -> "end of statement block";
      case TEXT -> "template data";
      default -> "'" + t.text() + "'";
    };
  }

  private Token expectOp(String op) {
    Token t = next();
    if (!t.isOp(op)) {
      throw error("expected '" + op + "', got " + describe(t), t);
    }
    return t;
  }

  private Token expectName() {
    Token t = next();
    if (t.type() != Type.NAME) {
      throw error("expected a name, got " + describe(t), t);
    }
    return t;
  }

  private void expectNameText(String name) {
    Token t = next();
    if (!t.isName(name)) {
      throw error("expected '" + name + "', got " + describe(t), t);
    }
  }

  private void expectBlockEnd() {
    Token t = next();
    if (t.type() != Type.BLOCK_END) {
      throw error("expected end of statement block, got " + describe(t), t);
    }
  }

  private boolean skipOp(String op) {
    if (peek().isOp(op)) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean skipName(String name) {
    if (peek().isName(name)) {
      pos++;
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ statements

  private Stmt.Body parseBody(String... endTags) {
    List<Stmt> out = new ArrayList<>();
    while (true) {
      Token t = peek();
      switch (t.type()) {
        case EOF -> {
          if (endTags.length > 0) {
            throw error("unexpected end of template, expected " + String.join(" or ", quoted(endTags)), t);
          }
          return body(out);
        }
        case TEXT -> {
          pos++;
          out.add(new Stmt.Text((String) t.value(), t.line()));
        }
        case VAR_BEGIN -> {
          pos++;
          Expr e = parseTuple(true);
          Token end = next();
          if (end.type() != Type.VAR_END) {
            throw error("expected end of print statement, got " + describe(end), end);
          }
          out.add(outputStatement(e, t.line()));
        }
        case BLOCK_BEGIN -> {
          Token name = peek(1);
          if (name.type() != Type.NAME) {
            throw error("tag name expected", name);
          }
          for (String end : endTags) {
            if (name.text().equals(end)) {
              return body(out);
            }
          }
          pos += 2;
          out.add(parseStatement(name));
        }
        default -> throw error("unexpected " + describe(t), t);
      }
    }
  }

  /** A print of a left-nested {@code +} chain becomes {@link Stmt.OutputSum}. */
  private static Stmt outputStatement(Expr e, int line) {
    if (!(e instanceof Expr.Binary b) || b.op() != Expr.Op.ADD) {
      return new Stmt.Output(e, line);
    }
    List<Expr> operands = new ArrayList<>();
    Expr left = e;
    while (left instanceof Expr.Binary add && add.op() == Expr.Op.ADD) {
      operands.add(0, add.right());
      left = add.left();
    }
    operands.add(0, left);
    return new Stmt.OutputSum(operands.toArray(Expr[]::new), line);
  }

  private static List<String> quoted(String[] tags) {
    return Arrays.stream(tags).map(s -> "'" + s + "'").toList();
  }

  private static Stmt.Body body(List<Stmt> stmts) {
    return new Stmt.Body(stmts.toArray(Stmt[]::new));
  }

  /** Consumes {@code {% name} (the BLOCK_BEGIN and the name token). */
  private void enterTag(String name) {
    Token begin = next();
    Token t = next();
    if (begin.type() != Type.BLOCK_BEGIN || !t.isName(name)) {
      throw error("expected '" + name + "'", t);
    }
  }

  private String peekTag() {
    return peek(1).text();
  }

  private Stmt parseStatement(Token name) {
    int line = name.line();
    return switch (name.text()) {
      case "if" -> parseIf(line);
      case "for" -> parseFor(line);
      case "set" -> parseSet(line);
      case "macro" -> parseMacro(line);
      case "call" -> parseCallBlock(line);
      case "filter" -> parseFilterBlock(line);
      case "break", "continue" -> {
        if (loopDepth == 0) {
          throw error("'" + name.text() + "' outside of a loop", name);
        }
        expectBlockEnd();
        yield name.text().equals("break") ? new Stmt.Break(line) : new Stmt.Continue(line);
      }
      case "generation" -> {
        // transformers' AssistantTracker tag: renders its body unchanged
        expectBlockEnd();
        Stmt.Body body = parseBody("endgeneration");
        enterTag("endgeneration");
        expectBlockEnd();
        yield new Stmt.If(new Expr[] {new Expr.Const(true, line)}, new Stmt.Body[] {body}, null, line);
      }
      default -> throw error("encountered unknown or unsupported tag '" + name.text() + "'", name);
    };
  }

  private Stmt parseIf(int line) {
    List<Expr> tests = new ArrayList<>();
    List<Stmt.Body> bodies = new ArrayList<>();
    tests.add(parseTuple(false));
    expectBlockEnd();
    bodies.add(parseBody("elif", "else", "endif"));
    Stmt.Body otherwise = null;
    while (true) {
      String tag = peekTag();
      pos += 2;
      if (tag.equals("elif")) {
        tests.add(parseTuple(false));
        expectBlockEnd();
        bodies.add(parseBody("elif", "else", "endif"));
      } else if (tag.equals("else")) {
        expectBlockEnd();
        otherwise = parseBody("endif");
        enterTag("endif");
        expectBlockEnd();
        break;
      } else {
        expectBlockEnd();
        break;
      }
    }
    return new Stmt.If(tests.toArray(Expr[]::new), bodies.toArray(Stmt.Body[]::new), otherwise, line);
  }

  private String[] parseTargetNames() {
    boolean parens = skipOp("(");
    List<String> names = new ArrayList<>();
    names.add(expectName().text());
    while (skipOp(",")) {
      if (peek().type() != Type.NAME || peek().isName("in")) {
        break;
      }
      names.add(expectName().text());
    }
    if (parens) {
      expectOp(")");
    }
    return names.toArray(String[]::new);
  }

  private Stmt parseFor(int line) {
    String[] targets = parseTargetNames();
    expectNameText("in");
    Expr iterable = parseTuple(false);
    Expr filter = null;
    if (skipName("if")) {
      filter = parseExpression();
    }
    if (peek().isName("recursive")) {
      throw error("recursive for loops are not supported", peek());
    }
    expectBlockEnd();
    loopDepth++;
    Stmt.Body body = parseBody("endfor", "else");
    loopDepth--;
    Stmt.Body otherwise = null;
    if (peekTag().equals("else")) {
      pos += 2;
      expectBlockEnd();
      otherwise = parseBody("endfor");
    }
    enterTag("endfor");
    expectBlockEnd();
    return new Stmt.For(targets, iterable, filter, body, otherwise, line);
  }

  private Stmt parseSet(int line) {
    if (peek().type() == Type.NAME && peek(1).isOp(".")) {
      String target = next().text();
      pos++;
      String attribute = expectName().text();
      expectOp("=");
      Expr value = parseTuple(true);
      expectBlockEnd();
      return new Stmt.SetAttribute(target, attribute, value, line);
    }
    String[] targets = parseTargetNames();
    if (skipOp("=")) {
      Expr value = parseTuple(true);
      expectBlockEnd();
      return new Stmt.Set(targets, value, line);
    }
    if (targets.length != 1) {
      throw error("a block set needs exactly one target", peek());
    }
    Stmt.FilterChain filters = null;
    if (skipOp("|")) {
      filters = parseFilterChain();
    }
    expectBlockEnd();
    Stmt.Body body = parseBody("endset");
    enterTag("endset");
    expectBlockEnd();
    return new Stmt.SetBlock(targets[0], body, filters, line);
  }

  private record Params(String[] names, Expr[] defaults) {}

  private Params parseParams() {
    List<String> names = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    expectOp("(");
    while (!peek().isOp(")")) {
      if (!names.isEmpty()) {
        expectOp(",");
        if (peek().isOp(")")) {
          break;
        }
      }
      names.add(expectName().text());
      defaults.add(skipOp("=") ? parseExpression() : null);
    }
    expectOp(")");
    return new Params(names.toArray(String[]::new), defaults.toArray(Expr[]::new));
  }

  private Stmt parseMacro(int line) {
    String name = expectName().text();
    Params params = parseParams();
    expectBlockEnd();
    int savedDepth = loopDepth;
    loopDepth = 0;
    Stmt.Body body = parseBody("endmacro");
    loopDepth = savedDepth;
    enterTag("endmacro");
    skipName(name);
    expectBlockEnd();
    return new Stmt.MacroDef(name, params.names(), params.defaults(), body, line);
  }

  private Stmt parseCallBlock(int line) {
    Params params = peek().isOp("(") ? parseParams() : new Params(new String[0], new Expr[0]);
    Token at = peek();
    Expr call = parseExpression();
    Expr callee;
    Expr.Arguments arguments;
    if (call instanceof Expr.Call c) {
      callee = c.callee();
      arguments = c.arguments();
    } else if (call instanceof Expr.MethodCall m) {
      callee = new Expr.GetAttr(m.target(), m.name(), m.line());
      arguments = m.arguments();
    } else {
      throw error("expected a call in the call block", at);
    }
    expectBlockEnd();
    Stmt.Body body = parseBody("endcall");
    enterTag("endcall");
    expectBlockEnd();
    return new Stmt.CallBlock(callee, arguments, params.names(), params.defaults(), body, line);
  }

  private Stmt parseFilterBlock(int line) {
    Stmt.FilterChain filters = parseFilterChain();
    expectBlockEnd();
    Stmt.Body body = parseBody("endfilter");
    enterTag("endfilter");
    expectBlockEnd();
    return new Stmt.FilterBlock(filters, body, line);
  }

  private Stmt.FilterChain parseFilterChain() {
    List<Filters.Filter> filters = new ArrayList<>();
    List<Expr.Arguments> arguments = new ArrayList<>();
    do {
      Token name = expectName();
      Filters.Filter filter = Filters.lookup(name.text());
      if (filter == null) {
        throw error("no filter named '" + name.text() + "'", name);
      }
      filters.add(filter);
      arguments.add(peek().isOp("(") ? parseCallArguments() : Expr.Arguments.NONE);
    } while (skipOp("|"));
    return new Stmt.FilterChain(filters.toArray(Filters.Filter[]::new), arguments.toArray(Expr.Arguments[]::new));
  }

  // ------------------------------------------------------------------ expressions

  private boolean isTupleEnd() {
    Token t = peek();
    return t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.type() == Type.EOF || t.isOp(")")
        || t.isOp("]") || t.isName("if") || t.isName("recursive");
  }

  private Expr parseTuple(boolean withConditional) {
    int line = peek().line();
    Expr first = withConditional ? parseExpression() : parseOr();
    if (!peek().isOp(",")) {
      return first;
    }
    List<Expr> items = new ArrayList<>();
    items.add(first);
    while (skipOp(",")) {
      if (isTupleEnd()) {
        break;
      }
      items.add(withConditional ? parseExpression() : parseOr());
    }
    return new Expr.TupleLiteral(items.toArray(Expr[]::new), line);
  }

  private Expr parseExpression() {
    Expr e = parseOr();
    while (peek().isName("if")) {
      int line = next().line();
      Expr test = parseOr();
      Expr otherwise = skipName("else") ? parseExpression() : null;
      e = new Expr.Conditional(test, e, otherwise, line);
    }
    return e;
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (peek().isName("or")) {
      int line = next().line();
      left = new Expr.Or(left, parseAnd(), line);
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (peek().isName("and")) {
      int line = next().line();
      left = new Expr.And(left, parseNot(), line);
    }
    return left;
  }

  private Expr parseNot() {
    if (peek().isName("not")) {
      int line = next().line();
      return new Expr.Not(parseNot(), line);
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    int line = peek().line();
    Expr first = parseMath1();
    List<Expr.CompareOp> ops = new ArrayList<>();
    List<Expr> rest = new ArrayList<>();
    while (true) {
      Token t = peek();
      Expr.CompareOp op = null;
      if (t.type() == Type.OPERATOR) {
        op = switch (t.text()) {
          case "==" -> Expr.CompareOp.EQ;
          case "!=" -> Expr.CompareOp.NE;
          case "<" -> Expr.CompareOp.LT;
          case "<=" -> Expr.CompareOp.LE;
          case ">" -> Expr.CompareOp.GT;
          case ">=" -> Expr.CompareOp.GE;
          default -> null;
        };
        if (op != null) {
          pos++;
        }
      } else if (t.isName("in")) {
        op = Expr.CompareOp.IN;
        pos++;
      } else if (t.isName("not") && peek(1).isName("in")) {
        op = Expr.CompareOp.NOT_IN;
        pos += 2;
      }
      if (op == null) {
        break;
      }
      ops.add(op);
      rest.add(parseMath1());
    }
    if (ops.isEmpty()) {
      return first;
    }
    return new Expr.Compare(first, ops.toArray(Expr.CompareOp[]::new), rest.toArray(Expr[]::new), line);
  }

  private Expr parseMath1() {
    Expr left = parseConcat();
    while (peek().isOp("+") || peek().isOp("-")) {
      Token op = next();
      left = new Expr.Binary(op.text().equals("+") ? Expr.Op.ADD : Expr.Op.SUB, left, parseConcat(), op.line());
    }
    return left;
  }

  private Expr parseConcat() {
    int line = peek().line();
    Expr first = parseMath2();
    if (!peek().isOp("~")) {
      return first;
    }
    List<Expr> parts = new ArrayList<>();
    parts.add(first);
    while (skipOp("~")) {
      parts.add(parseMath2());
    }
    return new Expr.Concat(parts.toArray(Expr[]::new), line);
  }

  private Expr parseMath2() {
    Expr left = parsePow();
    while (true) {
      Token t = peek();
      Expr.Op op = t.type() != Type.OPERATOR ? null : switch (t.text()) {
        case "*" -> Expr.Op.MUL;
        case "/" -> Expr.Op.DIV;
        case "//" -> Expr.Op.FLOOR_DIV;
        case "%" -> Expr.Op.MOD;
        default -> null;
      };
      if (op == null) {
        return left;
      }
      pos++;
      left = new Expr.Binary(op, left, parsePow(), t.line());
    }
  }

  private Expr parsePow() {
    Expr left = parseUnary(true);
    while (peek().isOp("**")) {
      int line = next().line();
      left = new Expr.Binary(Expr.Op.POW, left, parseUnary(true), line);
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    Token t = peek();
    Expr node;
    if (t.isOp("-")) {
      pos++;
      node = new Expr.Negate(parseUnary(false), t.line());
    } else if (t.isOp("+")) {
      pos++;
      node = new Expr.Plus(parseUnary(false), t.line());
    } else {
      node = parsePrimary();
    }
    node = parsePostfix(node);
    if (withFilter) {
      node = parseFilterExpr(node);
    }
    return node;
  }

  private Expr parsePrimary() {
    Token t = next();
    int line = t.line();
    switch (t.type()) {
      case NAME -> {
        return switch (t.text()) {
          case "true", "True" -> new Expr.Const(Boolean.TRUE, line);
          case "false", "False" -> new Expr.Const(Boolean.FALSE, line);
          case "none", "None" -> new Expr.Const(null, line);
          default -> new Expr.Name(t.text(), line);
        };
      }
      case STRING -> {
        StringBuilder sb = new StringBuilder((String) t.value());
        while (peek().type() == Type.STRING) {
          sb.append((String) next().value());
        }
        return new Expr.Const(sb.toString(), line);
      }
      case INTEGER, FLOAT -> {
        return new Expr.Const(t.value(), line);
      }
      case OPERATOR -> {
        switch (t.text()) {
          case "(" -> {
            if (skipOp(")")) {
              return new Expr.TupleLiteral(new Expr[0], line);
            }
            Expr first = parseExpression();
            if (peek().isOp(",")) {
              List<Expr> items = new ArrayList<>();
              items.add(first);
              while (skipOp(",")) {
                if (peek().isOp(")")) {
                  break;
                }
                items.add(parseExpression());
              }
              expectOp(")");
              return new Expr.TupleLiteral(items.toArray(Expr[]::new), line);
            }
            expectOp(")");
            return first;
          }
          case "[" -> {
            List<Expr> items = new ArrayList<>();
            while (!peek().isOp("]")) {
              if (!items.isEmpty()) {
                expectOp(",");
                if (peek().isOp("]")) {
                  break;
                }
              }
              items.add(parseExpression());
            }
            expectOp("]");
            return new Expr.ListLiteral(items.toArray(Expr[]::new), line);
          }
          case "{" -> {
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!peek().isOp("}")) {
              if (!keys.isEmpty()) {
                expectOp(",");
                if (peek().isOp("}")) {
                  break;
                }
              }
              keys.add(parseExpression());
              expectOp(":");
              values.add(parseExpression());
            }
            expectOp("}");
            return new Expr.DictLiteral(keys.toArray(Expr[]::new), values.toArray(Expr[]::new), line);
          }
          default -> throw error("unexpected " + describe(t), t);
        }
      }
      default -> throw error("unexpected " + describe(t), t);
    }
  }

  private Expr parsePostfix(Expr node) {
    while (true) {
      Token t = peek();
      if (t.isOp(".")) {
        pos++;
        Token attr = next();
        if (attr.type() == Type.NAME) {
          node = new Expr.GetAttr(node, attr.text(), attr.line());
        } else if (attr.type() == Type.INTEGER) {
          node = new Expr.GetItem(node, new Expr.Const(attr.value(), attr.line()), attr.line());
        } else {
          throw error("expected an attribute name after '.', got " + describe(attr), attr);
        }
      } else if (t.isOp("[")) {
        pos++;
        node = parseSubscript(node, t.line());
      } else if (t.isOp("(")) {
        node = makeCall(node, parseCallArguments(), t.line());
      } else {
        return node;
      }
    }
  }

  private Expr parseSubscript(Expr target, int line) {
    if (skipOp("]")) { // x[] indexes with an empty tuple, as in jinja2
      return new Expr.GetItem(target, new Expr.TupleLiteral(new Expr[0], line), line);
    }
    Expr start = peek().isOp(":") ? null : parseExpression();
    if (start != null && peek().isOp(",")) { // x[a, b] indexes with a tuple
      List<Expr> items = new ArrayList<>();
      items.add(start);
      while (skipOp(",") && !peek().isOp("]")) {
        items.add(parseExpression());
      }
      expectOp("]");
      return new Expr.GetItem(target, new Expr.TupleLiteral(items.toArray(Expr[]::new), line), line);
    }
    if (!skipOp(":")) {
      expectOp("]");
      return new Expr.GetItem(target, start, line);
    }
    Expr stop = peek().isOp("]") || peek().isOp(":") ? null : parseExpression();
    Expr step = null;
    if (skipOp(":")) {
      step = peek().isOp("]") ? null : parseExpression();
    }
    expectOp("]");
    return new Expr.Slice(target, start, stop, step, line);
  }

  private static Expr makeCall(Expr callee, Expr.Arguments arguments, int line) {
    if (callee instanceof Expr.GetAttr attr) {
      return new Expr.MethodCall(attr.target(), attr.name(), arguments, line);
    }
    return new Expr.Call(callee, arguments, line);
  }

  private Expr.Arguments parseCallArguments() {
    expectOp("(");
    List<Expr> positional = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    boolean first = true;
    while (!peek().isOp(")")) {
      if (!first) {
        expectOp(",");
        if (peek().isOp(")")) {
          break;
        }
      }
      first = false;
      if (peek().isOp("*") || peek().isOp("**")) {
        throw error("*args and **kwargs in calls are not supported", peek());
      }
      if (peek().type() == Type.NAME && peek(1).isOp("=")) {
        names.add(next().text());
        pos++;
        values.add(parseExpression());
      } else {
        if (!names.isEmpty()) {
          throw error("positional argument after keyword argument", peek());
        }
        positional.add(parseExpression());
      }
    }
    expectOp(")");
    return new Expr.Arguments(positional.toArray(Expr[]::new), names.toArray(String[]::new), values.toArray(Expr[]::new));
  }

  private Expr parseFilterExpr(Expr node) {
    while (true) {
      Token t = peek();
      if (t.isOp("|")) {
        pos++;
        node = parseFilter(node);
      } else if (t.isName("is")) {
        pos++;
        node = parseTest(node, t.line());
      } else if (t.isOp("(")) {
        node = makeCall(node, parseCallArguments(), t.line());
      } else {
        return node;
      }
    }
  }

  private Expr parseFilter(Expr input) {
    Token name = expectName();
    Filters.Filter filter = Filters.lookup(name.text());
    if (filter == null) {
      throw error("no filter named '" + name.text() + "'", name);
    }
    Expr.Arguments arguments = peek().isOp("(") ? parseCallArguments() : Expr.Arguments.NONE;
    return new Expr.FilterCall(input, name.text(), filter, arguments, name.line());
  }

  private Expr parseTest(Expr input, int line) {
    boolean negated = skipName("not");
    Token name = expectName();
    Tests.Test test = Tests.lookup(name.text());
    if (test == null) {
      throw error("no test named '" + name.text() + "'", name);
    }
    Expr.Arguments arguments = Expr.Arguments.NONE;
    Token t = peek();
    if (t.isOp("(")) {
      arguments = parseCallArguments();
    } else if ((t.type() == Type.NAME || t.type() == Type.STRING || t.type() == Type.INTEGER
            || t.type() == Type.FLOAT || t.isOp("[") || t.isOp("{"))
        && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
      Expr arg = parsePostfix(parsePrimary());
      arguments = new Expr.Arguments(new Expr[] {arg}, new String[0], new Expr[0]);
    }
    return new Expr.TestCall(input, name.text(), test, arguments, negated, line);
  }
}
