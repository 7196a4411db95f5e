import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { listen, type BenchServer } from './peerbridge-server.js';

/**
 * The yardstick: bare Express 5 + pg with the same pool size, one INSERT per create and one
 * SELECT by primary key per read, on a table of id + jsonb. No validation, no indexing, no
 * versions, no headers beyond Express's own: what a request costs with nothing of ours in it.
 */
export async function startBaseline(databaseUrl: string, poolSize: number): Promise<BenchServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query('CREATE TABLE IF NOT EXISTS baseline_item (id text PRIMARY KEY, content jsonb NOT NULL)');
  const app = express();
  app.use(express.json({ type: ['application/json', 'application/fhir+json'] }));
  app.post('/items', async (req, res) => {
    const item = { ...req.body, id: randomUUID() };
    await pool.query('INSERT INTO baseline_item (id, content) VALUES ($1, $2)', [item.id, item]);
    res.status(201).json(item);
  });
  app.get('/items/:id', async (req, res) => {
    const { rows } = await pool.query('SELECT content FROM baseline_item WHERE id = $1', [req.params.id]);
    if (rows.length === 0) {
      res.status(404).end();
      return;
    }
    res.json(rows[0].content);
  });
  const server = await listen((port) => app.listen(port));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise((done) => server.close(done));
      await pool.end();
    },
  };
}
