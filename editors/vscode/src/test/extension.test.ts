/**
 * The bundled extension (dist/extension.js, as packaged) activated under Node with the
 * stand-in `vscode` module of fakeVscode.ts, the real vscode-languageclient inside the
 * bundle and the real server from `DLSP_BIN`: the log and status item name the binary
 * and version, the settings reach the server through the extension's middleware (a rule
 * level changes the diagnostics, before and after a settings change, without a restart),
 * the commands work (pin with nothing to pin, rule documentation, restart, log), a
 * `server.path` change restarts, and a missing binary gives the error with its two
 * buttons; with a loopback registry, the pin command applies the digests it serves.
 * Runs when DLSP_BIN is set and the bundle is built (scripts/check.sh builds it first). Every wait has a timeout; a failure prints the extension's log and messages.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFakeVscode, FakeState, textDocument, Uri } from './fakeVscode';
import { ruleIdOfCode } from '../rules';
import { HAVE_REGISTRY, REQUIRE_REGISTRY, startDemoRegistry } from './demoRegistry';

const BIN = process.env.DLSP_BIN;
const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const run = BIN && existsSync(BUNDLE) ? test : test.skip;
const TIMEOUT_MS = 15_000;

async function waitFor<T>(_state: FakeState, what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function diagnostic(state: FakeState, uri: Uri, rule: string) {
  return (state.diagnostics.get(uri.toString()) ?? []).find((d) => d.source === 'dockerfile-lsp' && ruleIdOfCode(d.code) === rule);
}

/** Loads a fresh copy of the bundle with `vscode` resolved to the fake. */
function loadExtension(vscode: unknown): { activate(ctx: unknown): Promise<void>; deactivate(): Promise<void> } {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : original.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve(BUNDLE)];
    return require(BUNDLE);
  } finally {
    loader._load = original;
  }
}

/** Writes a Dockerfile to `dir` and opens it in the fake editor (a tab, didOpen). */
function openFile(state: FakeState, dir: string, name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const doc = textDocument(Uri.file(path), 'dockerfile', text);
  state.openDocument(doc);
  return doc;
}

/**
 * Activates a fresh copy of the bundle against a fresh fake `vscode` (settings preset by
 * `settings`), runs `body`, and always deactivates; a failure carries the extension's log
 * and messages (and `more()`).
 */
