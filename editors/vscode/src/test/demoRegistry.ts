/**
 * Test helper: runs scripts/demo-registry.sh (Debian's `docker-registry` on a free
 * loopback port, with the tiny image `demo/app:1.0` pushed over the HTTP API) and hands
 * back the image reference and the digest the script computed from the bytes it pushed.
 * Tests that need it skip when `docker-registry` or `curl` is missing, unless
 * `DOCKERFILE_LSP_REQUIRE_REGISTRY=1` (CI) makes that a failure.
 */

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Whether the registry tests can run here. */
export const HAVE_REGISTRY = spawnSync('sh', ['-c', 'command -v docker-registry && command -v curl']).status === 0;

/** Whether they must (then a missing program fails the test instead of skipping it). */
export const REQUIRE_REGISTRY = process.env.DOCKERFILE_LSP_REQUIRE_REGISTRY === '1';

export interface DemoRegistry {
  /** `localhost:<port>/demo/app:1.0`. */
  image: string;
  /** `sha256:<hex>` of the pushed manifest. */
  digest: string;
  /** What the script printed, for failure messages. */
  output(): string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the registry and waits (at most `timeoutMs`) for the image to be pushed. */
export async function startDemoRegistry(timeoutMs: number): Promise<DemoRegistry> {
  if (!HAVE_REGISTRY) {
    throw new Error('docker-registry and curl are required (DOCKERFILE_LSP_REQUIRE_REGISTRY=1)');
  }
  const port = await freePort();
  const script = join(__dirname, '..', '..', 'scripts', 'demo-registry.sh');
  const proc: ChildProcess = spawn('bash', [script, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const digest = await new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`demo-registry.sh pushed nothing within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      proc.stdout!.on('data', () => {
        const m = /-> (sha256:[0-9a-f]{64})/.exec(out);
        if (m) {
          resolve(m[1]);
        }
      });
      proc.on('exit', (code) => reject(new Error(`demo-registry.sh exited with ${code}:\n${out}`)));
    });
    return {
      image: `localhost:${port}/demo/app:1.0`,
      digest,
      output: () => out,
      stop: () => proc.kill('SIGTERM'),
    };
  } catch (err) {
    proc.kill('SIGTERM');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
