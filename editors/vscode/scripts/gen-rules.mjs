#!/usr/bin/env node
// Regenerates the per-rule severity schema of package.json (the `properties` of the
// `dockerfileLsp.rules` setting: one entry per rule id, enum off/error/warning/info/hint,
// described by the rule's summary, default level and hadolint/BuildKit codes) from
// `<binary> rules --format json`.
//
//   node scripts/gen-rules.mjs <path/to/dockerfile-lsp>           rewrite package.json
//   node scripts/gen-rules.mjs <path/to/dockerfile-lsp> --check   exit 1 when it is stale
//
// package.json is written as JSON.stringify(…, null, 2) plus a newline, its own format.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LEVELS = ['off', 'error', 'warning', 'info', 'hint'];
const LEVEL_DESCRIPTIONS = [
  'Not reported',
  'Reported as an error',
  'Reported as a warning',
  'Reported as information',
  'Shown as a hint (faded, no squiggle)',
];
const SETTING = 'dockerfileLsp.rules';

const args = process.argv.slice(2);
const check = args.includes('--check');
const binary = args.find((a) => a !== '--check');
if (!binary) {
  console.error('usage: node scripts/gen-rules.mjs <path/to/dockerfile-lsp> [--check]');
  process.exit(2);
}

const manifestPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
const before = readFileSync(manifestPath, 'utf8');
const manifest = JSON.parse(before);

let rules;
try {
  rules = JSON.parse(execFileSync(binary, ['rules', '--format', 'json'], { encoding: 'utf8', timeout: 30_000 }));
} catch (err) {
  console.error(`error: \`${binary} rules --format json\` failed: ${err.message}`);
  process.exit(2);
}

/** The markdown description of one rule's severity entry. */
function describe(rule) {
  const codes = [
    ...rule.hadolint.map((c) => `hadolint \`${c}\``),
    ...rule.buildkit.map((c) => `BuildKit \`${c}\``),
  ];
  const extra = codes.length > 0 ? ` Also ${codes.join(', ')}.` : '';
  return `${rule.summary}. Default: \`${rule.defaultLevel}\`.${extra} Documentation: \`dockerfile-lsp rules ${rule.id}\`.`;
}

const properties = {};
for (const rule of [...rules].sort((a, b) => a.id.localeCompare(b.id))) {
  properties[rule.id] = {
    type: 'string',
    enum: LEVELS,
    enumDescriptions: LEVEL_DESCRIPTIONS,
    markdownDescription: describe(rule),
  };
}

const sections = Array.isArray(manifest.contributes.configuration)
  ? manifest.contributes.configuration
  : [manifest.contributes.configuration];
const section = sections.find((s) => s.properties && SETTING in s.properties);
if (!section) {
  console.error(`error: package.json declares no ${SETTING} setting`);
  process.exit(2);
}
const setting = section.properties[SETTING];
setting.properties = properties;
setting.patternProperties = {
  '^DL[0-9]{4}$': {
    type: 'string',
    enum: LEVELS,
    enumDescriptions: LEVEL_DESCRIPTIONS,
    markdownDescription: 'A hadolint code, applied to the rule it maps to.',
  },
};
setting.additionalProperties = false;

const after = JSON.stringify(manifest, null, 2) + '\n';
if (check) {
  if (after !== before) {
    console.error(
      `error: package.json's ${SETTING} schema is stale against \`${binary} rules\`; run: npm run gen-rules -- ${binary}`,
    );
    process.exit(1);
  }
  console.log(`package.json lists all ${rules.length} rules of ${binary}`);
} else {
  writeFileSync(manifestPath, after);
  console.log(`package.json: ${rules.length} rules written to ${SETTING}`);
}
