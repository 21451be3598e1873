/**
 * A one-line progress bar on stderr for the catalog CLIs (stdout stays clean for the summary).
 * Redrawn at most every 100 ms; without a terminal it prints one line per phase instead.
 */
const PHASES: Record<string, string> = { leyendo: 'Leyendo', validando: 'Validando', guardando: 'Guardando' };

export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let lastPhase = '';
  return {
    update(phase: string, done: number, total: number): void {
      const name = `${label} · ${PHASES[phase] ?? phase}`;
      if (!tty) {
        if (phase !== lastPhase) process.stderr.write(`${name}…\n`);
        lastPhase = phase;
        return;
      }
      const now = Date.now();
      if (phase === lastPhase && done < total && now - lastDraw < 100) return;
      lastDraw = now;
      lastPhase = phase;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r${name.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}   `);
      if (done >= total && phase === 'guardando') process.stderr.write('\n');
    },
    end(): void {
      if (tty) process.stderr.write('\n');
    },
  };
}
