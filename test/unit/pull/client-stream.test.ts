// A ClickHouse 18.16 server that fails after it began to answer over HTTP keeps the 200 status and writes
// the exception where the next row would be (seen on 18.16.1: `SELECT number, throwIf(number = 300000)
// FROM system.numbers … FORMAT JSONEachRow` answers 200, 262,144 rows, then the line below; the same in
// any format). The client must report that line as the server's failure, never hand it on as a record. A
// local server replays those bytes, after rows in the page query's shape and format (PAGE_FORMAT).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PageRow } from '../../../src-main/core/pull/page-rows';
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
      for (let i = 0; i < 1000; i += 1) {
        const raw = `{"i":${i}}`;
        res.write(`2025-04-01 00:00:00\t${raw.length}\t${Buffer.from(`ev-${i}`).toString('hex').toUpperCase()}\t${raw}\n`);
      }
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
  const rows: PageRow[] = [];
  let failure: unknown;
  try {
    for await (const row of client.pageRows('SELECT raw FROM causa.audit')) rows.push(row);
  } catch (error) {
    failure = error;
  } finally {
    await client.close();
  }
  expect(rows).toHaveLength(1000);
  expect(rows.map((row) => row.key)).toEqual(Array.from({ length: 1000 }, (_, i) => `ev-${i}`));
  expect(rows.map((row) => row.raw.toString())).toEqual(Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`));
  expect(bodies.at(-1)).toBe('SELECT raw FROM causa.audit \nFORMAT TabSeparatedRaw');
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
    await expect(client.pageRows('INSERT INTO causa.audit VALUES (1)').next()).rejects.toThrow(/only SELECT/);
  } finally {
    await client.close();
  }
  expect(bodies.length).toBe(before);
  expect(client.sent).toEqual([]);
});
