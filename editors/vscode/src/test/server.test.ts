/**
 * Contract tests of the extension's pure modules against the real server, run when
 * `DLSP_BIN` names a dockerfile-lsp binary (scripts/check.sh sets it to the release
 * build): the object `toServerSettings` makes from every setting is read by the server
 * without a single warning, through `initializationOptions`, a `workspace/configuration`
 * answer and `didChangeConfiguration` (a rule's level changes the published diagnostics
 * without a restart); and the pin command's request finds the server's "Pin all images"
 * source action (`pinStep`), or says there is nothing to pin; and, with Debian's
 * `docker-registry` installed, that resolving it pins to the digest of an image pushed to
 * a loopback registry by scripts/demo-registry.sh (the manual check's registry).
 *
 * A minimal LSP client over stdio (Content-Length framing). Every wait has a hard
 * timeout; a failure prints the JSON traffic and the server's stderr.
 */

import assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { PIN_ALL_KIND, pinAllParams, pinStep } from '../pin';
import { HAVE_REGISTRY, REQUIRE_REGISTRY, startDemoRegistry } from './demoRegistry';
import { ServerSettings, toServerSettings } from '../settings';

const BIN = process.env.DLSP_BIN;
const binTest = BIN ? test : test.skip;
const TIMEOUT_MS = 15_000;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A server process and the traffic seen, for failure messages. */
class Server {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (msg: Json) => void>();
  private readonly waiters: { match: (msg: Json) => boolean; resolve: (msg: Json) => void }[] = [];
  readonly seen: Json[] = [];
  readonly traffic: string[] = [];
  stderr = '';
  /** The answer to the server's `workspace/configuration` requests. */
  configuration: ServerSettings = {};

  constructor(binary: string, dir: string) {
    this.proc = spawn(binary, ['serve'], { cwd: dir, env: { ...process.env, RUST_LOG: 'warn' } });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.stdout.on('data', (d: Buffer) => this.read(d));
  }

