// A ClickHouse 18.16 server that fails after it began to answer over HTTP keeps the 200 status and writes
// the exception where the next row would be (seen on 18.16.1: `SELECT number, throwIf(number = 300000)
// FROM system.numbers … FORMAT JSONEachRow` answers 200, 262,144 rows, then the line below). The
// client must report that line as the server's failure, never hand it on as a record. A local server
// replays those bytes, after rows in the page query's shape.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PullRequestError, ReadOnlyClickHouse } from '../../../src-main/service/pull/client';

const EXCEPTION = "Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
let server: Server;
let url: string;
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
      for (let i = 0; i < 1000; i += 1)
        res.write(
          `${JSON.stringify({ causa_time: '2025-04-01 00:00:00', causa_key: `ev-${i}`, causa_raw: `{"i":${i}}`, causa_bytes: String(`{"i":${i}}`.length) })}\n`,
        );
      res.end(EXCEPTION);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('reports an exception written into a 200 answer as the server failing, after the rows before it', async () => {
  const client = new ReadOnlyClickHouse(url, { username: 'reader', password: '' }, { tables: ['causa.audit'] });
  const rows: string[] = [];
  let failure: unknown;
  try {
    for await (const row of client.stream('SELECT raw FROM causa.audit')) rows.push(row);
  } catch (error) {
    failure = error;
  } finally {
    await client.close();
  }
  expect(rows).toHaveLength(1000);
  expect(rows.every((row) => row.startsWith('{"causa_time"'))).toBe(true);
  expect(failure).toBeInstanceOf(PullRequestError);
  expect((failure as PullRequestError).kind).toBe('server');
  expect((failure as PullRequestError).message).toBe(
    `${url}: failed while answering: Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero`,
  );
});

it('sends nothing the gate refuses', async () => {
  const client = new ReadOnlyClickHouse(url, { username: 'reader', password: '' }, { tables: ['causa.audit'] });
  const before = bodies.length;
  try {
    await expect(client.rows('SELECT * FROM causa.audit; DROP TABLE causa.audit')).rejects.toThrow(
      /^refused by Causa's read-only gate: one statement at a time/,
    );
    await expect(client.stream('INSERT INTO causa.audit VALUES (1)').next()).rejects.toThrow(/only SELECT/);
  } finally {
    await client.close();
  }
  expect(bodies.length).toBe(before);
  expect(client.sent).toEqual([]);
});
