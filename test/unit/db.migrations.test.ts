import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';

describe('migration list', () => {
  it('lists every migration file once, in file-name order, each named after its file', () => {
    const dir = new URL('../../src/db/migrations/', import.meta.url);
    const files = readdirSync(dir)
      .filter((f) => /^\d{4}_.*\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(migrations.map((m) => m.name)).toEqual(files);
  });

  it('has non-empty SQL and no transaction control of its own (migrate wraps each in one)', () => {
    for (const m of migrations) {
      expect(m.up.trim().length, m.name).toBeGreaterThan(0);
      expect(m.up, m.name).not.toMatch(
        /^\s*(BEGIN\s*(;|TRANSACTION|WORK|ISOLATION)|START\s+TRANSACTION|COMMIT\s*;|ROLLBACK\s*;)/im,
      );
    }
  });
});