  private read(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        return;
      }
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) {
        return;
      }
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.traffic.push(`<- ${body}`);
      this.dispatch(JSON.parse(body));
    }
  }

  private dispatch(msg: Json): void {
    if (msg.id !== undefined && msg.method === undefined) {
      this.pending.get(msg.id)?.(msg);
      this.pending.delete(msg.id);
      return;
    }
    if (msg.id !== undefined) {
      // A request from the server: answer what a client like VS Code answers.
      if (msg.method === 'workspace/configuration') {
        this.send({
          jsonrpc: '2.0',
          id: msg.id,
          result: msg.params.items.map((i: Json) => (i.section === 'dockerfileLsp' ? this.configuration : null)),
        });
      } else {
        this.send({ jsonrpc: '2.0', id: msg.id, result: null });
      }
    }
    this.seen.push(msg);
    for (const w of [...this.waiters]) {
      if (w.match(msg)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  }

  private send(msg: Json): void {
    const body = JSON.stringify(msg);
    this.traffic.push(`-> ${body}`);
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  request(method: string, params: Json): Promise<Json> {
    const id = this.nextId++;
    const answer = new Promise<Json>((resolve) => this.pending.set(id, resolve));
    this.send({ jsonrpc: '2.0', id, method, params });
    return withTimeout(answer, `the answer to ${method}`).then((msg) => {
      if (msg.error) {
        throw new Error(`${method} failed: ${JSON.stringify(msg.error)}`);
      }
      return msg.result;
    });
  }

  notify(method: string, params: Json): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next message (from now on) that matches. */
  next(what: string, match: (msg: Json) => boolean): Promise<Json> {
    return withTimeout(new Promise((resolve) => this.waiters.push({ match, resolve })), what);
  }

  async stop(): Promise<void> {
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      // Killed below.
    }
    this.proc.kill();
  }

  /** What the client saw, for an assertion message. */
  report(): string {
    return `\n--- JSON traffic ---\n${this.traffic.join('\n')}\n--- server stderr ---\n${this.stderr}`;
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `body` against a started server with `init` as initializationOptions. */
async function withServer(init: ServerSettings, body: (server: Server, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dockerfile-lsp-vscode-'));
  const server = new Server(BIN!, dir);
  server.configuration = init;
  try {
    await server.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: {},
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'source'] } },
            resolveSupport: { properties: ['edit'] },
            dataSupport: true,
            disabledSupport: true,
          },
        },
      },
      initializationOptions: init,
    });
    server.notify('initialized', {});
    await body(server, dir);
  } catch (err) {
    // The reporter prints the stack, made with the original message: wrap it.
    throw new Error(`${(err as Error).message}${server.report()}`, { cause: err });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens a Dockerfile and waits for its diagnostics. */
async function open(server: Server, dir: string, name: string, text: string): Promise<{ uri: string; diagnostics: Json[] }> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const published = server.next(`diagnostics for ${name}`, (m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri);
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  return { uri, diagnostics: (await published).params.diagnostics };
}

/** Every setting, valid, as a user would set it in settings.json. */
const EVERY_SETTING: Record<string, unknown> = {
  'diagnostics.delayMs': 0,
  rules: { 'run-cd': 'error', DL3008: 'hint' },
  trustedRegistries: ['docker.io'],
  'shellcheck.path': '/nonexistent/shellcheck',
  'shellcheck.ignore': ['SC2086'],
  'format.continuationIndent': 'tab',
  'codeLens.enable': false,
  'inlayHints.enable': false,
  'registry.offline': true,
  'registry.timeoutMs': 2000,
  'registry.cacheTtlSeconds': 60,
  'registry.insecureHosts': ['registry.lan:5000'],
  'registry.dockerConfig': '/nonexistent/docker',
  'server.path': '/client/only',
  'trace.server': 'verbose',
};

const DOCKERFILE = 'FROM debian:12\nRUN cd /app && make\nRUN apt-get install curl\n';

function ruleDiagnostic(diagnostics: Json[], rule: string): Json | undefined {
  return diagnostics.find((d) => d.code === rule);
}

binTest('the server reads every mapped setting without a warning, and a rule level changes its diagnostics', async () => {
  const { settings, warnings } = toServerSettings((key) => EVERY_SETTING[key]);
  assert.deepEqual(warnings, []);
  await withServer(settings, async (server, dir) => {
    const { uri, diagnostics } = await open(server, dir, 'Dockerfile', DOCKERFILE);
    const runCd = ruleDiagnostic(diagnostics, 'run-cd');
    assert.ok(runCd, `no run-cd diagnostic in ${JSON.stringify(diagnostics)}`);
    assert.equal(runCd.severity, 1, 'run-cd set to "error" is not an error');
    assert.equal(runCd.source, 'dockerfile-lsp');
    // DL3008 is hadolint's code of pin-os-package-versions (a warning by default).
    assert.equal(ruleDiagnostic(diagnostics, 'pin-os-package-versions')?.severity, 4, 'DL3008 set to "hint"');

    // Changing a setting: VS Code's didChangeConfiguration, then the server pulls.
    server.configuration = toServerSettings((key) => (key === 'rules' ? { 'run-cd': 'off' } : EVERY_SETTING[key])).settings;
    // The server may publish again for the old settings first (ShellCheck's pass): wait
    // for a publication without run-cd; a server that kept the old level times out.
    const republished = server.next(
      'diagnostics without run-cd after the settings change',
      (m) =>
        m.method === 'textDocument/publishDiagnostics' &&
        m.params.uri === uri &&
        ruleDiagnostic(m.params.diagnostics, 'run-cd') === undefined,
    );
    server.notify('workspace/didChangeConfiguration', { settings: { dockerfileLsp: server.configuration } });
    const after = (await republished).params.diagnostics;
    assert.ok(ruleDiagnostic(after, 'apt-no-install-recommends'), 'every diagnostic vanished, not only run-cd');
    assert.doesNotMatch(server.stderr, /settings:/, 'the server warned about the mapped settings');
    assert.ok(
      server.seen.some((m) => m.method === 'workspace/configuration'),
      'the server never asked for workspace/configuration',
    );
  });
});

binTest('a setting the server would reject is caught by the mapping, and what passes is accepted', async () => {
  // The mapping drops the invalid values; the server, given the rest, warns about nothing.
  const { settings, warnings } = toServerSettings((key) =>
    ({ 'format.continuationIndent': 40, 'registry.timeoutMs': 0, rules: { 'run-cd': 'loud', 'image-untagged': 'info' } })[key],
  );
  assert.equal(warnings.length, 3, warnings.join('\n'));
  await withServer(settings, async (server, dir) => {
    await open(server, dir, 'Dockerfile', DOCKERFILE);
    assert.doesNotMatch(server.stderr, /settings:/, 'the server warned about the mapped settings');
  });
  // The control: the raw values do make the server warn, so the assertion above can fail.
  await withServer({ format: { continuationIndent: 40 } } as unknown as ServerSettings, async (server, dir) => {
    await open(server, dir, 'Dockerfile', DOCKERFILE);
    await server.request('shutdown', null);
    assert.match(server.stderr, /settings:.*continuationIndent/);
  });
});

binTest('the pin command finds the "Pin all images" source action, and nothing to pin in a file without images', async () => {
  await withServer({}, async (server, dir) => {
    const whole = { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } };
    const images = await open(server, dir, 'Dockerfile', 'FROM node:22 AS build\nFROM debian:12\nCOPY --from=build /a /a\n');
    const step = pinStep(await server.request('textDocument/codeAction', pinAllParams(images.uri, whole)));
    assert.equal(step.kind, 'run');
    if (step.kind === 'run') {
      assert.equal(step.action.kind, PIN_ALL_KIND);
      assert.match(step.action.title, /Pin all images in this file to their digests \(2 references\)/);
      assert.equal(step.resolve, true, 'a client with resolve support gets the edit from codeAction/resolve');
    }
    const none = await open(server, dir, 'Containerfile', 'FROM scratch\nCOPY a /a\n');
    assert.deepEqual(pinStep(await server.request('textDocument/codeAction', pinAllParams(none.uri, whole))), {
      kind: 'nothing',
    });
  });
});

