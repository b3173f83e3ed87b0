/** Step-by-step progress for long work: `[2/3] Postgres (embedded) ... ready  <detail>  (2.1 s)`. */
export interface Progress {
  step(name: string): ProgressStep;
  /** Ends the line of the step under way, if any, with "failed", so that the error starts on a line of its own. */
  failed(): void;
}

export interface ProgressStep {
  done(detail?: string): void;
}

export function newProgress(total: number, write: (text: string) => void = (text) => process.stdout.write(text)): Progress {
  let current = 0;
  let underway = false;
  return {
    step(name) {
      current += 1;
      underway = true;
      const started = Date.now();
      write(`[${current}/${total}] ${name} ... `);
      const seconds = () => `(${((Date.now() - started) / 1000).toFixed(1)} s)`;
      return {
        done: (detail) => { underway = false; write(`ready  ${detail ?? ''}  ${seconds()}\n`); },
      };
    },
    failed() {
      if (underway) write('failed\n');
      underway = false;
    },
  };
}
