package org.repomirror.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.repomirror.debian.HashAlgorithm;

/**
 * What {@code sync} and a running {@code serve} say over the service socket. The command sends one
 * request: the version, its working folder, its arguments, and a digest of each credential in its
 * environment ({@link #CREDENTIALS}). The server answers with frames, each a kind byte: {@code o}
 * and {@code e} carry a piece of standard output or error, {@code x} the exit code, last; or {@code
 * d} alone, with why, when it declines a command whose credentials are not its own, which then runs
 * the sync itself. Stateless.
 */
final class HandoffProtocol {
  static final int VERSION = 1;
  static final byte OUT = 'o';
  static final byte ERR = 'e';
  static final byte EXIT = 'x';
  static final byte DECLINED = 'd';

  /**
   * The environment's variables that a sync reads as credentials: a sync handed over runs with the
   * server's environment, so a command that sets one of them otherwise than the server does keeps
   * its sync. Only digests cross the socket.
   */
  static final List<String> CREDENTIALS =
      List.of(
          "RSYNC_PASSWORD",
          "SSH_AUTH_SOCK",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_PROFILE",
          "AWS_SHARED_CREDENTIALS_FILE",
          "AWS_CA_BUNDLE");

  /** A frame's text at most, in characters, so that its UTF-8 is at most MAX_BYTES. */
  static final int MAX_CHARS = 1 << 14;

  private static final int MAX_BYTES = 3 * MAX_CHARS;

  private HandoffProtocol() {}

  /**
   * A sync's command line, and the folder its relative paths are relative to.
   *
   * @param credentials the {@link #CREDENTIALS} set in the command's environment, each with the
   *     SHA-256 of its value
   */
  record Request(Path workingFolder, List<String> args, Map<String, String> credentials) {
    Request {
      args = List.copyOf(args);
      credentials = Map.copyOf(credentials);
    }
  }

  /** The credentials an environment sets, as a request carries them. */
  static Map<String, String> credentials(Map<String, String> environment) {
    Map<String, String> digests = new TreeMap<>();
    for (String name : CREDENTIALS) {
      String value = environment.get(name);
      if (value != null) {
        digests.put(
            name,
            HexFormat.of()
                .formatHex(
                    HashAlgorithm.SHA256
                        .newDigest()
                        .digest(value.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return digests;
  }

  /**
   * Why a server whose environment is this one declines a request: a credential the command sets
   * that the server lacks or has otherwise; empty when it runs the sync.
   */
  static Optional<String> mismatch(Request request, Map<String, String> environment) {
    Map<String, String> own = credentials(environment);
    for (Map.Entry<String, String> e : request.credentials().entrySet()) {
      if (!e.getValue().equals(own.get(e.getKey()))) {
        return Optional.of(e.getKey() + " differs from the server's");
      }
    }
    return Optional.empty();
  }

  static void writeRequest(DataOutputStream out, Request request) throws IOException {
    out.writeInt(VERSION);
    out.writeUTF(request.workingFolder().toString());
    out.writeInt(request.args().size());
    for (String arg : request.args()) out.writeUTF(arg);
    out.writeInt(request.credentials().size());
    for (Map.Entry<String, String> e : request.credentials().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    out.flush();
  }

  static Request readRequest(DataInputStream in) throws IOException {
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(
          "a sync of protocol version " + version + " (this server speaks " + VERSION + ")");
    }
    Path folder = Path.of(in.readUTF());
    int n = in.readInt();
    if (n < 0 || n > 1000) throw new IOException("a request of " + n + " arguments");
    List<String> args = new ArrayList<>(n);
    for (int i = 0; i < n; i++) args.add(in.readUTF());
    int c = in.readInt();
    if (c < 0 || c > CREDENTIALS.size())
      throw new IOException("a request of " + c + " credentials");
    Map<String, String> credentials = new TreeMap<>();
    for (int i = 0; i < c; i++) credentials.put(in.readUTF(), in.readUTF());
    return new Request(folder, args, credentials);
  }

  /**
   * Writes a piece of text, whole characters; at most {@value #MAX_CHARS} of them, so that it fits
   * a frame.
   */
  static void writeText(DataOutputStream out, byte kind, String text) throws IOException {
    if (text.length() > MAX_CHARS)
      throw new IllegalArgumentException("a frame of " + text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeByte(kind);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  static void writeExit(DataOutputStream out, int code) throws IOException {
    out.writeByte(EXIT);
    out.writeInt(code);
    out.flush();
  }

  /** Declines a request, saying why; the command then runs the sync itself. */
  static void writeDeclined(DataOutputStream out, String why) throws IOException {
    out.writeByte(DECLINED);
    out.writeUTF(why);
    out.flush();
  }

  /**
   * Copies the answer's text to the command's outputs until the exit code.
   *
   * @return the exit code; empty when the server declined, having printed nothing
   * @throws EOFException when the server goes before it gives one
   */
  static OptionalInt relay(DataInputStream in, PrintWriter out, PrintWriter err)
      throws IOException {
    byte[] buffer = new byte[MAX_BYTES];
    while (true) {
      byte kind = in.readByte();
      if (kind == EXIT) return OptionalInt.of(in.readInt());
      if (kind == DECLINED) {
        in.readUTF();
        return OptionalInt.empty();
      }
      int n = in.readInt();
      if ((kind != OUT && kind != ERR) || n < 0 || n > MAX_BYTES) {
        throw new IOException("a frame the server should not send (kind " + kind + ")");
      }
      in.readFully(buffer, 0, n);
      PrintWriter to = kind == OUT ? out : err;
      to.print(new String(buffer, 0, n, StandardCharsets.UTF_8));
      to.flush();
    }
  }
}
