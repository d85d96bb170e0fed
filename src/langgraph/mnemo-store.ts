/**
 * A LangGraph.js `BaseStore` on mnemo: every item is a brain key of the store's fixed
 * scope (category `langgraph`), so recall, the dashboard and export see it as a memory.
 * See docs/integrations.md for the mapping and its limits.
 */
import {
  BaseStore,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
  validateNamespace,
} from '@langchain/langgraph-checkpoint';
import type { Memory } from '../api.js';
import type { BrainEntry } from '../brain/brain-schema.js';
import { InvalidInputError } from '../errors.js';
import type { Scope } from '../scope.js';
import { matchesFilter } from './store-filter.js';
import { endsWith, itemKey, namespacePrefixKey, parseItemKey, startsWith } from './store-keys.js';

/**
 * The brain category of every item the store writes.
 *
 * @example
 * await mem.brain.list({ scope: { user: 'alice' }, category: STORE_CATEGORY });
 */
export const STORE_CATEGORY = 'langgraph';

/** How many brain keys one search or listing reads at most (the brain's list limit). */
const LIST_CAP = 1000;

/**
 * Options of {@link MnemoStore}.
 *
 * @example
 * const opts: MnemoStoreOptions = { memory: mem, scope: { tenant: 'acme', user: 'alice' }, defaultTtlSeconds: 86_400 };
 */
export interface MnemoStoreOptions {
  /** The memory holding the items: in process or a server's client. */
  memory: Memory;
  /**
   * Whose memory the items are: fixed here, never taken from a namespace, so no namespace
   * reaches another tenant, user or agent. Session is ignored (brain keys have none).
   */
  scope?: Scope;
  /** Forget items this many seconds after their last write (default: never). */
  defaultTtlSeconds?: number;
}

/**
 * LangGraph's `BaseStore` over mnemo: a drop-in for `InMemoryStore` or `PostgresStore`.
 * Namespaces map component by component onto brain keys (`lg.<ns...>.<key>`, each
 * component escaped); the scope is fixed at construction.
 *
 * @example
 * const store = new MnemoStore({ memory: await createMemory(), scope: { user: 'alice' } });
 * await store.put(['memories', 'alice'], 'food', { text: 'likes tea' });
 * const graph = builder.compile({ store, checkpointer });
 */
export class MnemoStore extends BaseStore {
  readonly memory: Memory;
  readonly scope: Scope;
  readonly defaultTtlSeconds: number | undefined;

  constructor(options: MnemoStoreOptions) {
    super();
    this.memory = options.memory;
    const s = options.scope ?? {};
    this.scope = {
      ...(s.tenant ? { tenant: s.tenant } : {}),
      ...(s.user ? { user: s.user } : {}),
      ...(s.agent ? { agent: s.agent } : {}),
    };
    this.defaultTtlSeconds = options.defaultTtlSeconds;
  }

  /**
   * Stores an item; `options.ttlSeconds` overrides the store's default expiry.
   *
   * @example
   * await store.put(['cache'], 'weather', { temp: 21 }, undefined, { ttlSeconds: 600 });
   */
  override async put(
    namespace: string[],
    key: string,
    value: Record<string, unknown>,
    index?: false | string[],
    options?: { ttlSeconds?: number },
  ): Promise<void> {
    validateNamespace(namespace);
    await this.putOne({ namespace, key, value, index }, options?.ttlSeconds ?? this.defaultTtlSeconds);
  }

