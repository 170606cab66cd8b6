import type { WabaTemplateRecord } from './records.js';

/** The WhatsApp Business templates every sandbox company has: the reference's example and one more. */
export function templateFixtures(
  companyId: number,
): Array<Omit<WabaTemplateRecord, 'id' | 'position' | 'created_at'>> {
  return [
    {
      company_id: companyId,
      name: 'Шаблон с переменной',
      waba_id: '1_shablon_kakoito',
      body: 'Тестовый шаблон с какой то переменной {{1}}',
      substitutions_count: 1,
      header_content_type: null,
      header: null,
      namespace: null,
    },
    {
      company_id: companyId,
      name: 'Order shipped',
      waba_id: 'order_shipped',
      body: 'Hello {{1}}, your order {{2}} is on its way.',
      substitutions_count: 2,
      header_content_type: 'text',
      header: 'Order update',
      namespace: 'sandbox_templates',
    },
  ];
}
