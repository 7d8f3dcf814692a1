package org.repomirror.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
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
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

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
      RepomirrorConfig config = MAPPER.readValue(parser, RepomirrorConfig.class);
      return config != null ? config : RepomirrorConfig.defaults();
    } catch (JacksonException e) {
      throw describe(e, yaml, source);
    } catch (IOException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static ConfigException describe(JacksonException e, String yaml, String source) {
    List<String> path = new ArrayList<>();
    if (e instanceof JsonMappingException jme) {
      for (JsonMappingException.Reference ref : jme.getPath()) {
        if (ref.getFieldName() != null) {
          path.add(ref.getFieldName());
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
    StringBuilder message = new StringBuilder(source);
    line.ifPresent(n -> message.append(':').append(n));
    message.append(": ");
    if (!path.isEmpty()) {
      message.append(String.join(".", path)).append(": ");
    }
    message.append(reason);
    return new ConfigException(message.toString(), e);
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

  /** The 1-based line of the key at {@code path}, found by walking the YAML node tree. */
  private static OptionalInt lineOf(String yaml, List<String> path) {
    if (path.isEmpty()) return OptionalInt.empty();
    Node node;
    try {
      node = new Yaml().compose(new StringReader(yaml));
    } catch (RuntimeException e) {
      return OptionalInt.empty();
    }
    int line = -1;
    for (String key : path) {
      if (!(node instanceof MappingNode mapping)) break;
      Node next = null;
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          line = k.getStartMark().getLine() + 1;
          next = tuple.getValueNode();
          break;
        }
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
