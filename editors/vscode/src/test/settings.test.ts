/**
 * Unit tests of the settings mapping (src/settings.ts): every server setting, unset /
 * null / invalid values, client-only keys, scope merging, and package.json declaring
 * exactly the settings the mapping knows with the same defaults.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLIENT_SETTINGS, SERVER_SETTINGS, parseLevel, toServerSettings, userValue } from '../settings';

/** A getter over a flat settings object, as the extension reads `inspect()`. */
function flat(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

test('nothing set maps to an empty object, so every server default applies', () => {
  assert.deepEqual(toServerSettings(flat({})), { settings: {}, warnings: [] });
});

test('every server setting maps to its nested key', () => {
  const { settings, warnings } = toServerSettings(
    flat({
      'diagnostics.delayMs': 0,
      rules: { 'run-cd': 'off', DL3008: 'hint', 'image-untagged': 'error' },
      trustedRegistries: ['docker.io', 'ghcr.io'],
      'shellcheck.path': '/usr/bin/shellcheck',
      'shellcheck.ignore': ['SC2086', 'sc2046'],
      'format.continuationIndent': 2,
      'codeLens.enable': false,
      'inlayHints.enable': false,
      'registry.offline': true,
      'registry.timeoutMs': 1500,
      'registry.cacheTtlSeconds': 0,
      'registry.insecureHosts': ['registry.lan:5000'],
      'registry.dockerConfig': '/home/me/.docker',
    }),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(settings, {
    diagnostics: { delayMs: 0 },
    rules: { 'run-cd': 'off', DL3008: 'hint', 'image-untagged': 'error' },
    trustedRegistries: ['docker.io', 'ghcr.io'],
    shellcheck: { path: '/usr/bin/shellcheck', ignore: ['SC2086', 'SC2046'] },
    format: { continuationIndent: 2 },
    codeLens: { enable: false },
    inlayHints: { enable: false },
    registry: {
      offline: true,
      timeoutMs: 1500,
      cacheTtlSeconds: 0,
      insecureHosts: ['registry.lan:5000'],
      dockerConfig: '/home/me/.docker',
    },
  });
});

test('the test above covers every setting the mapping knows', () => {
  // Guards the test itself: a new SettingSpec must be added to it.
  const covered = [
    'diagnostics.delayMs',
    'rules',
    'trustedRegistries',
    'shellcheck.path',
    'shellcheck.ignore',
    'format.continuationIndent',
    'codeLens.enable',
    'inlayHints.enable',
    'registry.offline',
    'registry.timeoutMs',
    'registry.cacheTtlSeconds',
    'registry.insecureHosts',
    'registry.dockerConfig',
  ];
  assert.deepEqual(
    SERVER_SETTINGS.map((s) => s.key),
    covered,
  );
});

test('client-only settings never reach the server', () => {
  const { settings } = toServerSettings(
    flat({ 'server.path': '/opt/dockerfile-lsp', 'server.extraEnv': { A: 'b' }, 'trace.server': 'verbose' }),
  );
  assert.deepEqual(settings, {});
});

test('null and undefined mean unset; continuationIndent null lets the editor decide', () => {
  const { settings, warnings } = toServerSettings(
    flat({
      'format.continuationIndent': null,
      'shellcheck.path': null,
      'registry.dockerConfig': undefined,
      'diagnostics.delayMs': null,
    }),
  );
  assert.deepEqual(settings, {});
  assert.deepEqual(warnings, []);
});

test('a blank path is unset', () => {
  assert.deepEqual(toServerSettings(flat({ 'shellcheck.path': '  ', 'registry.dockerConfig': '' })).settings, {});
});

test('continuationIndent takes 1..16 or "tab" (any case)', () => {
  for (const [input, expected] of [
    [1, 1],
    [16, 16],
    ['tab', 'tab'],
    ['Tab', 'tab'],
    ['tabs', 'tab'],
  ] as const) {
    const { settings, warnings } = toServerSettings(flat({ 'format.continuationIndent': input }));
    assert.deepEqual(settings, { format: { continuationIndent: expected } }, `input ${input}`);
    assert.deepEqual(warnings, []);
  }
  for (const bad of [0, 17, 2.5, '4', 'space', true, [4]]) {
    const { settings, warnings } = toServerSettings(flat({ 'format.continuationIndent': bad }));
    assert.deepEqual(settings, {}, `input ${JSON.stringify(bad)}`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^dockerfileLsp\.format\.continuationIndent: expected a number of spaces from 1 to 16/);
  }
});

test('invalid numbers and booleans are dropped with a warning naming the setting', () => {
  const { settings, warnings } = toServerSettings(
    flat({
      'diagnostics.delayMs': -5,
      'registry.timeoutMs': 0,
      'registry.cacheTtlSeconds': '900',
      'codeLens.enable': 'no',
      'registry.offline': 1,
      'inlayHints.enable': true,
    }),
  );
  assert.deepEqual(settings, { inlayHints: { enable: true } });
  assert.deepEqual(warnings, [
    'dockerfileLsp.diagnostics.delayMs: expected a whole number of 0 or more, got -5; the setting is ignored',
    'dockerfileLsp.codeLens.enable: expected true or false, got "no"; the setting is ignored',
    'dockerfileLsp.registry.offline: expected true or false, got 1; the setting is ignored',
    'dockerfileLsp.registry.timeoutMs: expected a whole number above 0, got 0; the setting is ignored',
    'dockerfileLsp.registry.cacheTtlSeconds: expected a whole number of 0 or more, got "900"; the setting is ignored',
  ]);
  assert.deepEqual(toServerSettings(flat({ 'diagnostics.delayMs': 1.5 })).settings, {});
  assert.deepEqual(toServerSettings(flat({ 'registry.timeoutMs': Number.NaN })).settings, {});
});

test('rules: levels in any case, false is off, bad levels are left out with a warning', () => {
  const { settings, warnings } = toServerSettings(
    flat({ rules: { 'run-cd': 'OFF', DL3008: false, 'image-untagged': 'loud', 'user-missing': 3, 'apk-no-cache': null } }),
  );
  assert.deepEqual(settings, { rules: { 'run-cd': 'off', DL3008: 'off' } });
  assert.deepEqual(warnings, [
    'dockerfileLsp.rules: rule "image-untagged": expected one of off, error, warning, info, hint, got "loud"; left out',
    'dockerfileLsp.rules: rule "user-missing": expected one of off, error, warning, info, hint, got 3; left out',
  ]);
  assert.deepEqual(toServerSettings(flat({ rules: {} })).settings, {});
  const notObject = toServerSettings(flat({ rules: ['run-cd'] }));
  assert.deepEqual(notObject.settings, {});
  assert.equal(notObject.warnings.length, 1);
});

test('string lists drop non-strings and duplicates; shellcheck codes are normalised', () => {
  const { settings, warnings } = toServerSettings(
    flat({
      trustedRegistries: ['docker.io', 'docker.io', 3, ''],
      'shellcheck.ignore': ['2086', 'SC2086', 'DL3008'],
      'registry.insecureHosts': 'registry.lan',
    }),
  );
  assert.deepEqual(settings, { trustedRegistries: ['docker.io'], shellcheck: { ignore: ['SC2086'] } });
  assert.deepEqual(warnings, [
    'dockerfileLsp.trustedRegistries: 3 is not a non-empty string; left out',
    'dockerfileLsp.trustedRegistries: "" is not a non-empty string; left out',
    'dockerfileLsp.shellcheck.ignore: "DL3008" is not a ShellCheck code such as "SC2086"; left out',
    'dockerfileLsp.registry.insecureHosts: expected a list of strings, got "registry.lan"; the setting is ignored',
  ]);
  // An empty list is sent: it clears a list from a configuration file's layer.
  assert.deepEqual(toServerSettings(flat({ trustedRegistries: [] })).settings, { trustedRegistries: [] });
});

test('path settings go through expandPath; its errors drop the setting', () => {
  const expandPath = (raw: string) =>
    raw.includes('${workspaceFolder}') ? { error: 'no folder is open' } : raw.replace(/^~/, '/home/me');
  const { settings, warnings } = toServerSettings(
    flat({ 'registry.dockerConfig': '~/.docker', 'shellcheck.path': '${workspaceFolder}/bin/shellcheck' }),
    { expandPath },
  );
  assert.deepEqual(settings, { registry: { dockerConfig: '/home/me/.docker' } });
  assert.deepEqual(warnings, ['dockerfileLsp.shellcheck.path: no folder is open; the setting is ignored']);
});

test('parseLevel', () => {
  assert.equal(parseLevel('warning'), 'warning');
  assert.equal(parseLevel(' Hint '), 'hint');
  assert.equal(parseLevel(false), 'off');
  assert.equal(parseLevel(true), undefined);
  assert.equal(parseLevel('warn'), undefined);
});

test('userValue: the most specific scope wins, objects merge, nothing set is undefined', () => {
  assert.equal(userValue(undefined), undefined);
  assert.equal(userValue({}), undefined);
  assert.equal(userValue({ globalValue: null }), undefined);
  assert.equal(userValue({ globalValue: 100 }), 100);
  assert.equal(userValue({ globalValue: 100, workspaceValue: 0 }), 0);
  assert.equal(userValue({ globalValue: 100, workspaceValue: 0, workspaceFolderValue: 7 }), 7);
  assert.deepEqual(userValue({ globalValue: ['a'], workspaceValue: ['b'] }), ['b']);
  assert.deepEqual(
    userValue({ globalValue: { 'run-cd': 'off', DL3008: 'hint' }, workspaceValue: { DL3008: 'error' } }),
    { 'run-cd': 'off', DL3008: 'error' },
  );
});

interface ConfigProperty {
  default?: unknown;
  type?: string | string[];
  markdownDescription?: string;
  description?: string;
}

function manifestProperties(): Record<string, ConfigProperty> {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const sections = manifest.contributes.configuration as { properties: Record<string, ConfigProperty> }[];
  return Object.assign({}, ...sections.map((s) => s.properties));
}

test('package.json declares every server and client setting, no other, with the server defaults', () => {
  const props = manifestProperties();
  const expected = [...SERVER_SETTINGS.map((s) => s.key), ...CLIENT_SETTINGS].map((k) => `dockerfileLsp.${k}`);
  assert.deepEqual(Object.keys(props).sort(), expected.sort());
  for (const spec of SERVER_SETTINGS) {
    const prop = props[`dockerfileLsp.${spec.key}`];
    assert.deepEqual(prop.default, spec.default, `default of ${spec.key}`);
    assert.ok((prop.markdownDescription ?? prop.description ?? '').length > 20, `description of ${spec.key}`);
  }
  // Settings VS Code may hold as null must say so, or the settings editor flags them.
  for (const key of ['format.continuationIndent', 'shellcheck.path', 'registry.dockerConfig', 'server.path']) {
    assert.ok(props[`dockerfileLsp.${key}`].type?.includes('null'), `${key} accepts null`);
  }
});

/**
 * The server's list of the settings it reads (`KNOWN_SETTINGS` in
 * server/src/lsp/config.rs of this repository, or the file `DLSP_SERVER_CONFIG_RS` names),
 * when that source has one.
 */
function serverKnownSettings(): string[] | undefined {
  const path = process.env.DLSP_SERVER_CONFIG_RS ?? join(__dirname, '..', '..', '..', '..', 'server', 'src', 'lsp', 'config.rs');
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const list = /pub const KNOWN_SETTINGS: &\[&str\] = &\[([^\]]*)\]/.exec(source)?.[1];
  return list === undefined ? undefined : [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

const known = serverKnownSettings();
(known ? test : test.skip)("the mapping knows exactly the server's KNOWN_SETTINGS", () => {
  assert.deepEqual(SERVER_SETTINGS.map((s) => s.key).sort(), [...known!].sort());
});
