import type { Command } from 'commander';
import { intFlag, jsonFlag } from './brain-command.js';
import { printObject, type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';

interface ObserveFlags extends StoreFlags {
  payload?: string;
  content?: string;
  importance?: string;
  tag?: string[];
}

const collect = (v: string, acc: string[]) => [...acc, v];

/**
 * `mnemo observe SUBJECT TYPE`: publishes an observation to the shared log (subscribers
 * watching get it live).
 *
 * @example
 * // mnemo observe payments deploy_failed --payload '{"region":"eu"}' --agent ci
 */
export function registerObserveCommand(program: Command): void {
  storeOptions(
    program
      .command('observe')
      .argument('<subject>', 'what it is about, e.g. payments')
      .argument('<type>', 'what happened, e.g. deploy_failed'),
  )
    .description('publish an observation for other agents; prints it (with its seq)')
    .option('--payload <json>', 'details as a JSON object')
    .option('--content <text>', 'the line to store (default: built from type, subject and payload)')
    .option('--importance <n>', '1 to 10 (default 5)')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [])
    .action(async (subject: string, type: string, f: ObserveFlags) => {
      const payload = jsonFlag(f.payload, 'payload', '{"region":"eu"}');
      const o = await withMemory(f, (mem) =>
        mem.observations.observe({
          scope: scopeOf(f),
          subject,
          type,
          ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
          ...(f.content !== undefined ? { content: f.content } : {}),
          ...(f.importance !== undefined ? { importance: intFlag(f.importance, 'importance') } : {}),
          ...(f.tag?.length ? { tags: f.tag } : {}),
        }),
      );
      printObject(o, f.json);
    });
}
