/**
 * The smoke test's body, run inside VS Code by @vscode/test-electron (see runTest.ts):
 * diagnostics on open, a rule setting applied without a restart, hover, a quick fix,
 * rule documentation, restart, and the Containerfile association. Plain async steps with
 * node:assert (no test framework); each wait has a timeout and a failure names the step.
 */

import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const TIMEOUT_MS = 20_000;

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ours(uri: vscode.Uri, code: string): vscode.Diagnostic | undefined {
  return vscode.languages
    .getDiagnostics(uri)
    .find((d) => d.source === 'dockerfile-lsp' && (typeof d.code === 'object' ? d.code.value : d.code) === code);
}

async function fixture(name: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder (the fixtures folder)');
  return vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
}

const steps: [string, () => Promise<void>][] = [];
const step = (name: string, body: () => Promise<void>) => steps.push([name, body]);

step('the server starts and publishes diagnostics on open', async () => {
  const config = vscode.workspace.getConfiguration('dockerfileLsp');
  if (process.env.DLSP_BIN) {
    await config.update('server.path', process.env.DLSP_BIN, vscode.ConfigurationTarget.Global);
  }
  const doc = await fixture('Dockerfile');
  assert.equal(doc.languageId, 'dockerfile');
  await vscode.window.showTextDocument(doc);
  await waitFor('a run-cd diagnostic', () => ours(doc.uri, 'run-cd'));
});

step('a rule setting changes the diagnostics without a restart', async () => {
  const doc = await fixture('Dockerfile');
  const config = vscode.workspace.getConfiguration('dockerfileLsp');
  await config.update('rules', { 'run-cd': 'error' }, vscode.ConfigurationTarget.Global);
  await waitFor('run-cd as an error', () =>
    ours(doc.uri, 'run-cd')?.severity === vscode.DiagnosticSeverity.Error ? true : undefined,
  );
  await config.update('rules', { 'run-cd': 'off' }, vscode.ConfigurationTarget.Global);
  await waitFor('run-cd gone', () => (ours(doc.uri, 'run-cd') ? undefined : true));
  await config.update('rules', undefined, vscode.ConfigurationTarget.Global);
  await waitFor('run-cd back', () => ours(doc.uri, 'run-cd'));
});

step('hover on RUN explains the build cache', async () => {
  const doc = await fixture('Dockerfile');
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    doc.uri,
    new vscode.Position(2, 1),
  );
  const text = hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
  assert.match(text, /Build cache/);
});

step('the quick fix for apk-no-cache is offered and preferred', async () => {
  const doc = await fixture('Dockerfile');
  const diagnostic = await waitFor('an apk-no-cache diagnostic', () => ours(doc.uri, 'apk-no-cache'));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    doc.uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const fix = actions.find((a) => a.title.includes('--no-cache'));
  assert.ok(fix, `no --no-cache fix among ${actions.map((a) => a.title).join(', ')}`);
  assert.equal(fix.isPreferred, true);
});

step('rule documentation opens as a read-only markdown document', async () => {
  await vscode.commands.executeCommand('dockerfileLsp.showRuleDocs', 'run-cd');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('dockerfile-lsp-rule:/run-cd.md'));
  assert.match(doc.getText(), /^# run-cd\n/);
});

step('restart brings the diagnostics back', async () => {
  await vscode.commands.executeCommand('dockerfileLsp.restartServer');
  const doc = await fixture('Dockerfile');
  await waitFor('run-cd after the restart', () => ours(doc.uri, 'run-cd'));
});

step('Containerfile and *.containerfile are Dockerfiles', async () => {
  for (const name of ['Containerfile', 'app.containerfile']) {
    const doc = await fixture(name);
    assert.equal(doc.languageId, 'dockerfile', name);
  }
});

step('the log command runs', async () => {
  await vscode.commands.executeCommand('dockerfileLsp.showLog');
});

/** The entry point @vscode/test-electron calls. */
export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of steps) {
    try {
      await body();
      console.log(`ok - ${name}`);
    } catch (err) {
      console.log(`not ok - ${name}: ${(err as Error).stack ?? String(err)}`);
      failures.push(name);
    }
  }
  console.log(`${steps.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) {
    throw new Error(`smoke test: ${failures.join('; ')}`);
  }
}