async function withExtension(
  settings: Record<string, unknown>,
  body: (vscode: any, state: FakeState, dir: string) => Promise<void>, // eslint-disable-line @typescript-eslint/no-explicit-any
  more: () => string = () => '',
): Promise<void> {
  const { vscode, state } = createFakeVscode(ROOT);
  const dir = mkdtempSync(join(tmpdir(), 'dockerfile-lsp-ext-'));
  const context = { subscriptions: [] as { dispose(): unknown }[], extensionPath: ROOT, extensionUri: Uri.file(ROOT) };
  const extension = loadExtension(vscode);
  try {
    for (const [key, value] of Object.entries(settings)) {
      state.settings.set(key, value);
    }
    await extension.activate(context);
    await body(vscode, state, dir);
  } catch (err) {
    const seen = [...state.logs, ...state.messages.map((m) => `message ${m.kind}: ${m.message} [${m.items.join(', ')}]`)];
    throw new Error(`${(err as Error).message}\n--- extension log and messages ---\n${seen.join('\n')}\n${more()}`, {
      cause: err,
    });
  } finally {
    await extension.deactivate();
    for (const d of context.subscriptions) {
      d.dispose();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

run('the packaged extension starts the server, maps the settings, and runs its commands', () =>
  withExtension(
    {
      'dockerfileLsp.server.path': BIN,
      'dockerfileLsp.rules': { 'run-cd': 'error' },
      'dockerfileLsp.diagnostics.delayMs': 0,
      'dockerfileLsp.registry.timeoutMs': 0, // invalid: logged, not sent
    },
    async (vscode, state, dir) => {
      // The log and the status item name the binary and its version.
      const version = `dockerfile-lsp ${require(join(ROOT, 'package.json')).version}`;
      assert.ok(
        state.logs.some((l) => l.includes(`Starting ${version}: ${BIN} (from the setting dockerfileLsp.server.path)`)),
        'no start line in the log',
      );
      assert.ok(
        state.logs.some((l) => l.includes('dockerfileLsp.registry.timeoutMs: expected a whole number above 0, got 0')),
        'the invalid setting was not logged',
      );
      for (const { command } of require(join(ROOT, 'package.json')).contributes.commands) {
        assert.ok(state.commands.has(command), `${command} is not registered on activation`);
      }
      // The language client registered the server's command (executeCommandProvider).
      assert.ok(state.commands.has('dockerfile-lsp.pinImages'), 'the server command is not registered');
      const status = state.statusItems.find((i) => i.id === 'dockerfileLsp.server');
      assert.equal(status?.text, version);
      assert.equal(status?.busy, false);

      // Diagnostics with the rule level from the settings.
      const doc = openFile(state, dir, 'Dockerfile', 'FROM debian:12\nRUN cd /app && make\nRUN apt-get install curl\n');
      const runCd = await waitFor(state, 'a run-cd diagnostic', () => diagnostic(state, doc.uri, 'run-cd'));
      assert.equal(runCd.severity, vscode.DiagnosticSeverity.Error, 'run-cd set to "error"');

      // A settings change applies without a restart.
      state.changeSettings({ 'dockerfileLsp.rules': { 'run-cd': 'off' } });
      await waitFor(state, 'run-cd gone after the change', () =>
        diagnostic(state, doc.uri, 'apt-no-install-recommends') && !diagnostic(state, doc.uri, 'run-cd') ? true : undefined,
      );
      assert.ok(!state.logs.some((l) => l.includes('Restarting')), 'a rules change restarted the server');
      // The server saw only mapped settings: VS Code's raw section (with the invalid
      // timeoutMs) would make it warn in its log, which the client copies to the channel.
      assert.ok(!state.logs.some((l) => /settings:/.test(l)), 'the server warned about the settings it was sent');
      assert.deepEqual(
        state.messages.filter((m) => m.kind === 'warning'),
        [],
        'the server showed a warning (about the settings it was sent?)',
      );

      // Pin all images: nothing to pin in a file without images.
      const scratch = openFile(state, dir, 'Containerfile', 'FROM scratch\nCOPY a /a\n');
      vscode.window.activeTextEditor = { document: scratch, selection: { active: new vscode.Position(0, 0) } };
      await state.commands.get('dockerfileLsp.pinAllImages')!();
      assert.ok(
        state.messages.some((m) => m.kind === 'info' && m.message.startsWith('Nothing to pin in Containerfile:')),
        'no "Nothing to pin" message',
      );

      // Rule documentation: the diagnostic under the cursor, shown from a read-only document.
      state.changeSettings({ 'dockerfileLsp.rules': undefined });
      const back = await waitFor(state, 'run-cd back', () => diagnostic(state, doc.uri, 'run-cd'));
      vscode.window.activeTextEditor = { document: doc, selection: { active: back.range.start } };
      await state.commands.get('dockerfileLsp.showRuleDocs')!();
      const preview = state.executed.find((e) => e.command === 'markdown.showPreview');
      assert.ok(preview, 'no markdown preview');
      const uri = preview.args[0] as Uri;
      assert.equal(uri.toString(), 'dockerfile-lsp-rule:/run-cd.md');
      const markdown = await state.contentProviders.get(uri.scheme)!.provideTextDocumentContent(uri);
      assert.match(markdown, /^# run-cd\n/);

      // Show log.
      await state.commands.get('dockerfileLsp.showLog')!();
      assert.ok(state.executed.some((e) => e.command === 'show output Dockerfile LSP'));

      // Restart: a new server, the open documents synced again.
      state.diagnostics.clear();
      await state.commands.get('dockerfileLsp.restartServer')!();
      assert.ok(state.logs.some((l) => l.includes('Restarting the server: restart requested')));
      await waitFor(state, 'diagnostics after the restart', () => diagnostic(state, doc.uri, 'run-cd'));

      // A server.path that names nothing: restart, an error with its two buttons.
      state.answer = (_message, items) => items[0];
      state.changeSettings({ 'dockerfileLsp.server.path': join(dir, 'missing-dockerfile-lsp') });
      const error = await waitFor(state, 'the not-found error', () => state.messages.find((m) => m.kind === 'error'));
      assert.equal(
        error.message,
        `dockerfileLsp.server.path is set to "${join(dir, 'missing-dockerfile-lsp')}", but it cannot be used: no such file.`,
      );
      assert.deepEqual(error.items, ['Open Settings', 'Install Instructions']);
      await waitFor(state, 'the settings to open', () =>
        state.executed.find((e) => e.command === 'workbench.action.openSettings' && e.args[0] === 'dockerfileLsp.server.path'),
      );
      assert.equal(status?.text, 'dockerfile-lsp not found');

      // "Install Instructions" opens the extension's README in the Markdown preview.
      state.answer = (_message, items) => items[1];
      await state.commands.get('dockerfileLsp.restartServer')!();
      const readme = await waitFor(state, 'the README preview', () =>
        state.executed.find((e) => e.command === 'markdown.showPreview' && /\/README\.md$/i.test((e.args[0] as Uri).path)),
      );
      assert.equal((readme.args[0] as Uri).fsPath, join(ROOT, 'README.md'));
    },
  ),
);

const withRegistry = BIN && existsSync(BUNDLE) && (HAVE_REGISTRY || REQUIRE_REGISTRY) ? test : test.skip;

withRegistry('the pin command applies the digests a loopback registry serves', async () => {
  const registry = await startDemoRegistry(TIMEOUT_MS);
  try {
    await withExtension(
      { 'dockerfileLsp.server.path': BIN },
      async (vscode, state, dir) => {
        const doc = openFile(state, dir, 'Dockerfile', `FROM ${registry.image}\nFROM ${registry.image} AS second\n`);
        vscode.window.activeTextEditor = { document: doc, selection: { active: new vscode.Position(0, 0) } };
        await state.commands.get('dockerfileLsp.pinAllImages')!();
        assert.equal(state.appliedEdits.length, 1, 'no edit applied');
        const [[uri, edits]] = state.appliedEdits[0].entries();
        assert.equal(uri.toString(), doc.uri.toString());
        assert.equal(edits.length, 2);
        for (const edit of edits) {
          assert.ok(edit.newText.includes(`@${registry.digest}`), `edit ${JSON.stringify(edit)} lacks ${registry.digest}`);
        }
        assert.ok(state.messages.some((m) => m.kind === 'status' && m.message.includes('Pinned 2 image references')));
      },
      () => `--- demo-registry.sh ---\n${registry.output()}`,
    );
  } finally {
    registry.stop();
  }
});
