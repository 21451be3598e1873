type Cell = string | number | boolean | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote when needed (RFC 4180); a leading =, +, - or @ would be run as a formula by spreadsheets.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV (comma, CRLF) with a UTF-8 BOM so Excel opens accents correctly. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

interface FileReply {
  header(name: string, value: string): unknown;
}

/**
 * Sends a download and returns the reply, so a route handler can `return sendFile(…)`. A string
 * or Buffer with a non-JSON content type skips the route's JSON response serializer.
 */
export function sendFile<R extends FileReply>(reply: R, filename: string, contentType: string, body: string | Buffer): R {
  reply.header('content-type', contentType);
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  reply.header('cache-control', 'private, no-store');
  // The typed reply only accepts the route's JSON shape; files are sent as they are.
  (reply as unknown as { send(payload: string | Buffer): unknown }).send(body);
  return reply;
}

export function sendCsv<R extends FileReply>(reply: R, filename: string, csv: string): R {
  return sendFile(reply, filename, 'text/csv; charset=utf-8', csv);
}
