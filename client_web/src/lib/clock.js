// The server's clock as seen from this device, from the Date header of API answers.
// Speaking time and countdowns use it, so a tablet whose clock is off still counts right.
const samples = [];
let offset = 0;

/** Record one answer's Date header (1 s resolution; the median of recent samples smooths it). */
export function noteServerDate(dateHeader, sentAt, receivedAt) {
  const server = Date.parse(dateHeader || '');
  if (Number.isNaN(server)) return;
  // The header is truncated to the second: its true value lies in [server, server + 1000).
  const estimate = server + 500 - (sentAt + receivedAt) / 2;
  samples.push(estimate);
  if (samples.length > 9) samples.shift();
  const sorted = [...samples].sort((a, b) => a - b);
  offset = sorted[Math.floor(sorted.length / 2)];
}

export function serverNow() {
  return Date.now() + offset;
}

/** Whole seconds since an ISO time, on the server's clock (never negative). */
export function secondsSince(iso) {
  if (!iso) return 0;
  return Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 1000));
}
