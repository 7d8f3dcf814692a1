package org.repomirror.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.repomirror.config.AccessLogTarget;
import org.slf4j.LoggerFactory;

/**
 * The access log written through Logback's {@link AsyncAppender}: the event loop only enqueues, and
 * the appender's own thread formats, writes and flushes; when the queue is full, entries are
 * dropped rather than slowing requests down.
 */
final class LogbackAccessLog implements AccessLog {
  private static final String LOGGER = "repomirror.access";
  private static final int QUEUE_SIZE = 16_384;

  private final Logger logger;
  private final AsyncAppender async;

  private LogbackAccessLog(Logger logger, AsyncAppender async) {
    this.logger = logger;
    this.async = async;
  }

  /** An access log for the target, or {@link AccessLog#OFF}. */
  static AccessLog create(AccessLogTarget target) {
    if (target.kind() == AccessLogTarget.Kind.OFF) {
      return AccessLog.OFF;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();

    OutputStreamAppender<ILoggingEvent> sink;
    if (target.kind() == AccessLogTarget.Kind.FILE) {
      FileAppender<ILoggingEvent> file = new FileAppender<>();
      file.setFile(target.file().toString());
      file.setAppend(true);
      sink = file;
    } else {
      sink = new ConsoleAppender<>();
    }
    sink.setContext(context);
    sink.setName("access-sink");
    sink.setEncoder(encoder);
    sink.start();

    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("access-async");
    async.setQueueSize(QUEUE_SIZE);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.addAppender(sink);
    async.start();

    Logger logger = context.getLogger(LOGGER);
    logger.detachAndStopAllAppenders();
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(async);
    return new LogbackAccessLog(logger, async);
  }

  @Override
  public void log(AccessLogEntry entry) {
    logger.info(entry.combined());
  }

  @Override
  public void close() {
    logger.detachAppender(async);
    async.stop(); // drains the queue into the sink, then stops it
  }
}
