/**
 * The settings mapping: turns the flat `dockerfileLsp.*` VS Code configuration into the
 * object the server reads from `workspace/configuration` (section `dockerfileLsp`),
 * `initializationOptions` and `workspace/didChangeConfiguration`
 * (`server/src/lsp/config.rs` is the reader).
 *
 * Pure: no `vscode` import, so `node:test` covers it. Values the user did not set are
 * omitted (the server's defaults apply; `format.continuationIndent` unset or `null`
 * means "the editor's tabSize/insertSpaces decide"), client-only keys (`server.*`,
 * `trace.*`) never reach the server, and invalid values are dropped with a warning
 * instead of being sent for the server to reject.
 */

/** A rule severity the server accepts (`false` in settings means `"off"`). */
export type Level = 'off' | 'error' | 'warning' | 'info' | 'hint';

/** The levels, in the order the settings UI lists them. */
export const LEVELS: readonly Level[] = ['off', 'error', 'warning', 'info', 'hint'];

/** The object the server reads for the `dockerfileLsp` section. */
export interface ServerSettings {
  diagnostics?: { delayMs?: number };
  rules?: Record<string, Level>;
  trustedRegistries?: string[];
  shellcheck?: { path?: string; ignore?: string[] };
  format?: { continuationIndent?: number | 'tab' };
  codeLens?: { enable?: boolean };
  inlayHints?: { enable?: boolean };
  registry?: {
    offline?: boolean;
    timeoutMs?: number;
    cacheTtlSeconds?: number;
    insecureHosts?: string[];
    dockerConfig?: string;
  };
}

/** How a setting's value is validated. */
export type Kind =
  | 'nonNegativeInteger'
  | 'positiveInteger'
  | 'boolean'
  | 'path'
  | 'stringArray'
  | 'shellcheckCodes'
  | 'continuationIndent'
  | 'rules';

/** One server setting: its flat key under `dockerfileLsp.`, its kind and the server's default. */
export interface SettingSpec {
  readonly key: string;
  readonly kind: Kind;
  /** The server's default, also the `default` in package.json (`null`: unset). */
  readonly default: unknown;
}

/** Every setting the server reads, by flat key. package.json must declare each one. */
export const SERVER_SETTINGS: readonly SettingSpec[] = [
  { key: 'diagnostics.delayMs', kind: 'nonNegativeInteger', default: 150 },
  { key: 'rules', kind: 'rules', default: {} },
  { key: 'trustedRegistries', kind: 'stringArray', default: [] },
  { key: 'shellcheck.path', kind: 'path', default: null },
  { key: 'shellcheck.ignore', kind: 'shellcheckCodes', default: [] },
  { key: 'format.continuationIndent', kind: 'continuationIndent', default: null },
  { key: 'codeLens.enable', kind: 'boolean', default: true },
  { key: 'inlayHints.enable', kind: 'boolean', default: true },
  { key: 'registry.offline', kind: 'boolean', default: false },
  { key: 'registry.timeoutMs', kind: 'positiveInteger', default: 10000 },
  { key: 'registry.cacheTtlSeconds', kind: 'nonNegativeInteger', default: 900 },
  { key: 'registry.insecureHosts', kind: 'stringArray', default: [] },
  { key: 'registry.dockerConfig', kind: 'path', default: null },
];

/** Settings only the extension reads; never sent to the server. */
export const CLIENT_SETTINGS: readonly string[] = ['server.path', 'server.extraEnv', 'trace.server'];

/** The configuration section, in VS Code and on the wire. */
export const SECTION = 'dockerfileLsp';

/** The result of a mapping: the server's object and one sentence per dropped value. */
export interface Mapped {
  settings: ServerSettings;
  warnings: string[];
}

/** Options of [[toServerSettings]]. */
export interface MapOptions {
  /**
   * Expands a path setting (`shellcheck.path`, `registry.dockerConfig`): `~`,
   * `${workspaceFolder}`. Returns a string, or an error sentence.
   */
  expandPath?: (raw: string) => string | { error: string };
}

/**
 * Maps the user's settings, read through `get(flatKey)` (`undefined` or `null` when not
 * set), into the object the server reads.
 */
