/**
 * The rule catalogue as the extension sees it: parsing `dockerfile-lsp rules --format
 * json`, finding which rules the diagnostics under the cursor belong to, and naming the
 * read-only virtual documents that show a rule's documentation
 * (`dockerfile-lsp-rule:/<id>.md`).
 *
 * Pure: no `vscode` import (diagnostics and positions are plain objects), so `node:test`
 * covers it.
 */

/** One entry of `dockerfile-lsp rules --format json`. */
export interface RuleInfo {
  id: string;
  summary: string;
  defaultLevel: string;
  fix: string;
  hadolint: string[];
  buildkit: string[];
  documentation: string;
}

/** The diagnostics' `source`. */
export const DIAGNOSTIC_SOURCE = 'dockerfile-lsp';

/** The URI scheme of the rule documentation documents. */
export const RULE_DOC_SCHEME = 'dockerfile-lsp-rule';

/** Parses the JSON rule list; throws an Error naming what is wrong. */
export function parseRules(text: string): RuleInfo[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`the rule list is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) {
    throw new Error('the rule list is not a JSON array');
  }
  return data.map((item, i) => {
    const r = item as Partial<RuleInfo> | null;
    if (!r || typeof r.id !== 'string' || typeof r.summary !== 'string' || typeof r.defaultLevel !== 'string') {
      throw new Error(`rule #${i + 1} lacks an id, summary or defaultLevel`);
    }
    return {
      id: r.id,
      summary: r.summary,
      defaultLevel: r.defaultLevel,
      fix: typeof r.fix === 'string' ? r.fix : 'none',
      hadolint: Array.isArray(r.hadolint) ? r.hadolint.filter((c): c is string => typeof c === 'string') : [],
      buildkit: Array.isArray(r.buildkit) ? r.buildkit.filter((c): c is string => typeof c === 'string') : [],
      documentation: typeof r.documentation === 'string' ? r.documentation : '',
    };
  });
}

/** A diagnostic code as VS Code carries it. */
export type DiagnosticCode = string | number | { value: string | number; target?: unknown } | undefined;

/**
 * The rule id a diagnostic code names: the code itself, except ShellCheck's `SCnnnn`
 * findings, whose documentation is the `shellcheck` rule's.
 */
export function ruleIdOfCode(code: DiagnosticCode): string | undefined {
  const value = typeof code === 'object' && code !== null ? code.value : code;
  if (value === undefined || value === '') {
    return undefined;
  }
  const s = String(value);
  return /^SC\d+$/i.test(s) ? 'shellcheck' : s;
}

export interface PositionLike {
  line: number;
  character: number;
}

export interface DiagnosticLike {
  source?: string;
  code?: DiagnosticCode;
  range: { start: PositionLike; end: PositionLike };
}

function before(a: PositionLike, b: PositionLike): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** The distinct rule ids of our diagnostics whose range holds `pos` (ends included), in order. */
export function rulesAt(diagnostics: readonly DiagnosticLike[], pos: PositionLike): string[] {
  const ids: string[] = [];
  for (const d of diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE || !before(d.range.start, pos) || !before(pos, d.range.end)) {
      continue;
    }
    const id = ruleIdOfCode(d.code);
    if (id !== undefined && !ids.includes(id)) {
      ids.push(id);
    }
  }
  return ids;
}

/** The path of a rule's documentation document (`/run-cd.md`). */
export function ruleDocPath(id: string): string {
  return `/${encodeURIComponent(id)}.md`;
}

/** The rule id of a documentation document's path, or `undefined`. */
export function ruleOfDocPath(path: string): string | undefined {
  const m = /^\/([^/]+)\.md$/.exec(path);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** A quick pick entry for a rule: id, default level and tool codes, summary. */
export function pickItem(rule: RuleInfo): { label: string; description: string; detail: string } {
  const codes = [...rule.hadolint, ...rule.buildkit];
  return {
    label: rule.id,
    description: [rule.defaultLevel, ...codes].join(' · '),
    detail: rule.summary,
  };
}