const registryTest = BIN && (HAVE_REGISTRY || REQUIRE_REGISTRY) ? test : test.skip;

registryTest('resolving "Pin all images" pins to the digest a loopback registry serves', async () => {
  const registry = await startDemoRegistry(TIMEOUT_MS);
  try {
    const { image, digest: pushed } = registry;
    await withServer({ registry: { timeoutMs: 5000 } }, async (server, dir) => {
      const { uri } = await open(server, dir, 'Dockerfile', `FROM ${image}\nFROM ${image} AS second\n`);
      const whole = { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } };
      const step = pinStep(await server.request('textDocument/codeAction', pinAllParams(uri, whole)));
      assert.equal(step.kind, 'run', JSON.stringify(step));
      if (step.kind !== 'run') {
        return;
      }
      const resolved = await server.request('codeAction/resolve', step.action);
      const edits: Json[] = resolved.edit?.documentChanges?.[0]?.edits ?? resolved.edit?.changes?.[uri] ?? [];
      assert.equal(edits.length, 2, `edits: ${JSON.stringify(resolved)}`);
      for (const edit of edits) {
        assert.ok(edit.newText.includes(`@${pushed}`), `edit ${JSON.stringify(edit)} lacks ${pushed}`);
      }
      // Pinned to the digest the lookup just found: the server knows it is current, so
      // there is nothing to pin (the command says so).
      const pinned = await open(server, dir, 'Dockerfile.pinned', `FROM ${image}@${pushed}\n`);
      const again = pinStep(await server.request('textDocument/codeAction', pinAllParams(pinned.uri, whole)));
      assert.equal(again.kind, 'nothing', JSON.stringify(again));
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- demo-registry.sh ---\n${registry.output()}`, { cause: err });
  } finally {
    registry.stop();
  }
});