export function toServerSettings(get: (key: string) => unknown, options: MapOptions = {}): Mapped {
  const settings: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const spec of SERVER_SETTINGS) {
    const raw = get(spec.key);
    if (raw === undefined || raw === null) {
      continue;
    }
    const result = validate(spec, raw, options);
    if ('error' in result) {
      warnings.push(`dockerfileLsp.${spec.key}: ${result.error}; the setting is ignored`);
      continue;
    }
    for (const w of result.warnings ?? []) {
      warnings.push(`dockerfileLsp.${spec.key}: ${w}`);
    }
    if (result.value !== undefined) {
      setPath(settings, spec.key, result.value);
    }
  }
  return { settings: settings as ServerSettings, warnings };
}

type Validated = { value: unknown; warnings?: string[] } | { error: string };

function validate(spec: SettingSpec, raw: unknown, options: MapOptions): Validated {
  switch (spec.kind) {
    case 'nonNegativeInteger':
      return isInteger(raw) && raw >= 0
        ? { value: raw }
        : { error: `expected a whole number of 0 or more, got ${show(raw)}` };
    case 'positiveInteger':
      return isInteger(raw) && raw > 0
        ? { value: raw }
        : { error: `expected a whole number above 0, got ${show(raw)}` };
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : { error: `expected true or false, got ${show(raw)}` };
    case 'path': {
      if (typeof raw !== 'string') {
        return { error: `expected a path, got ${show(raw)}` };
      }
      if (raw.trim() === '') {
        return { value: undefined };
      }
      const expanded = options.expandPath ? options.expandPath(raw.trim()) : raw.trim();
      return typeof expanded === 'string' ? { value: expanded } : expanded;
    }
    case 'stringArray':
    case 'shellcheckCodes':
      return stringArray(raw, spec.kind === 'shellcheckCodes');
    case 'continuationIndent':
      if (isInteger(raw) && raw >= 1 && raw <= 16) {
        return { value: raw };
      }
      if (typeof raw === 'string' && /^tabs?$/i.test(raw.trim())) {
        return { value: 'tab' };
      }
      return { error: `expected a number of spaces from 1 to 16, "tab" or null, got ${show(raw)}` };
    case 'rules':
      return rules(raw);
  }
}

function stringArray(raw: unknown, shellcheckCodes: boolean): Validated {
  if (!Array.isArray(raw)) {
    return { error: `expected a list of strings, got ${show(raw)}` };
  }
  const value: string[] = [];
  const warnings: string[] = [];
  for (const item of raw) {
    if (typeof item !== 'string' || item.trim() === '') {
      warnings.push(`${show(item)} is not a non-empty string; left out`);
      continue;
    }
    let s = item.trim();
    if (shellcheckCodes) {
      const m = /^(?:SC)?(\d{4})$/i.exec(s);
      if (!m) {
        warnings.push(`${show(item)} is not a ShellCheck code such as "SC2086"; left out`);
        continue;
      }
      s = `SC${m[1]}`;
    }
    if (!value.includes(s)) {
      value.push(s);
    }
  }
  return { value, warnings };
}

function rules(raw: unknown): Validated {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { error: `expected an object of rule id to level, got ${show(raw)}` };
  }
  const value: Record<string, Level> = {};
  const warnings: string[] = [];
  for (const [id, level] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = parseLevel(level);
    if (parsed === undefined) {
      if (level !== null && level !== undefined) {
        warnings.push(`rule "${id}": expected one of ${LEVELS.join(', ')}, got ${show(level)}; left out`);
      }
      continue;
    }
    value[id] = parsed;
  }
  return { value: Object.keys(value).length > 0 ? value : undefined, warnings };
}

/** A level from a settings value: one of [[LEVELS]] (any case) or `false` (off). */
export function parseLevel(value: unknown): Level | undefined {
  if (value === false) {
    return 'off';
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const lower = value.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(lower) ? (lower as Level) : undefined;
}

/** What `WorkspaceConfiguration.inspect` answers, the parts the mapping reads. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The value the user set for a key, from `inspect()`: the most specific scope wins
 * (folder > workspace > user), except objects (`rules`), which merge key by key as VS
 * Code merges them. `undefined` when no scope sets it, so package.json defaults (equal
 * to the server's) are never sent.
 */
export function userValue(inspected: Inspected | undefined): unknown {
  if (!inspected) {
    return undefined;
  }
  const scopes = [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue].filter(
    (v) => v !== undefined && v !== null,
  );
  if (scopes.length === 0) {
    return undefined;
  }
  if (scopes.every(isPlainObject)) {
    return Object.assign({}, ...scopes);
  }
  return scopes[scopes.length - 1];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let obj = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(obj[part])) {
      obj[part] = {};
    }
    obj = obj[part] as Record<string, unknown>;
  }
  obj[parts[parts.length - 1]] = value;
}
