package org.repomirror.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads {@link RepomirrorConfig} from YAML. Unknown keys and bad values fail with a {@link
 * ConfigException} whose one-line message names the file, the line and the dotted key. Thread-safe.
 */
public final class ConfigLoader {
  private static final YAMLMapper MAPPER = newMapper();

  private ConfigLoader() {}

  /** Reads and validates a configuration file. */
  public static RepomirrorConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates YAML text.
   *
   * @param source how errors name the text, usually its file name
   */
  public static RepomirrorConfig parse(String yaml, String source) throws ConfigException {
    try {
      JsonParser parser = MAPPER.createParser(yaml);
      if (parser.nextToken() == null) {
        return RepomirrorConfig.defaults(); // empty, or only comments
      }
      JsonNode tree = MAPPER.readTree(parser);
      if (!(tree instanceof ObjectNode top)) {
        RepomirrorConfig config = MAPPER.treeToValue(tree, RepomirrorConfig.class);
        return config != null ? config : RepomirrorConfig.defaults();
      }
      JsonNode mirrors = top.remove("mirrors");
      RepomirrorConfig base = bind(top, RepomirrorConfig.class, yaml, source, List.of());
      if (mirrors == null || mirrors.isNull()) return base;
      List<MirrorConfig> list = readMirrors(mirrors, top.get("sync"), yaml, source);
      try {
        return new RepomirrorConfig(base.server(), base.sync(), list);
      } catch (InvalidValueException e) {
        throw located(yaml, source, keyPath(e.key()), e.getMessage(), e);
      }
    } catch (JacksonException e) {
      if (e.getCause() instanceof MarkedYAMLException syntax) throw syntaxError(syntax, source);
      throw describe(e, yaml, source, List.of());
    } catch (IOException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The {@code mirrors:} list: each item over the sync section, whose {@code root}, {@code report}
   * and {@code store} are not taken (every mirror would share them).
   */
  private static List<MirrorConfig> readMirrors(
      JsonNode list, JsonNode sync, String yaml, String source) throws ConfigException {
    if (!list.isArray()) {
      throw located(
          yaml, source, List.of("mirrors"), "expected a list of mirrors (- name: ... items)", null);
    }
    List<MirrorConfig> mirrors = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      List<Object> at = List.of("mirrors", i);
      if (!(list.get(i) instanceof ObjectNode item)) {
        throw located(yaml, source, at, "expected a mapping of keys (name, upstream, ...)", null);
      }
      ObjectNode merged = MAPPER.createObjectNode();
      if (sync instanceof ObjectNode defaults) {
        merged.setAll(defaults);
        merged.remove(List.of("root", "report", "store"));
      }
      item = item.deepCopy();
      JsonNode name = item.remove("name");
      if (name == null || name.isNull()) throw located(yaml, source, at, "needs a name", null);
      if (!name.isValueNode()) {
        throw located(yaml, source, List.of("mirrors", i, "name"), "expected a string", null);
      }
      merged.setAll(item);
      SyncConfig settings = bind(merged, SyncConfig.class, yaml, source, at);
      try {
        mirrors.add(new MirrorConfig(name.asText(), settings));
      } catch (InvalidValueException e) {
        throw located(yaml, source, List.of("mirrors", i, "name"), e.getMessage(), e);
      }
    }
    return mirrors;
  }

  private static <T> T bind(
      JsonNode node, Class<T> type, String yaml, String source, List<Object> at)
      throws ConfigException {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JacksonException e) {
      throw describe(e, yaml, source, at);
    }
  }

  /**
   * @param at where the bound node sits in the file ({@code mirrors}, 1), before the error's own
   *     path
   */
  private static ConfigException describe(
      JacksonException e, String yaml, String source, List<Object> at) {
    List<Object> path = new ArrayList<>(at);
    if (e instanceof JsonMappingException jme) {
      for (JsonMappingException.Reference ref : jme.getPath()) {
        if (ref.getFieldName() != null) {
          path.add(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.add(ref.getIndex());
        }
      }
    }
    String reason;
    if (e instanceof UnrecognizedPropertyException upe) {
      String known =
          upe.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
      reason = "unknown key" + (known.isEmpty() ? "" : " (known keys: " + known + ")");
    } else if (e instanceof ValueInstantiationException
        && e.getCause() instanceof InvalidValueException ive) {
      if (ive.key() != null) {
        path.add(ive.key());
      }
      reason = ive.getMessage();
    } else if (e.getCause() instanceof InvalidValueException ive) {
      reason = ive.getMessage();
    } else if (e instanceof InvalidFormatException ife) {
      reason =
          "cannot read '"
              + ife.getValue()
              + "' as "
              + ife.getTargetType().getSimpleName().toLowerCase();
    } else if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
      reason = "expected " + describeType(mie.getTargetType());
    } else {
      reason = firstLine(e.getOriginalMessage());
    }
    OptionalInt line = lineOf(yaml, path);
    if (line.isEmpty() && e.getLocation() != null && e.getLocation() != JsonLocation.NA) {
      line = OptionalInt.of(e.getLocation().getLineNr());
    }
    return message(source, line, path, reason, e);
  }

