/**
 * Unit tests of src/rules.ts (rule list parsing, the rules of the diagnostics under the
 * cursor, documentation URIs) and, when `DLSP_BIN` names a dockerfile-lsp binary (as
 * scripts/check.sh does), of package.json against that binary: every rule id in the
 * `dockerfileLsp.rules` schema with its summary and default level, no stale ids, the
 * extension's version equal to the server's, and `rules <id>` printing the markdown the
 * documentation preview shows.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiagnosticLike, parseRules, pickItem, ruleDocPath, ruleIdOfCode, ruleOfDocPath, rulesAt } from '../rules';
import { LEVELS } from '../settings';

const SAMPLE = JSON.stringify([
  {
    id: 'run-cd',
    summary: 'cd inside RUN instead of WORKDIR',
    defaultLevel: 'warning',
    fix: 'sometimes',
    hadolint: ['DL3003'],
    buildkit: [],
    documentation: '## What it does',
  },
  { id: 'json-args', summary: 'Shell form', defaultLevel: 'info', hadolint: [], buildkit: ['JSONArgsRecommended'] },
]);

test('parseRules reads the JSON rule list and fills optional fields', () => {
  const rules = parseRules(SAMPLE);
  assert.equal(rules.length, 2);
  assert.deepEqual(rules[1], {
    id: 'json-args',
    summary: 'Shell form',
    defaultLevel: 'info',
    fix: 'none',
    hadolint: [],
    buildkit: ['JSONArgsRecommended'],
    documentation: '',
  });
  assert.deepEqual(pickItem(rules[0]), {
    label: 'run-cd',
    description: 'warning · DL3003',
    detail: 'cd inside RUN instead of WORKDIR',
  });
});

test('parseRules rejects what is not a rule list', () => {
  assert.throws(() => parseRules('nope'), /not JSON/);
  assert.throws(() => parseRules('{}'), /not a JSON array/);
  assert.throws(() => parseRules('[{"id": "x"}]'), /rule #1 lacks/);
});

test('ruleIdOfCode: plain, {value, target} and ShellCheck codes', () => {
  assert.equal(ruleIdOfCode('run-cd'), 'run-cd');
  assert.equal(ruleIdOfCode({ value: 'run-cd', target: 'https://example.invalid' }), 'run-cd');
  assert.equal(ruleIdOfCode('SC2086'), 'shellcheck');
  assert.equal(ruleIdOfCode(undefined), undefined);
  assert.equal(ruleIdOfCode(''), undefined);
});

function diag(code: string, source: string, sl: number, sc: number, el: number, ec: number): DiagnosticLike {
  return { code, source, range: { start: { line: sl, character: sc }, end: { line: el, character: ec } } };
}

test('rulesAt: our diagnostics whose range holds the cursor, ends included, each rule once', () => {
  const diags = [
    diag('run-cd', 'dockerfile-lsp', 2, 4, 2, 20),
    diag('other', 'hadolint', 2, 0, 2, 30),
    diag('apk-no-cache', 'dockerfile-lsp', 1, 0, 3, 0),
    diag('run-cd', 'dockerfile-lsp', 2, 0, 2, 5),
    diag('SC2086', 'dockerfile-lsp', 5, 0, 5, 3),
  ];
  assert.deepEqual(rulesAt(diags, { line: 2, character: 4 }), ['run-cd', 'apk-no-cache']);
  assert.deepEqual(rulesAt(diags, { line: 2, character: 20 }), ['run-cd', 'apk-no-cache']);
  assert.deepEqual(rulesAt(diags, { line: 2, character: 21 }), ['apk-no-cache']);
  assert.deepEqual(rulesAt(diags, { line: 3, character: 1 }), []);
  assert.deepEqual(rulesAt(diags, { line: 5, character: 1 }), ['shellcheck']);
});

test('documentation URIs round-trip', () => {
  assert.equal(ruleDocPath('run-cd'), '/run-cd.md');
  assert.equal(ruleOfDocPath('/run-cd.md'), 'run-cd');
  assert.equal(ruleOfDocPath('/a/b.md'), undefined);
  assert.equal(ruleOfDocPath('/run-cd'), undefined);
});

const BIN = process.env.DLSP_BIN;
const binTest = BIN ? test : test.skip;

interface RuleSchema {
  properties: Record<string, { enum: string[]; markdownDescription: string }>;
  patternProperties: Record<string, { enum: string[] }>;
  additionalProperties: boolean;
}

function manifest(): {
  version: string;
  contributes: { configuration: { properties: Record<string, unknown> }[] };
} {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
}

binTest('package.json lists every rule of DLSP_BIN, and only those (run scripts/gen-rules.mjs when this fails)', () => {
  const rules = parseRules(execFileSync(BIN!, ['rules', '--format', 'json'], { encoding: 'utf8', timeout: 30_000 }));
  assert.ok(rules.length > 100, `only ${rules.length} rules`);
  const section = manifest().contributes.configuration.find((s) => 'dockerfileLsp.rules' in s.properties);
  assert.ok(section, 'no dockerfileLsp.rules setting');
  const schema = section.properties['dockerfileLsp.rules'] as RuleSchema;
  assert.deepEqual(Object.keys(schema.properties).sort(), rules.map((r) => r.id).sort());
  for (const rule of rules) {
    const entry = schema.properties[rule.id];
    assert.deepEqual(entry.enum, [...LEVELS], rule.id);
    assert.ok(entry.markdownDescription.startsWith(rule.summary), `${rule.id}: description lacks the summary`);
    assert.ok(entry.markdownDescription.includes(`\`${rule.defaultLevel}\``), `${rule.id}: description lacks the default level`);
    for (const code of rule.hadolint) {
      assert.match(code, new RegExp(Object.keys(schema.patternProperties)[0]), `${rule.id}: ${code} is not accepted`);
    }
  }
  assert.equal(schema.additionalProperties, false);
});

binTest("the extension's version is the server's", () => {
  const out = execFileSync(BIN!, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  assert.equal(out, `dockerfile-lsp ${manifest().version}`);
});

binTest('`rules <id>` prints the markdown the documentation preview shows', () => {
  const out = execFileSync(BIN!, ['rules', 'run-cd'], { encoding: 'utf8', timeout: 10_000 });
  assert.match(out, /^# run-cd\n/);
  assert.match(out, /## What it does/);
});
