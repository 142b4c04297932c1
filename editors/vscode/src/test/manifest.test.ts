/**
 * Unit tests of package.json as VS Code reads it: the Containerfile associations, the
 * activation event, the bundle as `main`, `engines.vscode` matching the `@types/vscode`
 * the code is checked against, the commands with the "Dockerfile" category, and a
 * `.vscodeignore` that keeps only what the .vsix should hold.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

test('Containerfile, Containerfile.* and *.containerfile are the dockerfile language', () => {
  const dockerfile = manifest.contributes.languages.find((l: { id: string }) => l.id === 'dockerfile');
  assert.ok(dockerfile, 'no contribution to the dockerfile language');
  assert.ok(dockerfile.filenames.includes('Containerfile'));
  assert.ok(dockerfile.filenamePatterns.includes('Containerfile.*'));
  assert.ok(dockerfile.extensions.includes('.containerfile'));
  // No grammar of our own: VS Code's built-in one colours the language.
  assert.equal(manifest.contributes.grammars, undefined);
});

test('activation, main and engines', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:dockerfile']);
  assert.equal(manifest.main, './dist/extension.js');
  assert.match(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8'), /outfile: 'dist\/extension\.js'/);
  const types = manifest.devDependencies['@types/vscode'];
  assert.equal(manifest.engines.vscode, `^${types}`, 'engines.vscode must match @types/vscode');
  assert.equal(manifest.name, 'dockerfile-lsp');
  assert.equal(manifest.publisher, 'dockerfile-lsp');
});

test('the four commands, in the Dockerfile category', () => {
  const commands: [string, string][] = manifest.contributes.commands.map((c: { command: string; category: string }) => [
    c.command,
    c.category,
  ]);
  assert.deepEqual(commands, [
    ['dockerfileLsp.restartServer', 'Dockerfile'],
    ['dockerfileLsp.pinAllImages', 'Dockerfile'],
    ['dockerfileLsp.showRuleDocs', 'Dockerfile'],
    ['dockerfileLsp.showLog', 'Dockerfile'],
  ]);
  // The language client registers the server's own command id: ours must differ.
  assert.ok(!commands.some(([id]) => id === 'dockerfile-lsp.pinImages'));
  const source = readFileSync(join(ROOT, 'src', 'extension.ts'), 'utf8');
  for (const [id] of commands) {
    assert.ok(source.includes(`registerCommand('${id}'`), `${id} is not registered`);
  }
});

test('.vscodeignore keeps only the bundle, manifest, docs, licence and bin/', () => {
  const kept = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('!'));
  assert.deepEqual(kept, ['!dist/extension.js', '!package.json', '!README.md', '!CHANGELOG.md', '!LICENSE', '!bin/**']);
});
