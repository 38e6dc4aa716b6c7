import type { AppState } from '../state/app.js';
import { LogScanner, type ScanContext } from './scanner.js';

/**
 * `yarn logs -applicationId …` (LogToolUtils / AggregatedLogFormat): "Container: <id> on <node>"
 * headers, then per file "LogType:<name>", "Log Upload Time:"/"LogLastModifiedTime:", "LogLength:",
 * "Log Contents:" (Hadoop 2) or "LogContents:" (Hadoop 3), the bytes, "End of LogType:<name>".
 * Each container's files are scanned with what the container is: the AM (…_000001: the driver in
 * cluster mode, ExecutorLauncher in client mode, as its own lines say) or an executor, whose id its
 * launch_container.sh names (--executor-id).
 */
export class YarnAggregatedReader {
  private scanner: LogScanner | null = null;
  private ctx: ScanContext | null = null;
  private inContents = false;
  private readonly containerExecutors = new Map<string, string>();

  constructor(
    private readonly app: AppState,
    private readonly file: string,
  ) {
    app.clusterManagerHint ??= 'yarn';
  }

  line(text: string, lineNo: number): void {
    let m: RegExpExecArray | null;
    if ((m = /^Container: (container_\w+) on (\S+)\s*$/.exec(text))) {
      this.scanner?.end();
      const containerId = m[1]!;
      const am = /_0*1$/.test(containerId);
      // Until the launch script names the executor, its signals carry the container id.
      this.ctx = {
        file: this.file,
        role: am ? 'am' : 'executor',
        executorId: am ? null : containerId,
        containerId,
        containerExecutors: this.containerExecutors,
      };
      this.scanner = new LogScanner(this.app, this.ctx);
      this.inContents = false;
      return;
    }
    if (/^LogType:\s*\S/.test(text)) {
      this.scanner?.end();
      this.inContents = false;
      return;
    }
    if (/^(?:Log Contents|LogContents):\s*$/.test(text)) {
      this.inContents = true;
      return;
    }
    if (/^End of LogType:/.test(text)) {
      this.scanner?.end();
      this.inContents = false;
      return;
    }
    if (!this.inContents || !this.scanner || !this.ctx) return;
    this.scanner.line(text, lineNo);
    // The launch script names the executor this container runs; later signals carry it.
    if (this.ctx.executorId === this.ctx.containerId && text.includes('--executor-id')) {
      const id = /--executor-id\s+(\S+)/.exec(text);
      if (id) {
        this.ctx.executorId = id[1]!;
        this.app.signals.renameExecutor(this.ctx.containerId!, id[1]!);
      }
    }
  }

  end(): void {
    this.scanner?.end();
    // Containers named before their launch script was read: their executor ids, now known; the rest unknown.
    for (const [container, executor] of this.containerExecutors) this.app.signals.renameExecutor(container, executor);
    this.app.signals.forgetExecutors((id) => id.startsWith('container_'));
  }
}