  /**
   * A YAML syntax error as the parser says it, whole, at the line and column of the mistake, with
   * what the parser was reading. A key without its colon is only noticed where the next one starts:
   * the key is where the mistake is ({@code f.yaml:6:3: could not find expected ':' (while scanning
   * a simple key; noticed at line 7, column 3)}).
   */
  private static ConfigException syntaxError(MarkedYAMLException e, String source) {
    Mark problem = e.getProblemMark();
    Mark context = e.getContextMark();
    boolean key = e.getContext() != null && e.getContext().contains("simple key");
    Mark at = key && context != null ? context : problem != null ? problem : context;
    StringBuilder m = new StringBuilder(source);
    if (at != null) m.append(':').append(at.getLine() + 1).append(':').append(at.getColumn() + 1);
    m.append(": ").append(e.getProblem() != null ? e.getProblem() : "invalid YAML");
    if (e.getContext() != null) {
      m.append(" (").append(e.getContext());
      if (at != problem && problem != null) {
        m.append("; noticed at line ")
            .append(problem.getLine() + 1)
            .append(", column ")
            .append(problem.getColumn() + 1);
      }
      m.append(')');
    }
    return new ConfigException(m.toString(), e);
  }

  private static ConfigException located(
      String yaml, String source, List<Object> path, String reason, Exception cause) {
    return message(source, lineOf(yaml, path), path, reason, cause);
  }

  private static ConfigException message(
      String source, OptionalInt line, List<Object> path, String reason, Exception cause) {
    StringBuilder message = new StringBuilder(source);
    line.ifPresent(n -> message.append(':').append(n));
    message.append(": ");
    if (!path.isEmpty()) {
      message.append(dotted(path)).append(": ");
    }
    message.append(reason);
    return new ConfigException(message.toString(), cause);
  }

  /** {@code mirrors[1].policy}. */
  private static String dotted(List<Object> path) {
    StringBuilder key = new StringBuilder();
    for (Object part : path) {
      if (part instanceof Integer index) {
        key.append('[').append(index).append(']');
      } else {
        if (!key.isEmpty()) key.append('.');
        key.append(part);
      }
    }
    return key.toString();
  }

  /** The path of a dotted key as {@link InvalidValueException#key()} gives it. */
  private static List<Object> keyPath(String key) {
    List<Object> path = new ArrayList<>();
    if (key == null) return path;
    for (String part : key.split("\\.")) {
      int bracket = part.indexOf('[');
      path.add(bracket < 0 ? part : part.substring(0, bracket));
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        path.add(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
    }
    return path;
  }

  private static String describeType(Class<?> type) {
    if (type == Integer.class || type == int.class) return "an integer";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type.isRecord()) return "a mapping of keys";
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list (- item lines or [a, b])";
    }
    if (type == String.class) return "a string";
    return "a " + type.getSimpleName().toLowerCase();
  }

  private static String firstLine(String s) {
    if (s == null) return "invalid YAML";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * The 1-based line of the key (or list item) at {@code path}, found by walking the YAML node
   * tree; as near as it gets when the path goes further than the file.
   */
  private static OptionalInt lineOf(String yaml, List<Object> path) {
    if (path.isEmpty()) return OptionalInt.empty();
    Node node;
    try {
      node = new Yaml().compose(new StringReader(yaml));
    } catch (RuntimeException e) {
      return OptionalInt.empty();
    }
    int line = -1;
    for (Object step : path) {
      Node next = null;
      if (node instanceof MappingNode mapping && step instanceof String key) {
        for (NodeTuple tuple : mapping.getValue()) {
          if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
            line = k.getStartMark().getLine() + 1;
            next = tuple.getValueNode();
            break;
          }
        }
      } else if (node instanceof SequenceNode sequence
          && step instanceof Integer index
          && index < sequence.getValue().size()) {
        next = sequence.getValue().get(index);
        line = next.getStartMark().getLine() + 1;
      }
      if (next == null) break;
      node = next;
    }
    return line < 0 ? OptionalInt.empty() : OptionalInt.of(line);
  }

  private static YAMLMapper newMapper() {
    SimpleModule values = new SimpleModule("repomirror-values");
    values.addDeserializer(Duration.class, new StringValueDeserializer<>(Durations::parse));
    values.addDeserializer(HostPort.class, new StringValueDeserializer<>(HostPort::parse));
    values.addDeserializer(ByteSize.class, new StringValueDeserializer<>(ByteSize::parse));
    values.addDeserializer(Subnet.class, new StringValueDeserializer<>(Subnet::parse));
    values.addDeserializer(
        AccessLogTarget.class, new StringValueDeserializer<>(AccessLogTarget::parse));
    return YAMLMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .addModule(values)
        .build();
  }

  /** Reads a scalar and converts it, reporting the converter's message at the value's line. */
  private static final class StringValueDeserializer<T> extends JsonDeserializer<T> {
    private final Function<String, T> parser;

    StringValueDeserializer(Function<String, T> parser) {
      this.parser = parser;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        throw MismatchedInputException.from(p, String.class, "expected a single value");
      }
      try {
        return parser.apply(p.getValueAsString());
      } catch (InvalidValueException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