  /**
   * Runs LangGraph store operations in order (what `get`, `put`, `search`, `delete` and
   * `listNamespaces` call); unlike those, it applies no label checks of LangGraph's own.
   *
   * @example
   * const [item] = await store.batch([{ namespace: ['memories'], key: 'k' }]);
   */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    for (const op of operations) {
      if ('key' in op && 'value' in op) results.push(await this.putOne(op as PutOperation));
      else if ('key' in op) results.push(await this.getOne(op as GetOperation));
      else if ('namespacePrefix' in op) results.push(await this.searchOne(op as SearchOperation));
      else if ('matchConditions' in op || 'limit' in op)
        results.push(await this.listNamespacesOne(op as ListNamespacesOperation));
      else
        throw new InvalidInputError('unknown store operation: expected get, put, search or listNamespaces');
    }
    return results as OperationResults<Op>;
  }

  private async putOne(op: PutOperation, ttlSeconds = this.defaultTtlSeconds): Promise<void> {
    checkParts(op.namespace, op.key);
    const key = itemKey(op.namespace, op.key);
    if (op.value === null) {
      await this.memory.brain.delete({ scope: this.scope, key });
      return;
    }
    if (typeof op.value !== 'object' || Array.isArray(op.value))
      throw new InvalidInputError('a store value must be a JSON object', 'value');
    await this.memory.brain.set({
      scope: this.scope,
      key,
      value: op.value,
      category: STORE_CATEGORY,
      description: describeItem(op.namespace, op.key),
      ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    });
  }

  private async getOne(op: GetOperation): Promise<Item | null> {
    checkParts(op.namespace, op.key);
    const entry = await this.memory.brain.get({ scope: this.scope, key: itemKey(op.namespace, op.key) });
    return entry ? toItem(entry) : null;
  }

  /** Every item under a namespace prefix, newest write first. */
  private async itemsUnder(prefix: readonly string[]): Promise<Item[]> {
    const entries = await this.memory.brain.list({
      scope: this.scope,
      prefix: namespacePrefixKey(prefix),
      category: STORE_CATEGORY,
      limit: LIST_CAP,
    });
    return entries
      .map(toItem)
      .filter((i): i is Item => i !== null && startsWith(i.namespace, prefix))
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.key.localeCompare(b.key));
  }

  private async searchOne(op: SearchOperation): Promise<SearchItem[]> {
    checkParts(op.namespacePrefix);
    const offset = op.offset ?? 0;
    const limit = op.limit ?? 10;
    const items = (await this.itemsUnder(op.namespacePrefix)).filter((i) =>
      matchesFilter(i.value, op.filter),
    );
    if (!op.query) return items.slice(offset, offset + limit);
    const byKey = new Map(items.map((i) => [itemKey(i.namespace, i.key), i]));
    const found = await this.memory.recall({
      scope: this.scope,
      query: op.query,
      kinds: ['brain'],
      k: Math.min(100, Math.max(offset + limit, 10) * 2),
      filters: { categories: [STORE_CATEGORY] },
    });
    const ranked: SearchItem[] = [];
    for (const hit of found.items) {
      // recall spans the scope's agents and sessions; the store's rows are exactly its scope's
      if (hit.user !== (this.scope.user ?? '') || hit.agent !== (this.scope.agent ?? '')) continue;
      const item = byKey.get(hit.id);
      if (item) ranked.push({ ...item, score: hit.score });
    }
    return ranked.slice(offset, offset + limit);
  }

  private async listNamespacesOne(op: ListNamespacesOperation): Promise<string[][]> {
    for (const c of op.matchConditions ?? []) checkParts(c.path);
    const seen = new Map<string, string[]>();
    for (const item of await this.itemsUnder([])) {
      const ns = item.namespace;
      const ok = (op.matchConditions ?? []).every((c) =>
        c.matchType === 'prefix' ? startsWith(ns, c.path, true) : endsWith(ns, c.path),
      );
      if (!ok) continue;
      const cut = op.maxDepth !== undefined ? ns.slice(0, op.maxDepth) : ns;
      seen.set(JSON.stringify(cut), cut);
    }
    const all = [...seen.values()].sort((a, b) => compareTuples(a, b));
    return all.slice(op.offset ?? 0, (op.offset ?? 0) + (op.limit ?? all.length));
  }
}

/** A readable line for the brain key's description (the key itself is the escaped form). */
function describeItem(namespace: readonly string[], key: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const clean = (t: string) => t.replace(/[\u0000-\u001f]/g, '?');
  return clean(`LangGraph store item ${key} in ${namespace.join(' / ') || '(root)'}`).slice(0, 500);
}

function compareTuples(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = (a[i] as string) < (b[i] as string) ? -1 : (a[i] as string) > (b[i] as string) ? 1 : 0;
    if (c) return c;
  }
  return a.length - b.length;
}

/** Namespace components and keys must be strings; anything else is refused before any read. */
function checkParts(namespace: unknown, key?: unknown): void {
  if (!Array.isArray(namespace) || namespace.some((c) => typeof c !== 'string'))
    throw new InvalidInputError('a namespace must be an array of strings', 'namespace');
  if (key !== undefined && typeof key !== 'string')
    throw new InvalidInputError('a key must be a string', 'key');
}

function toItem(entry: BrainEntry): Item | null {
  const parsed = parseItemKey(entry.key);
  if (!parsed || typeof entry.value !== 'object' || entry.value === null || Array.isArray(entry.value))
    return null;
  return {
    namespace: parsed.namespace,
    key: parsed.key,
    value: entry.value as Record<string, unknown>,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
