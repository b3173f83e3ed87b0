/** Step-by-step progress for long work: `[2/3] Postgres (embedded) ... ready  <detail>  (2.1 s)`. */
export interface Progress {
  step(name: string): ProgressStep;
}

export interface ProgressStep {
  done(detail?: string): void;
  unavailable(reason: string): void;
}

export function newProgress(total: number, write: (text: string) => void = (text) => process.stdout.write(text)): Progress {
  let current = 0;
  return {
    step(name) {
      current += 1;
      const started = Date.now();
      write(`[${current}/${total}] ${name} ... `);
      const seconds = () => `(${((Date.now() - started) / 1000).toFixed(1)} s)`;
      return {
        done: (detail) => write(`ready  ${detail ?? ''}  ${seconds()}\n`),
        unavailable: (reason) => write(`unavailable\n      ${reason}\n`),
      };
    },
  };
}
