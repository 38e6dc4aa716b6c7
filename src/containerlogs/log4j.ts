/**
 * The start of a log4j 1 or 2 entry as Spark's default layouts print it ("yy/MM/dd HH:mm:ss",
 * ISO dates, "LEVEL [date", "HH:mm:ss.SSS LEVEL"), after an optional console progress bar.
 * Lines that do not start so continue the entry before them (stack traces, multi-line reasons).
 */
export const LOG4J_HEADER =
  /^(?:\[Stage \d+:[^\]]*\])?(?:\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|(?:INFO|WARN|ERROR|DEBUG|TRACE|FATAL)\s+\[\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}[.,]?\d*\s+\[?(?:INFO|WARN|ERROR|DEBUG))/m;
