import type { PactApiVersion, PactClient } from '../api/client.js';
import { PactArgumentError } from '../api/errors.js';
import { show } from '../api/validate.js';
import { unknownField } from '../webhook/unknown-field.js';

/** Options of `ctx.template` and `bot.sendTemplate`. */
export interface TemplateOptions {
  /**
   * The language of the template's version to send: `en`, `ru`, … Needed on API v1 (Pact's
   * `template[language_code]`) unless the template list says the template has only one; on v2,
   * which documents no language, sent only where the template list names languages.
   */
  language?: string | undefined;
  /** The values of the template's `{{1}}`, `{{2}}`, …, in order; as many as it has. Numbers are sent as text. */
  parameters?: ReadonlyArray<string | number> | undefined;
}

/** A template as either version of the API lists it, with what pactbot reads of it. */
export interface ListedTemplate {
  /** Pact's id. */
  id: number;
  /** Its name in Pact. */
  name: string;
  /** Its id on WhatsApp's side: what a send names (v1 `template[id]`, v2 `waba_id`). */
  waba_id: string;
  /** Its text, with `{{1}}`, `{{2}}`… */
  body: string;
  /** How many placeholders Pact counts. */
  substitutions_count: number | undefined;
  /** Its language, where the list names one (Pact's reference shows none; WhatsApp keeps one template per name and language). */
  language: string | undefined;
}

/** A template chosen for a send, with its values. */
export interface ChosenTemplate {
  template: ListedTemplate;
  /** The language to send: given, or the template's own; undefined where neither is known. */
  language: string | undefined;
  parameters: string[];
}

/** A checked `ctx.template` / `bot.sendTemplate` call. */
export interface TemplateRequest {
  nameOrId: string;
  language: string | undefined;
  parameters: string[];
}

/** A failed lookup is retried against a fresh list this long after the last one, at the soonest. */
const MISS_REFRESH_MS = 10_000;

/** The distinct `{{n}}` placeholders of a body, in order. */
function placeholders(body: string): string[] {
  return [...new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => `{{${m[1]}}}`))];
}

/**
 * How many values a template takes: v2's `substitutions_count`; on v1 the placeholders of its
 * body (v1's count is not in every answer) — each falling back to the other.
 */
function expectedCount(template: ListedTemplate, apiVersion: PactApiVersion): number {
  const counted = placeholders(template.body).length;
  if (apiVersion === 2) return template.substitutions_count ?? counted;
  return counted > 0 || template.substitutions_count === undefined
    ? counted
    : template.substitutions_count;
}

/** Checks the arguments of a template send where it was called, before anything is looked up. */
export function checkTemplateRequest(
  method: string,
  nameOrId: unknown,
  options: TemplateOptions | undefined,
): TemplateRequest {
  if (typeof nameOrId !== 'string' || nameOrId.trim() === '') {
    throw new PactArgumentError(
      `${method} needs the template's name (or its waba_id or id), a non-empty string; got ${show(nameOrId)}`,
    );
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new PactArgumentError(
      `${method} takes options like { language: 'en', parameters: ['#123'] }, got ${show(options)}`,
    );
  }
  const { language, parameters } = options ?? {};
  if (language !== undefined && (typeof language !== 'string' || language.trim() === '')) {
    throw new PactArgumentError(
      `${method}: language must be a language code such as 'en' or 'ru', got ${show(language)}`,
    );
  }
  const list: unknown = parameters ?? [];
  if (!Array.isArray(list)) {
    throw new PactArgumentError(
      `${method}: parameters must be an array of strings, one for each {{n}} of the template; got ${show(list)}`,
    );
  }
  const values = list.map((value: unknown, i) => {
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') {
      throw new PactArgumentError(
        `${method}: parameters[${i}] must be a string (or a number), got ${show(value)}`,
      );
    }
    if (value.trim() === '') {
      throw new PactArgumentError(
        `${method}: parameters[${i}] is empty; WhatsApp refuses a template with an empty value`,
      );
    }
    return value;
  });
  return { nameOrId: nameOrId.trim(), language: language?.trim(), parameters: values };
}

/** How a template is named in a list of what there is: `order_update (en, ru)`. */
function describe(templates: readonly ListedTemplate[]): string {
  const byId = new Map<string, ListedTemplate[]>();
  for (const t of templates) byId.set(t.waba_id, [...(byId.get(t.waba_id) ?? []), t]);
  return [...byId.values()]
    .map((group) => {
      const [first] = group as [ListedTemplate];
      const languages = group.map((t) => t.language).filter((l) => l !== undefined);
      const name = first.name !== first.waba_id ? ` "${first.name}"` : '';
      return `${first.waba_id}${name}${languages.length > 0 ? ` (${languages.join(', ')})` : ''}`;
    })
    .join(', ');
}

function listed(raw: {
  id: number;
  name: string;
  waba_id: string;
  body: string;
  substitutions_count?: number;
}): ListedTemplate {
  const language = unknownField(raw, 'language') ?? unknownField(raw, 'language_code');
  return {
    id: raw.id,
    name: raw.name,
    waba_id: raw.waba_id,
    body: typeof raw.body === 'string' ? raw.body : '',
    substitutions_count:
      typeof raw.substitutions_count === 'number' ? raw.substitutions_count : undefined,
    language: typeof language === 'string' && language !== '' ? language : undefined,
  };
}

