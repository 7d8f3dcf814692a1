package org.repomirror.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code sync} and a running {@code serve} say over the service socket. The command sends one
 * request: the version, its working folder and its arguments. The server answers with frames, each
 * a kind byte: {@code o} and {@code e} carry a piece of standard output or error, {@code x} the
 * exit code, last. Stateless.
 */
final class HandoffProtocol {
  static final int VERSION = 1;
  static final byte OUT = 'o';
  static final byte ERR = 'e';
  static final byte EXIT = 'x';

  /** A frame's text at most, in characters, so that its UTF-8 is at most MAX_BYTES. */
  static final int MAX_CHARS = 1 << 14;

  private static final int MAX_BYTES = 3 * MAX_CHARS;

  private HandoffProtocol() {}

  /** A sync's command line, and the folder its relative paths are relative to. */
  record Request(Path workingFolder, List<String> args) {
    Request {
      args = List.copyOf(args);
    }
  }

  static void writeRequest(DataOutputStream out, Request request) throws IOException {
    out.writeInt(VERSION);
    out.writeUTF(request.workingFolder().toString());
    out.writeInt(request.args().size());
    for (String arg : request.args()) out.writeUTF(arg);
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
    return new Request(folder, args);
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

  /**
   * Copies the answer's text to the command's outputs until the exit code.
   *
   * @return the exit code
   * @throws EOFException when the server goes before it gives one
   */
  static int relay(DataInputStream in, PrintWriter out, PrintWriter err) throws IOException {
    byte[] buffer = new byte[MAX_BYTES];
    while (true) {
      byte kind = in.readByte();
      if (kind == EXIT) return in.readInt();
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
