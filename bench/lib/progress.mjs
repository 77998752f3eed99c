// A progress bar on stderr (redrawn in place on a terminal, a line per tenth otherwise) and the
// rows/s of each step, for the seeding tool's summary.
const WIDTH = 30;
const REDRAW_MS = 200;

const formatCount = (n) => Math.round(n).toLocaleString('en-US');

export class Progress {
  constructor(stream = process.stderr) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.steps = [];
  }

  /** Starts a step of `total` rows; returns `update(done)` and `finish()`. */
  step(label, total) {
    const started = performance.now();
    let lastDraw = 0;
    let lastTenth = -1;
    const draw = (done, force = false) => {
      const now = performance.now();
      const fraction = total === 0 ? 1 : done / total;
      const tenth = Math.floor(fraction * 10);
      if (this.tty ? !force && now - lastDraw < REDRAW_MS : !force && tenth === lastTenth) return;
      lastDraw = now;
      lastTenth = tenth;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const filled = Math.round(fraction * WIDTH);
      const line = `${label.padEnd(16)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatCount(done)}/${formatCount(total)} ${formatCount(rate)} rows/s`;
      this.stream.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
    };
    draw(0, true);
    return {
      update: (done) => draw(done),
      finish: () => {
        draw(total, true);
        if (this.tty) this.stream.write('\n');
        const seconds = (performance.now() - started) / 1000;
        this.steps.push({ label, rows: total, seconds });
      },
    };
  }

  /** The summary table: rows, seconds and rows/s per step and in all. */
  summary() {
    const lines = ['step              rows          seconds   rows/s'];
    let rows = 0;
    let seconds = 0;
    for (const s of this.steps) {
      rows += s.rows;
      seconds += s.seconds;
      lines.push(`${s.label.padEnd(16)} ${formatCount(s.rows).padStart(12)} ${s.seconds.toFixed(1).padStart(10)} ${formatCount(s.seconds > 0 ? s.rows / s.seconds : 0).padStart(9)}`);
    }
    lines.push(`${'total'.padEnd(16)} ${formatCount(rows).padStart(12)} ${seconds.toFixed(1).padStart(10)} ${formatCount(seconds > 0 ? rows / seconds : 0).padStart(9)}`);
    return { text: lines.join('\n'), rows, seconds };
  }
}
