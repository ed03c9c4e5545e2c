/**
 * A progress line for long runs: on a terminal one line rewritten in place; elsewhere (a pipe, CI logs) at most one
 * line every `intervalMs`, so a log is not flooded. `done()` ends the line.
 */
export function progressLine(stream: NodeJS.WriteStream, intervalMs = 2_000) {
  let last = 0;
  let open = false;
  return {
    update(text: string) {
      if (stream.isTTY) {
        stream.write(`\r${text}\u001b[K`);
        open = true;
        return;
      }
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      stream.write(`${text}\n`);
    },
    done() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
