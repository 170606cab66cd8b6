/**
 * WhatsApp Business templates: the approved ones every sandbox company has, and how a send picks
 * one (by its `waba_id` and language) and fills in its `{{1}}`, `{{2}}`… A wrong choice is a 400
 * naming what was asked for and what there is, under the parameter names of the API it came in.
 */
import { ApiError } from '../api/api-error.js';
import type { TemplateUse, WabaTemplateRecord } from '../store/records.js';
import { show } from '../util/show.js';

/** A template fixture: what a record holds before the store gives it an id, position and date. */
export type TemplateFixture = Omit<WabaTemplateRecord, 'id' | 'position' | 'created_at'>;

const SANDBOX_NAMESPACE = 'sandbox_templates';

/**
 * The approved templates of every sandbox company, in the order they were "approved": the
 * reference's own example, then an order update, an appointment reminder (with a text header) in
 * English and Russian, and a welcome-back without parameters in English only.
 */
export function templateFixtures(companyId: number): TemplateFixture[] {
  const template = (
    fields: Pick<TemplateFixture, 'waba_id' | 'language' | 'body'> &
      Partial<Pick<TemplateFixture, 'name' | 'header' | 'namespace'>>,
  ): TemplateFixture => ({
    company_id: companyId,
    name: fields.name ?? fields.waba_id,
    waba_id: fields.waba_id,
    language: fields.language,
    body: fields.body,
    substitutions_count: placeholdersOf(fields.body),
    header_content_type: fields.header ? 'text' : null,
    header: fields.header ?? null,
    namespace: fields.namespace === undefined ? SANDBOX_NAMESPACE : fields.namespace,
  });
  return [
    template({
      name: 'Шаблон с переменной',
      waba_id: '1_shablon_kakoito',
      language: 'ru',
      body: 'Тестовый шаблон с какой то переменной {{1}}',
      namespace: null,
    }),
    template({ waba_id: 'order_update', language: 'en', body: 'Your order {{1}} has shipped' }),
    template({ waba_id: 'order_update', language: 'ru', body: 'Ваш заказ {{1}} отправлен' }),
    template({
      waba_id: 'appointment_reminder',
      language: 'en',
      header: 'Appointment reminder',
      body: 'Hi {{1}}, see you on {{2}} at {{3}}',
    }),
    template({
      waba_id: 'appointment_reminder',
      language: 'ru',
      header: 'Напоминание о записи',
      body: 'Здравствуйте, {{1}}! Ждём вас {{2}} в {{3}}',
    }),
    template({
      waba_id: 'welcome_back',
      language: 'en',
      body: 'Welcome back! Reply to this message to pick up where we left off.',
    }),
  ];
}

/** How many distinct `{{n}}` a body has. */
function placeholdersOf(body: string): number {
  return new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1])).size;
}

/** The parameter names of a template send, as the API that took it spells them. */
export interface TemplateParamNames {
  /** The template's id: v1 `template[id]`, v2 `waba_id`. */
  id: string;
  /** Its language: v1 `template[language_code]`, v2 `language` (a sandbox addition). */
  language: string;
  /** Its values: v1 `template[parameters]`, v2 `substitutions`. */
  parameters: string;
}

/** What a template send asked for, as it came. */
export interface TemplateRequest {
  id: string;
  language: string | undefined;
  /** The values as sent: a list, one value, an object of numbered values, or nothing. */
  parameters: unknown;
}

/** A template picked for a send: the template, its use, and the text the customer gets. */
export interface TemplateChoice {
  template: WabaTemplateRecord;
  use: TemplateUse;
  /** The body with its placeholders filled in, a text header first (as Pact shows it). */
  text: string;
}

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/**
 * The values of the placeholders as a list of strings: a list, a single value (a form's
 * `parameters=x`), or numbered fields (`parameters[0]=x`); nothing is no values.
 */
function parameterList(raw: unknown, name: string): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  let list: unknown[];
  if (Array.isArray(raw)) list = raw;
  else if (typeof raw === 'object') {
    const entries = Object.entries(raw as Record<string, unknown>);
    if (!entries.every(([key]) => /^\d+$/.test(key))) {
      throw bad(`${name} must be an array of strings, got an object`);
    }
    list = entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, value]) => value);
  } else list = [raw];
  return list.map((value, i) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw bad(`${name}[${i}] must be a string, got ${show(value)}`);
    }
    return String(value);
  });
}

/**
 * Picks the template a send names — by `waba_id`, or by Pact's numeric `id` or its `name`, as
 * the references do not say which they mean — in the language asked for; without a language,
 * the first approved one (English where there is one). Checks the number of values against the
 * template's placeholders.
 */
export function chooseTemplate(
  templates: readonly WabaTemplateRecord[],
  request: TemplateRequest,
  names: TemplateParamNames,
): TemplateChoice {
  const named = templates.filter(
    (t) => t.waba_id === request.id || String(t.id) === request.id || t.name === request.id,
  );
  if (named.length === 0) {
    const known = [...new Set(templates.map((t) => t.waba_id))].join(', ');
    throw bad(
      `${names.id} ${JSON.stringify(request.id)} is no approved template of this company; its templates are ${known}`,
    );
  }
  const language = request.language?.trim();
  const template = language
    ? named.find((t) => t.language.toLowerCase() === language.toLowerCase())
    : (named.find((t) => t.language === 'en') ?? named[0]);
  if (!template) {
    throw bad(
      `template ${named[0]!.waba_id} has no ${JSON.stringify(language)} version (${names.language}); it is approved in ${named.map((t) => t.language).join(', ')}`,
    );
  }
  const parameters = parameterList(request.parameters, names.parameters);
  if (parameters.length !== template.substitutions_count) {
    const values = (n: number) => `${n} ${n === 1 ? 'value' : 'values'}`;
    throw bad(
      `${names.parameters} has ${values(parameters.length)}, but template ${template.waba_id} (${template.language}) takes ${template.substitutions_count}: "${template.body}"`,
    );
  }
  const body = template.body.replace(/\{\{(\d+)\}\}/g, (match, n: string) =>
    String(parameters[Number(n) - 1] ?? match),
  );
  const text =
    template.header_content_type === 'text' && template.header
      ? `${template.header}\n${body}`
      : body;
  return {
    template,
    use: { waba_id: template.waba_id, language: template.language, parameters },
    text,
  };
}