/**
 * The company's approved WhatsApp Business templates, listed from Pact (v1 `wabaTemplates`, v2
 * `v2.wabaTemplates`) and kept for `ttlMs`; a name not found is looked up again in a fresh list
 * (at most every ten seconds), so a template approved a minute ago is found.
 */
export class TemplateBook {
  readonly #api: PactClient;
  readonly #ttlMs: number;
  #list: { templates: ListedTemplate[]; at: number } | undefined;
  #loading: Promise<ListedTemplate[]> | undefined;

  constructor(api: PactClient, ttlMs: number) {
    this.#api = api;
    this.#ttlMs = ttlMs;
  }

  /** The templates, from the list kept here while it is fresh. */
  async templates(options: { fresh?: boolean } = {}): Promise<ListedTemplate[]> {
    const list = this.#list;
    if (list && !options.fresh && Date.now() - list.at < this.#ttlMs) return list.templates;
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(): Promise<ListedTemplate[]> {
    const templates: ListedTemplate[] = [];
    if (this.#api.apiVersion === 2) {
      for await (const t of this.#api.v2.wabaTemplates.iterate({ per_page: 100 })) {
        templates.push(listed(t));
      }
    } else {
      for await (const t of this.#api.wabaTemplates.iterate({ per: 100 }))
        templates.push(listed(t));
    }
    this.#list = { templates, at: Date.now() };
    return templates;
  }

  /**
   * Chooses the template a send names — by its name, `waba_id` or id — in the language asked for,
   * and checks the values against its placeholders. Throws `PactArgumentError` naming what there is.
   */
  async choose(method: string, request: TemplateRequest): Promise<ChosenTemplate> {
    let templates = await this.templates();
    let named = templates.filter((t) => matches(t, request.nameOrId));
    const age = Date.now() - (this.#list?.at ?? 0);
    if (named.length === 0 && age >= MISS_REFRESH_MS) {
      templates = await this.templates({ fresh: true });
      named = templates.filter((t) => matches(t, request.nameOrId));
    }
    if (named.length === 0) {
      throw new PactArgumentError(
        templates.length === 0
          ? `${method}: the company has no approved WhatsApp Business templates (Pact lists none); have "${request.nameOrId}" approved in Pact first`
          : `${method}: the company has no approved WhatsApp Business template "${request.nameOrId}" (looked up by name, waba_id and id); its templates are ${describe(templates)}`,
        { code: 'PACTBOT_UNKNOWN_TEMPLATE' },
      );
    }
    const [template, language] = this.#version(method, request, named);
    const expected = expectedCount(template, this.#api.apiVersion);
    const got = request.parameters.length;
    if (got !== expected) {
      const marks = placeholders(template.body);
      const takes =
        expected === 0
          ? 'takes no parameters'
          : `takes ${expected} parameter${expected === 1 ? '' : 's'}${
              marks.length === expected
                ? `, one for each of ${marks.join(', ')} in ${JSON.stringify(template.body)}`
                : ''
            }`;
      throw new PactArgumentError(
        `${method}: template ${template.waba_id}${language ? ` (${language})` : ''} ${takes}; got ${got}`,
        { code: 'PACTBOT_TEMPLATE_PARAMETERS' },
      );
    }
    return { template, language, parameters: request.parameters };
  }

  /** The version of a template in the language asked for, and the language to send. */
  #version(
    method: string,
    request: TemplateRequest,
    named: readonly ListedTemplate[],
  ): [ListedTemplate, string | undefined] {
    const languages = [...new Set(named.map((t) => t.language).filter((l) => l !== undefined))];
    const wanted = request.language;
    const id = named[0]!.waba_id;
    if (languages.length === 0) {
      // The list names no languages (as Pact's reference shows it): the one given is sent as it is.
      if (wanted === undefined && this.#api.apiVersion === 1) {
        throw new PactArgumentError(
          `${method}: say which language of template ${id} to send, with { language: 'en' } (or 'ru', …): Pact's v1 first-message endpoint requires template[language_code], and the template list names no language`,
          { code: 'PACTBOT_TEMPLATE_LANGUAGE' },
        );
      }
      return [named[0]!, wanted];
    }
    if (wanted === undefined) {
      if (languages.length > 1) {
        throw new PactArgumentError(
          `${method}: template ${id} is approved in ${languages.join(', ')}; say which to send with { language: '${languages[0]!}' }`,
          { code: 'PACTBOT_TEMPLATE_LANGUAGE' },
        );
      }
      return [named.find((t) => t.language === languages[0])!, languages[0]];
    }
    const version = named.find((t) => t.language?.toLowerCase() === wanted.toLowerCase());
    if (!version) {
      throw new PactArgumentError(
        `${method}: template ${id} has no ${JSON.stringify(wanted)} version; it is approved in ${languages.join(', ')}`,
        { code: 'PACTBOT_TEMPLATE_LANGUAGE' },
      );
    }
    return [version, version.language];
  }
}

function matches(template: ListedTemplate, nameOrId: string): boolean {
  return (
    template.name === nameOrId || template.waba_id === nameOrId || String(template.id) === nameOrId
  );
}
