/**
 * A stand-in for the `vscode` module, enough of it for the bundled extension
 * (dist/extension.js) and vscode-languageclient to activate, start the real server, sync
 * documents, receive diagnostics and run the extension's commands under plain Node
 * (src/test/extension.test.ts). No VS Code binary can be downloaded where CI runs; this
 * runs the extension's own code, with the real client library and the real server.
 *
 * What it implements for real: Uri, Position, Range, Diagnostic, EventEmitter,
 * Disposable, configuration (with package.json defaults, `inspect`, change events),
 * text documents and tabs (the client pulls diagnostics for visible documents),
 * diagnostic collections, commands, content providers, output channels and messages
 * (recorded, with scripted answers). Anything else is an inert object or class, so the
 * client's feature registrations succeed and do nothing.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

type Listener = (e: any) => any;

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: { dispose(): any }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners: Listener[] = [];
  event = (listener: Listener, thisArg?: any, disposables?: Disposable[]): Disposable => {
    const bound = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(bound);
    const d = new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== bound)));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      l(e);
    }
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static parse(value: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!m) {
      throw new Error(`fake vscode: cannot parse URI ${value}`);
    }
    return new Uri(m[1], m[2] ?? '', decodeURIComponent(m[3]), m[4] ?? '', m[5] ?? '');
  }
  static file(path: string): Uri {
    return Uri.parse(pathToFileURL(path).href);
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return base.with({ path: [base.path.replace(/\/$/, ''), ...parts].join('/') });
  }
  get fsPath(): string {
    return this.scheme === 'file' ? fileURLToPath(`file://${encodeURI(this.path)}`) : this.path;
  }
  with(c: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(
      c.scheme ?? this.scheme,
      c.authority ?? this.authority,
      c.path ?? this.path,
      c.query ?? this.query,
      c.fragment ?? this.fragment,
    );
  }
  toString(): string {
    const authority = this.scheme === 'file' || this.authority ? `//${this.authority}` : '';
    return `${this.scheme}:${authority}${encodeURI(this.path)}${this.query ? `?${this.query}` : ''}${
      this.fragment ? `#${this.fragment}` : ''
    }`;
  }
  toJSON(): any {
    return { scheme: this.scheme, path: this.path, external: this.toString() };
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isBefore(o: Position): boolean {
    return this.line < o.line || (this.line === o.line && this.character < o.character);
  }
  isEqual(o: Position): boolean {
    return this.line === o.line && this.character === o.character;
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: any, b: any, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b) : a;
    this.end = typeof a === 'number' ? new Position(c!, d!) : b;
  }
  contains(p: Position): boolean {
    return !p.isBefore(this.start) && !this.end.isBefore(p);
  }
  get isEmpty(): boolean {
    return this.start.isEqual(this.end);
  }
}

export class Selection extends Range {
  constructor(
    readonly anchor: Position,
    readonly active: Position,
  ) {
    super(anchor, active);
  }
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic {
  source?: string;
  code?: any;
  tags?: number[];
  relatedInformation?: any[];
  constructor(
    public range: Range,
    public message: string,
    public severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class TextEdit {
  constructor(
    public range: Range,
    public newText: string,
  ) {}
}

/** Text edits by document; `set` takes `TextEdit[]` or `[TextEdit, metadata][]`. */
export class WorkspaceEdit {
  private readonly edits = new Map<string, { uri: Uri; edits: TextEdit[] }>();
  set(uri: Uri, edits: (TextEdit | [TextEdit, unknown])[]): void {
    this.edits.set(uri.toString(), { uri, edits: edits.map((e) => (Array.isArray(e) ? e[0] : e)) });
  }
  replace(uri: Uri, range: Range, newText: string): void {
    const entry = this.edits.get(uri.toString()) ?? { uri, edits: [] };
    entry.edits.push(new TextEdit(range, newText));
    this.edits.set(uri.toString(), entry);
  }
  entries(): [Uri, TextEdit[]][] {
    return [...this.edits.values()].map((e) => [e.uri, e.edits]);
  }
  get size(): number {
    return this.edits.size;
  }
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export class TabInputText {
  constructor(readonly uri: Uri) {}
}

/** A classes-and-enums fallback: `new X(...)`, `X.Member`, `class Y extends X` all work. */
function inert(name: string): any {
  const cache = new Map<PropertyKey, any>();
  const base = class {
    constructor(...args: any[]) {
      Object.assign(this, { __fake: name, args });
    }
  };
  return new Proxy(base, {
    apply() {
      return inert(`${name}()`);
    },
    get(target, prop, receiver) {
      if (prop in target) {
        return Reflect.get(target, prop, receiver);
      }
      if (typeof prop === 'symbol' || prop === 'then') {
        return undefined;
      }
      if (!cache.has(prop)) {
        cache.set(prop, inert(`${name}.${String(prop)}`));
      }
      return cache.get(prop);
    },
  });
}

/** A namespace whose unknown members are event registrations (`on…`) or inert functions. */
function namespace(_name: string, members: Record<string, any>): any {
  return new Proxy(members, {
    get(target, prop) {
      if (prop in target || typeof prop === 'symbol' || prop === 'then') {
        return (target as any)[prop];
      }
      if (prop.startsWith('on')) {
        return new EventEmitter<any>().event;
      }
      return (..._args: any[]) => new Disposable();
    },
  });
}

/** A fake text document over fixed text. */
export function textDocument(uri: Uri, languageId: string, text: string): any {
  const lines = text.split('\n');
  const offsetAt = (p: Position) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + Math.min(p.character, lines[p.line]?.length ?? 0);
  return {
    uri,
    fileName: uri.fsPath,
    languageId,
    version: 1,
    isClosed: false,
    isDirty: false,
    isUntitled: uri.scheme === 'untitled',
    eol: 1,
    lineCount: lines.length,
    getText: (range?: Range) => (range ? text.slice(offsetAt(range.start), offsetAt(range.end)) : text),
    offsetAt,
    positionAt(offset: number) {
      let line = 0;
      while (line < lines.length - 1 && offset > lines[line].length) {
        offset -= lines[line].length + 1;
        line++;
      }
      return new Position(line, offset);
    },
    lineAt: (line: number) => ({ text: lines[line], range: new Range(line, 0, line, lines[line].length) }),
    validateRange(r: Range) {
      const lastLine = lines.length - 1;
      const clamp = (p: Position) =>
        p.line > lastLine ? new Position(lastLine, lines[lastLine].length) : new Position(p.line, Math.min(p.character, lines[p.line].length));
      return new Range(clamp(r.start), clamp(r.end));
    },
    save: async () => true,
  };
}

/** What the extension did through the fake, for assertions, and knobs for the test. */
export interface FakeState {
  settings: Map<string, unknown>;
  logs: string[];
  messages: { kind: string; message: string; items: string[] }[];
  /** The button a message "clicks" (by the message's text), else undefined. */
  answer: (message: string, items: string[]) => string | undefined;
  executed: { command: string; args: any[] }[];
  commands: Map<string, (...args: any[]) => any>;
  contentProviders: Map<string, { provideTextDocumentContent(uri: Uri): any }>;
  diagnostics: Map<string, Diagnostic[]>;
  appliedEdits: WorkspaceEdit[];
  statusItems: any[];
  documents: any[];
  openDocument(doc: any): void;
  changeSettings(values: Record<string, unknown>): void;
}

/** Builds the fake module; `extensionRoot` holds the package.json whose defaults apply. */
export function createFakeVscode(extensionRoot: string): { vscode: any; state: FakeState } {
  const manifest = JSON.parse(readFileSync(join(extensionRoot, 'package.json'), 'utf8'));
  const defaults = new Map<string, unknown>();
  for (const section of manifest.contributes.configuration) {
    for (const [key, prop] of Object.entries<any>(section.properties)) {
      defaults.set(key, prop.default);
    }
  }
  const onDidChangeConfiguration = new EventEmitter<any>();
  const onDidOpenTextDocument = new EventEmitter<any>();
  const onDidChangeTabs = new EventEmitter<any>();
  const tabs: any[] = [];

  const state: FakeState = {
    settings: new Map(),
    logs: [],
    messages: [],
    answer: () => undefined,
    executed: [],
    commands: new Map(),
    contentProviders: new Map(),
    diagnostics: new Map(),
    appliedEdits: [],
    statusItems: [],
    documents: [],
    openDocument(doc) {
      state.documents.push(doc);
      const tab = { input: new TabInputText(doc.uri), label: doc.uri.path, isActive: true };
      tabs.push(tab);
      onDidOpenTextDocument.fire(doc);
      onDidChangeTabs.fire({ opened: [tab], closed: [], changed: [] });
    },
    changeSettings(values) {
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) {
          state.settings.delete(k);
        } else {
          state.settings.set(k, v);
        }
      }
      const keys = Object.keys(values);
      onDidChangeConfiguration.fire({
        affectsConfiguration: (section: string) => keys.some((k) => k === section || k.startsWith(`${section}.`)),
      });
    },
  };

  const configuration = (section?: string) => {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get(key: string, fallback?: unknown) {
        const k = full(key);
        if (state.settings.has(k)) {
          return state.settings.get(k);
        }
        if (defaults.has(k)) {
          return defaults.get(k);
        }
        // A section, as VS Code answers it: nested, defaults and client-only keys included.
        const nested: Record<string, any> = {};
        let any = false;
        for (const leaf of new Set([...defaults.keys(), ...state.settings.keys()])) {
          if (!leaf.startsWith(`${k}.`)) {
            continue;
          }
          any = true;
          const parts = leaf.slice(k.length + 1).split('.');
          let obj = nested;
          for (const part of parts.slice(0, -1)) {
            obj = obj[part] ??= {};
          }
          obj[parts[parts.length - 1]] = state.settings.has(leaf) ? state.settings.get(leaf) : defaults.get(leaf);
        }
        return any ? nested : fallback;
      },
      has: (key: string) => state.settings.has(full(key)) || defaults.has(full(key)),
      inspect(key: string) {
        const k = full(key);
        return { key: k, defaultValue: defaults.get(k), globalValue: state.settings.get(k) };
      },
      update: async (key: string, value: unknown) => state.changeSettings({ [full(key)]: value }),
    };
  };

  const channel = (name: string) => {
    const log = (level: string) => (message: string) => state.logs.push(`[${name}] ${level} ${message}`);
    return {
      name,
      logLevel: 2,
      onDidChangeLogLevel: new EventEmitter<any>().event,
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: (m: unknown) => log('error')(String(m)),
      append: log('append'),
      appendLine: log('line'),
      replace: () => undefined,
      clear: () => undefined,
      show: () => state.executed.push({ command: `show output ${name}`, args: [] }),
      hide: () => undefined,
      dispose: () => undefined,
    };
  };

  const message = (kind: string) => async (text: string, ...rest: any[]) => {
    const items = rest.filter((r) => typeof r === 'string');
    state.messages.push({ kind, message: text, items });
    return state.answer(text, items);
  };

  const vscode: any = {
    version: '1.91.0',
    Uri,
    Position,
    Range,
    Selection,
    Diagnostic,
    DiagnosticSeverity,
    Disposable,
    EventEmitter,
    CancellationTokenSource,
    TabInputText,
    TextEdit,
    WorkspaceEdit,
    CodeActionKind,
    LanguageStatusSeverity: { Information: 0, Warning: 1, Error: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    env: { appName: 'Fake VS Code', appRoot: '/', language: 'en', machineId: 'fake', sessionId: 'fake', uriScheme: 'vscode', openExternal: async () => true },
    l10n: { t: (m: string, ...args: any[]) => m.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)])) },
    extensions: { getExtension: () => undefined, all: [] },
    workspace: namespace('workspace', {
      workspaceFolders: undefined,
      isTrusted: true,
      textDocuments: state.documents,
      notebookDocuments: [],
      getConfiguration: configuration,
      getWorkspaceFolder: () => undefined,
      onDidChangeConfiguration: onDidChangeConfiguration.event,
      onDidOpenTextDocument: onDidOpenTextDocument.event,
      registerTextDocumentContentProvider(scheme: string, provider: any) {
        state.contentProviders.set(scheme, provider);
        return new Disposable(() => state.contentProviders.delete(scheme));
      },
      applyEdit: async (edit: WorkspaceEdit) => {
        state.appliedEdits.push(edit);
        return true;
      },
      createFileSystemWatcher: () => ({ dispose() {}, onDidCreate: () => new Disposable(), onDidChange: () => new Disposable(), onDidDelete: () => new Disposable() }),
    }),
    window: namespace('window', {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      visibleNotebookEditors: [],
      tabGroups: {
        get all() {
          return [{ tabs, isActive: true, viewColumn: 1, activeTab: tabs[tabs.length - 1] }];
        },
        onDidChangeTabs: onDidChangeTabs.event,
        onDidChangeTabGroups: new EventEmitter<any>().event,
      },
      createOutputChannel: (name: string) => channel(name),
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      withProgress: async (_o: any, task: any) => task({ report() {} }, new CancellationTokenSource().token),
      setStatusBarMessage: (text: string) => {
        state.messages.push({ kind: 'status', message: text, items: [] });
        return new Disposable();
      },
    }),
    languages: namespace('languages', {
      createDiagnosticCollection(name: string) {
        const own = new Map<string, Diagnostic[]>();
        const set = (uri: Uri, diags: Diagnostic[] | undefined) => {
          own.set(uri.toString(), diags ?? []);
          state.diagnostics.set(uri.toString(), diags ?? []);
        };
        return {
          name,
          set(a: any, b?: any) {
            if (Array.isArray(a)) {
              a.forEach(([uri, d]: [Uri, Diagnostic[]]) => set(uri, d));
            } else {
              set(a, b);
            }
          },
          get: (uri: Uri) => own.get(uri.toString()),
          has: (uri: Uri) => own.has(uri.toString()),
          delete: (uri: Uri) => {
            own.delete(uri.toString());
            state.diagnostics.delete(uri.toString());
          },
          clear: () => {
            for (const k of own.keys()) {
              state.diagnostics.delete(k);
            }
            own.clear();
          },
          forEach: (f: any) => own.forEach((d, k) => f(Uri.parse(k), d)),
          dispose: () => undefined,
        };
      },
      createLanguageStatusItem(id: string) {
        const item: any = { id, dispose: () => undefined };
        state.statusItems.push(item);
        return item;
      },
      getDiagnostics: (uri: Uri) => state.diagnostics.get(uri.toString()) ?? [],
      match(selector: any, doc: any) {
        const filters = Array.isArray(selector) ? selector : [selector];
        return filters.some(
          (f: any) =>
            (typeof f === 'string' ? f === doc.languageId : (!f.language || f.language === doc.languageId) && (!f.scheme || f.scheme === doc.uri.scheme)),
        )
          ? 10
          : 0;
      },
    }),
    commands: namespace('commands', {
      registerCommand(id: string, fn: (...args: any[]) => any) {
        if (state.commands.has(id)) {
          throw new Error(`command ${id} already exists`);
        }
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      async executeCommand(id: string, ...args: any[]) {
        state.executed.push({ command: id, args });
        const fn = state.commands.get(id);
        return fn ? fn(...args) : undefined;
      },
      getCommands: async () => [...state.commands.keys()],
    }),
  };
  // Every class, enum and namespace of the real API exists up front: bundlers and
  // `__importStar` copy the module's own keys, so members made on first access would be
  // missing from the copy.
  const api = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  for (const [, kind, name] of api.matchAll(/^\s*export (class|enum|namespace) (\w+)/gm)) {
    if (!(name in vscode)) {
      vscode[name] = kind === 'namespace' ? namespace(name, {}) : inert(name);
    }
  }
  return {
    vscode: new Proxy(vscode, {
      get(target, prop) {
        if (prop in target || typeof prop === 'symbol' || prop === 'then' || prop === '__esModule') {
          return target[prop];
        }
        target[prop] = /^[A-Z]/.test(prop) ? inert(prop) : namespace(prop, {});
        return target[prop];
      },
    }),
    state,
  };
}
