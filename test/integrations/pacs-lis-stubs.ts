import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP peer on 127.0.0.1:0 speaking the PACS/LIS REST contracts and FHIR R4 as the
 * test scripts it: answers are registered per patient identifier (the DNI or HC number the
 * HCE sends), documents per path.
 */
export type StubReply = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface Stub {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Scenario for every call that names this patient identifier (query patient_id, PatientID or patient.identifier). */
  forPatient(identifier: string, reply: StubReply): void;
  /** Scenario for one path (documents). */
  forPath(path: string, reply: StubReply): void;
  lastFor(identifier: string): RecordedRequest | undefined;
  close(): Promise<void>;
}

export const json = (body: unknown, status = 200, contentType = 'application/json'): StubReply => (_req, res) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) }).end(text);
};

export const raw = (body: string | Buffer, contentType: string, status = 200): StubReply => (_req, res) => {
  res.writeHead(status, { 'content-type': contentType }).end(body);
};

/** Answers only after `ms` (unless the client gave up and the socket closed). */
export const slow = (ms: number, then: StubReply): StubReply => (req, res) => {
  const timer = setTimeout(() => then(req, res), ms);
  res.on('close', () => clearTimeout(timer));
};

/** A valid JSON array larger than `bytes`, streamed without Content-Length when `chunked`. */
export const huge = (bytes: number, chunked: boolean): StubReply => (_req, res) => {
  const item = JSON.stringify({ studyId: 'x'.repeat(100), resultId: 'y'.repeat(100), description: 'z'.repeat(800) });
  const count = Math.ceil(bytes / item.length) + 1;
  const body = `[${Array.from({ length: count }, () => item).join(',')}]`;
  if (!chunked) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  let offset = 0;
  const pump = () => {
    while (offset < body.length) {
      const chunk = body.slice(offset, offset + 16_384);
      offset += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('error', () => undefined);
  pump();
};

function identifierOf(query: URLSearchParams): string | undefined {
  const token = query.get('patient.identifier');
  return query.get('patient_id') ?? query.get('PatientID') ?? (token ? token.split('|').pop() : undefined) ?? undefined;
}

export async function startStub(port = 0): Promise<Stub> {
  const byPatient = new Map<string, StubReply>();
  const byPath = new Map<string, StubReply>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const record = { path: url.pathname, query: url.searchParams, headers: req.headers };
    requests.push(record);
    const identifier = identifierOf(url.searchParams);
    const reply = byPath.get(url.pathname) ?? (identifier !== undefined ? byPatient.get(identifier) : undefined);
    if (reply) reply(req, res);
    else json({ error: 'not scripted' }, 404)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    forPatient: (identifier, reply) => void byPatient.set(identifier, reply),
    forPath: (path, reply) => void byPath.set(path, reply),
    lastFor: (identifier) => [...requests].reverse().find((r) => identifierOf(r.query) === identifier),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
