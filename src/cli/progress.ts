import cliProgress from 'cli-progress';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is going on, e.g. `re-embedding`. */
  label: string;
  /** What is counted, e.g. `rows`. */
  unit: string;
  /** Where to write (default stderr, so stdout stays clean for --json). */
  stream?: NodeJS.WriteStream;
  /** Plain lines only: how many of them at most over the whole run (default 10, plus the last). */
  lines?: number;
}

/** A progress display: {@link createProgress}. */
export interface Progress {
  /** `done` of `total` so far. */
  update(done: number, total: number): void;
  /** Ends the display (the bar's last state, or the last line, stays on screen). */
  stop(): void;
}

const seconds = (s: number) =>
  !Number.isFinite(s) ? '?' : s < 90 ? `${Math.ceil(s)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;

/**
 * Shows how far a long job is, with what is left, the rate and the time to go: a
 * cli-progress bar on a terminal, else one plain line per tenth of the work (logs, CI).
 *
 * @example
 * const p = createProgress({ label: 're-embedding', unit: 'rows' });
 * p.update(200, 1000); // "re-embedding: 200/1000 rows, 800 left, 45.1 rows/s, ETA 18s"
 * p.stop();
 */
export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  // Measured from the first update: set-up before it (a model probe) is not the job's rate.
  let t0 = 0;
  let first: number | null = null;
  const begin = (done: number) => {
    if (first !== null) return;
    first = done;
    t0 = performance.now();
  };
  const stats = (done: number, total: number) => {
    const elapsed = (performance.now() - t0) / 1000;
    const rate = elapsed > 0 ? (done - (first ?? 0)) / elapsed : 0;
    const left = Math.max(0, total - done);
    return { left, rate: rate.toFixed(1), eta: seconds(rate > 0 ? left / rate : Number.NaN) };
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${opts.label} [{bar}] {value}/{total} ${opts.unit} | {left} left | {rate} ${opts.unit}/s | ETA {eta}`,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        begin(done);
        const s = stats(done, total);
        if (!started) {
          bar.start(total, done, s);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, s);
        }
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let next = 0;
  let last = '';
  const steps = opts.lines ?? 10;
  return {
    update(done, total) {
      begin(done);
      const s = stats(done, total);
      last = `${opts.label}: ${done}/${total} ${opts.unit}, ${s.left} left, ${s.rate} ${opts.unit}/s, ETA ${done >= total ? '0s' : s.eta}`;
      if (done < next && done < total) return;
      stream.write(`${last}\n`);
      next = done + Math.max(1, Math.ceil(total / steps));
      last = '';
    },
    stop() {
      // The final state is always shown once.
      if (last) stream.write(`${last}\n`);
      last = '';
    },
  };
}
