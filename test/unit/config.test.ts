import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, configTableMarkdown, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('gives embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.amqpUrl).toBeUndefined();
    expect(c.port).toBe(8080);
    expect(c.messageBytesMax).toBe(104_857_600);
    expect(c.xsdValidator).toBe('libxml2');
  });

  it('coerces and bounds numbers, naming the variable on the first bad value', () => {
    expect(loadConfig({ PORT: '9000' }).port).toBe(9000);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000" is invalid/);
    expect(() => loadConfig({ QUEUE_PREFETCH_MAX: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ XML_DEPTH_MAX: '2' })).toThrow(/XML_DEPTH_MAX/);
  });

  it('never prints connection URLs (they may hold passwords)', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:secret@host/db' });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(String(e)).toMatch(/DATABASE_URL=\(value hidden\)/);
      expect(String(e)).not.toMatch(/secret/);
    }
  });

  it('every limit names its unit', () => {
    for (const [key, s] of Object.entries(SETTINGS)) {
      if (/Max$|Ms$|Bytes/.test(key)) expect(s.env).toMatch(/_MAX$|_MS$|BYTES/);
    }
  });

  it('the README configuration table is the generated one', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(configTableMarkdown());
  });
});
